// CMS SignedData as the verification service receives it (.p7s/.p7m, DER or PEM): parsing, the
// signer infos, their attributes and time-stamp tokens, the embedded certificates and revocation
// data, offline with no trust anchor. Both ways a CMS arrives: with its content inside, and
// detached beside a document.
#include <chrono>
#include <string_view>

#include "sign/validate/cms_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const sign::validate::ValidationOptions options = [] {
        sign::validate::ValidationOptions fixed;
        // One validation time, so that an input behaves the same on every run.
        fixed.validation_time = std::chrono::sys_days{std::chrono::year{2027} / 1 / 1};
        return fixed;
    }();
    static constexpr std::string_view document = "Quyết định số 01/QĐ-UBND\n";
    std::span<const std::uint8_t> cms(data, size);
    (void)sign::validate::validate_cms(cms, sign::validate::SignedContent::attached(), options);
    (void)sign::validate::validate_cms(
        cms,
        sign::validate::SignedContent::detached(
            std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(document.data()), document.size())),
        options);
    return 0;
}
