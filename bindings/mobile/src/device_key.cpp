// The OpenSSL device key: P-256 in memory, PKCS#8 PEM on disk, and the
// DER <-> raw conversions every ECDSA signer on a phone needs.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "failure.h"

struct sm_key {
    EVP_PKEY* pkey = nullptr;
};

namespace signmobile {
namespace {

constexpr size_t coordinate_size = 32;  // P-256

struct BioDeleter { void operator()(BIO* bio) const { BIO_free(bio); } };
struct PkeyDeleter { void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); } };
struct MdCtxDeleter { void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); } };
struct SigDeleter { void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); } };
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// OpenSSL's queued errors, drained into one line, so the message names the real cause.
std::string openssl_errors() {
    std::string text;
    while (unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.empty()) text += "; ";
        text += buffer;
    }
    return text.empty() ? "no detail" : text;
}

[[noreturn]] void crypto_failure(const std::string& what) {
    throw Failure(SM_ERR_CRYPTO, what + ": " + openssl_errors());
}

void require_p256(const EVP_PKEY* pkey) {
    char group[64] = {};
    size_t group_len = 0;
    if (!EVP_PKEY_is_a(pkey, "EC") || !EVP_PKEY_get_group_name(pkey, group, sizeof group, &group_len) ||
        std::string(group, group_len) != "prime256v1") {
        ERR_clear_error();
        throw Failure(SM_ERR_CRYPTO, "the key is not an ECDSA P-256 key");
    }
}

// Wipes and closes on every path; the temporary file goes unless it was renamed.
class TemporaryFile {
public:
    explicit TemporaryFile(const std::filesystem::path& target)
        : name_(target.string() + ".tmp-XXXXXX") {
        // mkstemp creates the file 0600 already; the explicit fchmod below does not trust the umask's history.
        fd_ = mkstemp(name_.data());
        if (fd_ < 0) throw Failure(SM_ERR_IO, "cannot create a file next to " + target.string() + ": " + std::strerror(errno));
    }
    ~TemporaryFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!renamed_) ::unlink(name_.c_str());
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;

    void write_synced(const std::string& bytes) {
        if (::fchmod(fd_, S_IRUSR | S_IWUSR) != 0) io_failure("cannot restrict the permissions of");
        size_t written = 0;
        while (written < bytes.size()) {
            ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) io_failure("cannot write");
            written += static_cast<size_t>(n);
        }
        if (::fsync(fd_) != 0) io_failure("cannot sync");
        if (::close(fd_) != 0) { fd_ = -1; io_failure("cannot close"); }
        fd_ = -1;
    }

    void rename_to(const std::filesystem::path& target) {
        if (::rename(name_.c_str(), target.c_str()) != 0) io_failure("cannot rename into place");
        renamed_ = true;
        // The rename is durable only once the folder's entry is synced.
        auto folder = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
        int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
        if (dir >= 0) {
            ::fsync(dir);
            ::close(dir);
        }
    }

private:
    [[noreturn]] void io_failure(const std::string& what) {
        throw Failure(SM_ERR_IO, what + " " + name_ + ": " + std::strerror(errno));
    }

    std::string name_;
    int fd_ = -1;
    bool renamed_ = false;
};

std::string sign_der(EVP_PKEY* pkey, const uint8_t* message, size_t message_len) {
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey) != 1)
        crypto_failure("cannot start an ECDSA signature");
    size_t length = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &length, message, message_len) != 1) crypto_failure("cannot sign");
    std::string der(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &length, message, message_len) != 1)
        crypto_failure("cannot sign");
    der.resize(length);
    return der;
}

void der_to_raw(const uint8_t* der, size_t der_len, uint8_t raw[64]) {
    const unsigned char* cursor = der;
    std::unique_ptr<ECDSA_SIG, SigDeleter> sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_len)));
    if (!sig || cursor != der + der_len) {
        ERR_clear_error();
        throw Failure(SM_ERR_INVALID_ARGUMENT, "not a DER ECDSA signature");
    }
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    if (BN_is_negative(r) || BN_is_negative(s) || BN_num_bytes(r) > static_cast<int>(coordinate_size) ||
        BN_num_bytes(s) > static_cast<int>(coordinate_size))
        throw Failure(SM_ERR_INVALID_ARGUMENT, "the DER signature's r or s does not fit P-256");
    BN_bn2binpad(r, raw, coordinate_size);
    BN_bn2binpad(s, raw + coordinate_size, coordinate_size);
}

// The trampoline behind sm_key_signer(): an OpenSSL key is just one signer among others.
sm_status sign_with_key(void* context, const uint8_t* message, size_t message_len, uint8_t signature[64]) {
    return sm_key_sign(static_cast<const sm_key*>(context), message, message_len, signature);
}

}  // namespace
}  // namespace signmobile

using signmobile::Failure;
using signmobile::guarded;
using signmobile::require_argument;

