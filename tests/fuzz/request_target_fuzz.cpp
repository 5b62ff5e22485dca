// signd's request-target parser: the first thing every HTTP request reaches.
#include <cstdlib>

#include "fuzz_input.h"
#include "http/request_target.h"
#include "sign/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto target = sign::signd::parse_request_target(std::string(sign::fuzz::text_of(data, size)));
    if (!target) return 0;
    // What the parser promises its callers.
    if (!sign::is_valid_utf8(target->path)) std::abort();
    for (const auto& [name, value] : target->query)
        if (!sign::is_valid_utf8(name) || !sign::is_valid_utf8(value)) std::abort();
    return 0;
}
