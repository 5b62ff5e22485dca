// The validation_bench child: validates one PDF offline against one trust anchor, as a small
// program that links libsign only. Exit 0 when every signature passed, 3 otherwise.
//
//   validate_pdf_driver FILE.pdf ROOT.pem

#include <exception>
#include <iostream>

#include "sign/certificate.h"
#include "sign/validate/pades_validator.h"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: validate_pdf_driver FILE.pdf ROOT.pem\n";
        return 2;
    }
    try {
        sign::validate::ValidationOptions options;
        options.trust.trust_anchors.push_back(sign::Certificate::load(argv[2]));
        auto report = sign::validate::validate_pdf(argv[1], options);
        return report.overall() == sign::validate::MainIndication::total_passed ? 0 : 3;
    } catch (const std::exception& error) {
        std::cerr << error.what() << "\n";
        return 1;
    }
}
