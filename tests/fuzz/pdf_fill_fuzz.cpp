// `pdf fill` (signctl sign fill, and the form values of a signing request): an untrusted PDF's
// AcroForm read with qpdf, its text fields found by name and filled in an incremental update.
// The seeds name the fields "so_van_ban" and "o_nho" that the harness fills.
#include <filesystem>
#include <string>

#include "fuzz_input.h"
#include "sign/error.h"
#include "sign/pades.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    sign::fuzz::InputFile input(data, size, ".pdf");
    std::filesystem::path output = input.path();
    output.replace_extension(".filled.pdf");
    for (const auto& values : {std::vector<std::pair<std::string, std::string>>{{"so_van_ban", "Số 01/QĐ-UBND"}},
                               std::vector<std::pair<std::string, std::string>>{{"o_nho", "1"}, {"so_van_ban", "Đà Nẵng"}}}) {
        try {
            sign::fill_form_fields(input.path(), output, values);
        } catch (const sign::Error&) {
        }
    }
    std::error_code ignored;
    std::filesystem::remove(output, ignored);
    return 0;
}
