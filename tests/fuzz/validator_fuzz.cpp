// The one entry point of the verification service (POST /api/v1/verifications): any signed file,
// its format told from its bytes (PDF, CMS, XML) and validated offline with no trust anchor.
#include <chrono>

#include "sign/error.h"
#include "sign/validate/document_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const sign::validate::ValidationOptions options = [] {
        sign::validate::ValidationOptions fixed;
        // One validation time, so that an input behaves the same on every run.
        fixed.validation_time = std::chrono::sys_days{std::chrono::year{2027} / 1 / 1};
        return fixed;
    }();
    sign::validate::DocumentInput input;
    input.signed_file = std::span<const std::uint8_t>(data, size);
    (void)sign::validate::validate_document(input, options);
    return 0;
}
