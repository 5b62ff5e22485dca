#include "sign/mobile/document_preparer.h"

#include <openssl/evp.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "encoding.h"
#include "sign/base64.h"
#include "sign/cades.h"
#include "sign/atomic_file.h"
#include "sign/error.h"
#include "sign/key_policy.h"
#include "sign/mobile/signature_image.h"
#include "sign/pades.h"
#include "sign/pades_long_term.h"
#include "sign/signer_checks.h"
#include "sign/xades.h"

namespace sign::mobile {

namespace fs = std::filesystem;

namespace {

// The preparation blob: "v2\n<scheme>\n<digest>\n<level>\n" then the format's opaque state; a
// "v1" blob, written before levels could be asked for, has no level line and is B-T.
std::vector<std::uint8_t> encode_preparation(const PreparedSignature& prepared, SignatureLevel level) {
    std::string head = "v2\n" + to_string(prepared.scheme) + "\n" + prepared.digest_name + "\n" + to_string(level) + "\n";
    std::vector<std::uint8_t> blob(head.begin(), head.end());
    blob.insert(blob.end(), prepared.state.begin(), prepared.state.end());
    return blob;
}

struct DecodedPreparation {
    DocumentSigning signing;
    SignatureLevel level = SignatureLevel::b_t;
    std::vector<std::uint8_t> state;
};

DecodedPreparation decode_preparation(const std::vector<std::uint8_t>& blob) {
    std::string text(blob.begin(), blob.end());
    auto unreadable = [] { return Error(ErrorKind::internal, "bad_preparation", "a stored document preparation is not readable"); };
    std::size_t first = text.find('\n');
    std::size_t second = first == std::string::npos ? first : text.find('\n', first + 1);
    std::size_t third = second == std::string::npos ? second : text.find('\n', second + 1);
    std::string version = text.substr(0, first);
    if (third == std::string::npos || (version != "v1" && version != "v2")) throw unreadable();
    DecodedPreparation decoded{{parse_signature_scheme(text.substr(first + 1, second - first - 1)),
                                text.substr(second + 1, third - second - 1)},
                               SignatureLevel::b_t,
                               {}};
    std::size_t state_at = third + 1;
    if (version == "v2") {
        std::size_t fourth = text.find('\n', state_at);
        if (fourth == std::string::npos) throw unreadable();
        auto level = signature_level_named(text.substr(state_at, fourth - state_at));
        if (!level) throw unreadable();
        decoded.level = *level;
        state_at = fourth + 1;
    }
    decoded.state.assign(blob.begin() + static_cast<std::ptrdiff_t>(state_at), blob.end());
    return decoded;
}

bool long_term(SignatureLevel level) { return level == SignatureLevel::b_lt || level == SignatureLevel::b_lta; }

bool is_hash_algorithm(const std::string& name) {
    return name == "sha256" || name == "sha384" || name == "sha512" || name == "sha3-256" || name == "sha3-384" ||
           name == "sha3-512";
}

// The signAlgo OID a bare hash signature carries.
std::string sign_algorithm_oid(const DocumentSigning& signing) {
    if (signing.scheme == SignatureScheme::rsa_pss) return "1.2.840.113549.1.1.10";
    if (signing.scheme == SignatureScheme::ecdsa) {
        if (signing.digest_name == "sha256") return "1.2.840.10045.4.3.2";
        if (signing.digest_name == "sha384") return "1.2.840.10045.4.3.3";
        if (signing.digest_name == "sha512") return "1.2.840.10045.4.3.4";
        if (signing.digest_name == "sha3-256") return "2.16.840.1.101.3.4.3.10";
        if (signing.digest_name == "sha3-384") return "2.16.840.1.101.3.4.3.11";
        if (signing.digest_name == "sha3-512") return "2.16.840.1.101.3.4.3.12";
    }
    if (signing.digest_name == "sha256") return "1.2.840.113549.1.1.11";
    if (signing.digest_name == "sha384") return "1.2.840.113549.1.1.12";
    return "1.2.840.113549.1.1.13";
}

[[noreturn]] void invalid_document(int index, const std::string& why) {
    throw Error(ErrorKind::invalid_input, "invalid_document", "document " + std::to_string(index) + ": " + why);
}

void write_bytes(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) throw Error(ErrorKind::internal, "cannot_write", "cannot write " + path.string());
}

}  // namespace

Signer SignerIdentity::signer(const DocumentSigning& signing) const {
    std::vector<Certificate> copies;
    for (const auto& ca : chain) copies.push_back(ca.copy());
    return Signer{key, certificate.copy(), std::move(copies), signing.scheme, signing.digest_name};
}

DocumentSigning signer_signing(const SignerIdentity& identity) {
    EvpPkeyPtr public_key = identity.key.public_key();
    SignatureScheme scheme = default_scheme_for(public_key.get());
    if (!identity.scheme.empty()) {
        scheme = parse_signature_scheme(identity.scheme);
        check_scheme_fits_key(public_key.get(), scheme);
    }
    bool p384 = EVP_PKEY_get_base_id(public_key.get()) == EVP_PKEY_EC && EVP_PKEY_get_bits(public_key.get()) == 384;
    return {scheme, p384 ? "sha384" : "sha256"};
}

fs::path DocumentPreparer::result_path(const fs::path& folder, int index) {
    return folder / (std::to_string(index) + ".result");
}

fs::path DocumentPreparer::original_path(const fs::path& folder, int index) {
    return folder / (std::to_string(index) + ".original.pdf");
}

std::string DocumentPreparer::result_media_type(const std::string& type) {
    if (type == "pdf") return "application/pdf";
    if (type == "xml") return "application/xml";
    if (type == "file") return "application/pkcs7-signature";
    return "application/json";
}

