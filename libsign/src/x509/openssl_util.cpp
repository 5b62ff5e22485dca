#include "openssl_util.h"

#include <ctime>
#include <fstream>
#include <iterator>

#include <openssl/rsa.h>

namespace sign::detail {

void throw_openssl(std::string_view code, std::string_view what) {
    throw Error(ErrorKind::internal, std::string(code), std::string(what) + ": " + drain_openssl_errors());
}

BioPtr memory_bio(std::span<const std::uint8_t> data) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) throw_openssl("out_of_memory", "cannot create a memory BIO");
    return bio;
}

BioPtr memory_bio(std::string_view text) {
    return memory_bio(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

BioPtr output_bio() {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) throw_openssl("out_of_memory", "cannot create a memory BIO");
    return bio;
}

std::string bio_contents(BIO* bio) {
    char* data = nullptr;
    long length = BIO_get_mem_data(bio, &data);
    return length > 0 ? std::string(data, static_cast<size_t>(length)) : std::string();
}

Asn1TimePtr to_asn1_time(std::chrono::system_clock::time_point when) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    Asn1TimePtr time(ASN1_TIME_set(nullptr, seconds));
    if (!time) throw_openssl("invalid_time", "cannot encode a certificate time");
    return time;
}

std::chrono::system_clock::time_point from_asn1_time(const ASN1_TIME* time) {
    std::tm parts{};
    if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1)
        throw Error(ErrorKind::invalid_input, "invalid_time", "the certificate carries an unreadable time");
    return std::chrono::system_clock::from_time_t(timegm(&parts));
}

bool looks_like_pem(std::span<const std::uint8_t> data) {
    std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    return text.find("-----BEGIN ") != std::string_view::npos;
}

std::vector<std::uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::not_found, "file_not_found", "cannot read file '" + path + "'");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}


void sign_with(const SigningKey& key, const EVP_MD* digest, bool rsa_pss,
               const std::function<int(EVP_MD_CTX*)>& sign_call, std::string_view what) {
    bool signed_ok = false;
    key.use([&](EVP_PKEY* pkey) {
        // A fresh context per attempt: the key may retry after reconnecting to its token.
        EvpMdCtxPtr context(EVP_MD_CTX_new());
        EVP_PKEY_CTX* pkey_context = nullptr;
        if (!context || EVP_DigestSignInit(context.get(), &pkey_context, digest, nullptr, pkey) <= 0) return false;
        if (rsa_pss) {
            if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA && EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA_PSS)
                throw Error(ErrorKind::invalid_input, "pss_needs_rsa", "RSA-PSS was asked for, but the signing key is not RSA");
            if (EVP_PKEY_CTX_set_rsa_padding(pkey_context, RSA_PKCS1_PSS_PADDING) <= 0 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_context, RSA_PSS_SALTLEN_DIGEST) <= 0)
                return false;
        }
        signed_ok = sign_call(context.get()) > 0;
        return signed_ok;
    });
    // A key that swallowed the failure instead of throwing must still not yield an unsigned object.
    if (!signed_ok) throw_openssl("signing_failed", std::string("cannot sign the ") + std::string(what));
}

bool same_public_key(const EVP_PKEY* a, const EVP_PKEY* b) {
    return a != nullptr && b != nullptr && EVP_PKEY_eq(a, b) == 1;
}

}  // namespace sign::detail
