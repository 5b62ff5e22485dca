// PDF reading: the signature fields of an uploaded PDF, read with qpdf through libsign.
#include "fuzz_input.h"
#include "sign/error.h"
#include "sign/pades.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    sign::fuzz::InputFile file(data, size, ".pdf");
    try {
        for (const auto& field : sign::signed_signature_fields(file.path())) (void)sign::signature_field_rect(file.path(), field);
    } catch (const sign::Error&) {
    }
    return 0;
}
