// JSON request bodies as signd reads them: nlohmann::json without exceptions, then the document
// reader of /api/v1 (base64 "document" field) on the same bytes.
#include <nlohmann/json.hpp>

#include "app/document_body.h"
#include "fuzz_input.h"
#include "sign/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string body(sign::fuzz::text_of(data, size));
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (!json.is_discarded()) {
        // Rendering back (replace invalid UTF-8 rather than throw) is what error answers do.
        (void)json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    sign::signd::HttpRequest request;
    request.method = "POST";
    request.headers["content-type"] = "application/json";
    request.body = body;
    try {
        (void)sign::signd::read_document(request, 1 << 20);
    } catch (const sign::Error&) {
    }
    return 0;
}
