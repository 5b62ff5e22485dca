// XAdES validation of untrusted XML: parsing, Ids, references, xmlsec, the signed properties and
// the embedded validation data, offline with no trust anchor.
#include "sign/validate/xades_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const sign::validate::ValidationOptions options;
    (void)sign::validate::validate_xades(std::span<const std::uint8_t>(data, size), sign::validate::SignedContent::attached(), options);
    return 0;
}