DocumentSigning DocumentPreparer::signing_of(const store::RequestDocument& document) {
    return decode_preparation(document.preparation).signing;
}

store::RequestDocument DocumentPreparer::prepare(const SignerIdentity& identity, const DocumentInput& input, int index,
                                                 const fs::path& folder) const {
    store::RequestDocument document;
    document.index = index;
    document.title = input.title;
    document.type = input.type;
    DocumentSigning signing = signer_signing(identity);
    PreparedSignature prepared;

    if (input.type == "hash") {
        if (!is_hash_algorithm(input.hash_algorithm))
            invalid_document(index, "hashAlgorithm is sha256, sha384, sha512, sha3-256, sha3-384 or sha3-512");
        if (input.hash.size() != static_cast<std::size_t>(EVP_MD_get_size(check_digest(input.hash_algorithm))))
            invalid_document(index, "the hash is not as long as a " + input.hash_algorithm + " hash");
        signing.digest_name = input.hash_algorithm;
        check_signer(identity.signer(signing), &certificates_, clock_.now());
        prepared = PreparedSignature{input.hash, signing.digest_name, signing.scheme, {}};
        document.sha256 = input.hash;
    } else {
        if (input.content.empty()) invalid_document(index, "the content is empty");
        document.sha256 = sha256(input.content);
        if (input.type == "pdf") {
            static const std::string header = "%PDF-";
            if (input.content.size() < header.size() || !std::equal(header.begin(), header.end(), input.content.begin()))
                throw Error(ErrorKind::invalid_input, "not_a_pdf", "document " + std::to_string(index) + " is not a PDF");
            untrusted_pdfs_.check(input.content);
            if (long_term(input.level)) {
                if (!long_term_)
                    throw Error(ErrorKind::policy, "long_term_unavailable",
                                "this service has no validation data source for b-lt or b-lta signatures");
                // Circular 15: a long-term signature only from a signer in good standing now.
                require_signer_in_good_standing(identity.signer(signing), *long_term_);
            }
            PadesOptions options;
            options.level = SignatureLevel::b_t;
            options.registry = &certificates_;
            fs::path original = original_path(folder, index);
            write_bytes(original, input.content);
            if (!input.invisible) {
                options.image = signer_images_ / (identity.signer_id + ".png");
                ImageSize size = signature_image_size(options.image);
                if (input.field) {
                    options.placement = ExistingField{*input.field};
                } else if (input.page && input.x_mm && input.y_mm) {
                    options.placement = PagePosition{*input.page, *input.x_mm, *input.y_mm, size.width_mm, size.height_mm};
                } else {
                    throw Error(ErrorKind::invalid_input, "signature_position_required",
                                "document " + std::to_string(index) +
                                    ": give the signature field, or page, xMm and yMm, or \"invisible\": true");
                }
            }
            prepared = prepare_pades(original, folder / (std::to_string(index) + ".prepared.pdf"),
                                     identity.signer(signing), clock_, options, &timestamps_);
        } else if (input.type == "xml") {
            // XML-DSig verifiers in use cannot check RSA-PSS: XML takes PKCS#1 v1.5 from RSA keys.
            if (signing.scheme == SignatureScheme::rsa_pss) signing.scheme = SignatureScheme::rsa_pkcs1v15;
            XadesOptions options;
            options.packaging = XadesPackaging::enveloped;
            options.level = SignatureLevel::b_t;
            options.registry = &certificates_;
            prepared = prepare_xades(identity.signer(signing), input.content, options, clock_);
        } else if (input.type == "file") {
            CadesOptions options{.detached = true, .level = SignatureLevel::b_t, .registry = &certificates_};
            prepared = prepare_cades(identity.signer(signing), input.content, options, clock_.now());
        } else {
            invalid_document(index, "type is pdf, xml, file or hash");
        }
    }
    document.digest_algorithm = prepared.digest_name;
    document.digest = prepared.digest;
    document.preparation = encode_preparation(prepared, input.type == "pdf" ? input.level : SignatureLevel::b_t);
    return document;
}

void DocumentPreparer::finish(const SignerIdentity& identity, const store::RequestDocument& document,
                              const std::vector<std::uint8_t>& signature_value, const fs::path& folder) const {
    DecodedPreparation decoded = decode_preparation(document.preparation);
    PreparedSignature prepared{document.digest, decoded.signing.digest_name, decoded.signing.scheme, decoded.state};
    fs::path result = result_path(folder, document.index);
    std::vector<std::uint8_t> bytes;
    if (document.type == "pdf") {
        // finalize_pades and extend_pades write through a temporary file and rename it.
        finalize_pades(prepared, signature_value, &timestamps_, result);
        if (long_term(decoded.level)) {
            if (!long_term_)
                throw Error(ErrorKind::policy, "long_term_unavailable",
                            "this service has no validation data source for b-lt or b-lta signatures");
            extend_pades(result, result, decoded.level, *long_term_, &timestamps_);
        }
        return;
    }
    if (document.type == "xml") {
        bytes = finalize_xades(prepared, signature_value, &timestamps_);
    } else if (document.type == "file") {
        bytes = finalize_cades(prepared, signature_value, &timestamps_);
    } else {
        nlohmann::json answer = {{"signature", encode_base64(signature_value)},
                                 {"signAlgo", sign_algorithm_oid(decoded.signing)},
                                 {"certificate", encode_base64(identity.certificate.to_der())}};
        std::string text = answer.dump();
        bytes.assign(text.begin(), text.end());
    }
    write_file_atomically(result.string(), std::string(bytes.begin(), bytes.end()), 0600);
}

}  // namespace sign::mobile
