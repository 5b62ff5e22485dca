// The multipart/form-data parser of document uploads. The first line of the input is the
// Content-Type header, the rest the body, so the fuzzer varies both.
#include "app/multipart_form.h"
#include "fuzz_input.h"
#include "sign/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = sign::fuzz::text_of(data, size);
    std::size_t newline = input.find('\n');
    std::string_view content_type = input.substr(0, newline);
    std::string_view body = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    try {
        auto parts = sign::signd::parse_multipart_form(body, content_type);
        std::size_t total = 0;
        for (const auto& part : parts) total += part.body.size();
        if (total > body.size()) std::abort();
    } catch (const sign::Error&) {
    }
    return 0;
}