extern "C" {

sm_status sm_key_generate(sm_key** key) {
    return guarded([&] {
        require_argument(key, "key");
        *key = nullptr;
        signmobile::PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
        if (!pkey) signmobile::crypto_failure("cannot generate a P-256 key");
        *key = new sm_key{pkey.release()};
    });
}

sm_status sm_key_load_pem(const char* path, sm_key** key) {
    return guarded([&] {
        require_argument(path, "path");
        require_argument(key, "key");
        *key = nullptr;
        signmobile::BioPtr bio(BIO_new_file(path, "r"));
        if (!bio) {
            ERR_clear_error();
            throw Failure(SM_ERR_IO, std::string("cannot read ") + path + ": " + std::strerror(errno));
        }
        signmobile::PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
        if (!pkey) signmobile::crypto_failure(std::string(path) + " holds no PEM private key");
        signmobile::require_p256(pkey.get());
        *key = new sm_key{pkey.release()};
    });
}

sm_status sm_key_save_pem(const sm_key* key, const char* path) {
    return guarded([&] {
        require_argument(key, "key");
        require_argument(path, "path");
        signmobile::BioPtr bio(BIO_new(BIO_s_mem()));
        if (!bio || PEM_write_bio_PrivateKey(bio.get(), key->pkey, nullptr, nullptr, 0, nullptr, nullptr) != 1)
            signmobile::crypto_failure("cannot encode the key");
        char* data = nullptr;
        long length = BIO_get_mem_data(bio.get(), &data);
        std::string pem(data, static_cast<size_t>(length));
        // The private key in clear lives in these buffers only as long as needed.
        OPENSSL_cleanse(data, static_cast<size_t>(length));
        try {
            signmobile::TemporaryFile file(path);
            file.write_synced(pem);
            file.rename_to(path);
        } catch (...) {
            OPENSSL_cleanse(pem.data(), pem.size());
            throw;
        }
        OPENSSL_cleanse(pem.data(), pem.size());
    });
}

sm_status sm_key_public_der(const sm_key* key, uint8_t** der, size_t* der_len) {
    return guarded([&] {
        require_argument(key, "key");
        require_argument(der, "der");
        require_argument(der_len, "der_len");
        *der = nullptr;
        *der_len = 0;
        unsigned char* encoded = nullptr;
        int length = i2d_PUBKEY(key->pkey, &encoded);
        if (length <= 0) signmobile::crypto_failure("cannot encode the public key");
        std::string bytes(reinterpret_cast<char*>(encoded), static_cast<size_t>(length));
        OPENSSL_free(encoded);
        *der = reinterpret_cast<uint8_t*>(signmobile::copy_out(bytes));
        *der_len = bytes.size();
    });
}

sm_status sm_key_sign(const sm_key* key, const uint8_t* message, size_t message_len, uint8_t signature[64]) {
    return guarded([&] {
        require_argument(key, "key");
        require_argument(signature, "signature");
        if (message == nullptr && message_len != 0) require_argument(message, "message");
        static const uint8_t empty = 0;
        auto der = signmobile::sign_der(key->pkey, message ? message : &empty, message_len);
        signmobile::der_to_raw(reinterpret_cast<const uint8_t*>(der.data()), der.size(), signature);
    });
}

sm_signer sm_key_signer(sm_key* key) { return sm_signer{key, signmobile::sign_with_key}; }

void sm_key_free(sm_key* key) {
    if (key == nullptr) return;
    EVP_PKEY_free(key->pkey);
    delete key;
}

sm_status sm_ecdsa_der_to_raw(const uint8_t* der, size_t der_len, uint8_t raw[64]) {
    return guarded([&] {
        require_argument(der, "der");
        require_argument(raw, "raw");
        signmobile::der_to_raw(der, der_len, raw);
    });
}

sm_status sm_ecdsa_raw_to_der(const uint8_t raw[64], uint8_t** der, size_t* der_len) {
    return guarded([&] {
        require_argument(raw, "raw");
        require_argument(der, "der");
        require_argument(der_len, "der_len");
        *der = nullptr;
        *der_len = 0;
        std::unique_ptr<ECDSA_SIG, signmobile::SigDeleter> sig(ECDSA_SIG_new());
        BIGNUM* r = BN_bin2bn(raw, 32, nullptr);
        BIGNUM* s = BN_bin2bn(raw + 32, 32, nullptr);
        if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
            BN_free(r);
            BN_free(s);
            signmobile::crypto_failure("cannot build the DER signature");
        }
        unsigned char* encoded = nullptr;
        int length = i2d_ECDSA_SIG(sig.get(), &encoded);
        if (length <= 0) signmobile::crypto_failure("cannot encode the DER signature");
        std::string bytes(reinterpret_cast<char*>(encoded), static_cast<size_t>(length));
        OPENSSL_free(encoded);
        *der = reinterpret_cast<uint8_t*>(signmobile::copy_out(bytes));
        *der_len = bytes.size();
    });
}

}  // extern "C"
