// Callback URLs (sign/url.h): parse, normalise, compare.
#include <cstdlib>

#include "fuzz_input.h"
#include "sign/url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = sign::fuzz::text_of(data, size);
    (void)sign::remove_dot_segments(text);
    auto url = sign::HttpUrl::try_parse(text);
    if (!url) return 0;
    // The normal form is a fixed point and is allowed by itself.
    std::string normal = url->to_string();
    auto again = sign::HttpUrl::try_parse(normal, normal.size());
    if (!again || !(*again == *url) || again->to_string() != normal) std::abort();
    if (!url->is_allowed_by(*url)) std::abort();
    if (url->path().empty() || url->path().front() != '/' || url->path().find("//") != std::string::npos) std::abort();
    return 0;
}
