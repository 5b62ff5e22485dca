// libsign's percent-decoding and UTF-8 validation and escaping.
#include <cstdlib>

#include "fuzz_input.h"
#include "sign/percent_encoding.h"
#include "sign/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = sign::fuzz::text_of(data, size);
    for (bool plus : {false, true}) {
        auto decoded = sign::percent_decode(text, {plus});
        if (decoded && !plus && sign::percent_decode(sign::percent_encode(*decoded)) != decoded) std::abort();
    }
    bool valid = sign::is_valid_utf8(text);
    for (bool controls : {false, true}) {
        std::string escaped = sign::escape_invalid_utf8(text, {controls});
        if (!sign::is_valid_utf8(escaped)) std::abort();
        if (sign::escape_invalid_utf8(escaped, {controls}) != escaped) std::abort();
        if (valid && !controls && escaped.find("\\x") == std::string::npos && escaped != text) std::abort();
    }
    return 0;
}
