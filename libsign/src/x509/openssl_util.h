#pragma once
// Small helpers shared by the X.509 sources: conversions between OpenSSL's
// ASN.1 types and the C++ types the public API uses. Not installed; internal.

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sign/error.h"
#include "sign/hex.h"
#include "sign/openssl_ptr.h"
#include "sign/signing_key.h"

namespace sign::detail {

/// Throws ErrorKind::internal with `what` and the drained OpenSSL error queue.
[[noreturn]] void throw_openssl(std::string_view code, std::string_view what);

/// A read-only memory BIO over `data`; the bytes must outlive the BIO.
BioPtr memory_bio(std::span<const std::uint8_t> data);
/// A read-only memory BIO over text; the text must outlive the BIO.
BioPtr memory_bio(std::string_view text);
/// An empty writable memory BIO.
BioPtr output_bio();
/// Everything written to a memory BIO so far.
std::string bio_contents(BIO* bio);

/// Seconds-precision ASN1_TIME; OpenSSL picks UTCTime before 2050 and GeneralizedTime after, as RFC 5280 asks.
Asn1TimePtr to_asn1_time(std::chrono::system_clock::time_point when);
/// The instant an ASN1_TIME names (always UTC in certificates).
std::chrono::system_clock::time_point from_asn1_time(const ASN1_TIME* time);

/// True when the text looks like PEM armour rather than DER.
bool looks_like_pem(std::span<const std::uint8_t> data);

/// Whole file contents; throws not_found when it cannot be read.
std::vector<std::uint8_t> read_file(const std::string& path);

/// The DER encoding of `object` through its OpenSSL i2d function (i2d_X509, i2d_TS_RESP, ...);
/// throws `encode_failed` naming `what` ("the CRL") when OpenSSL cannot encode it.
template <typename Object, typename Encoder>
std::vector<std::uint8_t> to_der(const Object* object, Encoder encode, std::string_view what) {
    int length = encode(object, nullptr);
    if (length <= 0) throw_openssl("encode_failed", "cannot encode " + std::string(what));
    std::vector<std::uint8_t> der(static_cast<std::size_t>(length));
    unsigned char* cursor = der.data();
    encode(object, &cursor);
    return der;
}


/// Signs with `key` through a digest-sign context prepared for `digest` (and RSA-PSS when asked);
/// `sign_call` does the object-specific part (X509_sign_ctx, X509_CRL_sign_ctx, ...).
void sign_with(const SigningKey& key, const EVP_MD* digest, bool rsa_pss,
               const std::function<int(EVP_MD_CTX*)>& sign_call, std::string_view what);

/// True when the two keys share the same public half.
bool same_public_key(const EVP_PKEY* a, const EVP_PKEY* b);

}  // namespace sign::detail
