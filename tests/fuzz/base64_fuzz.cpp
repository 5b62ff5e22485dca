// libsign's strict base64 and base64url decoders, and hex.
#include <cstdlib>

#include "fuzz_input.h"
#include "sign/base64.h"
#include "sign/hex.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = sign::fuzz::text_of(data, size);
    // Strict decoding means one text per byte string: decoding then encoding gives the input back.
    if (auto bytes = sign::decode_base64(text); bytes && sign::encode_base64(*bytes) != text) std::abort();
    if (auto bytes = sign::decode_base64url(text); bytes && sign::encode_base64url(*bytes) != text) std::abort();
    std::string hex = sign::to_hex({data, size});
    if (hex.size() != 2 * size) std::abort();
    return 0;
}
