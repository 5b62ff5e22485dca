// The device-auth header (`Authorization: Device <deviceId>.<unix milliseconds>.<signature>`) as
// DeviceAuthenticator reads it on every phone request, against a real store holding one enrolled
// device and one revoked device.
//
// An input is three lines: the method, the target (path and query as sent), and the header's
// value. So that the fuzzer reaches past the signature check, three words stand for what it cannot
// guess: "@device" and "@revoked" for the two devices' ids, "@now" for the clock's unix
// milliseconds, and a signature of exactly "@signature" is replaced by the signature over what the
// header then claims, made with the revoked device's key when it names that device, else with the
// enrolled device's key.
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <string>

#include "app/attempt_limits.h"
#include "app/device_auth.h"
#include "fuzz_input.h"
#include "sign/audit/audit_log.h"
#include "sign/audit/audit_tally.h"
#include "sign/base64.h"
#include "sign/clock.h"
#include "sign/error.h"
#include "sign/mobile/device_signature.h"
#include "sign/store/device_store.h"
#include "sign/store/signer_store.h"
#include "sign/store/write_queue.h"
#include "software_mac_key.h"
#include "temp_dir.h"

namespace {

using namespace sign;

std::vector<std::uint8_t> spki_of(EVP_PKEY* key) {
    int length = i2d_PUBKEY(key, nullptr);
    std::vector<std::uint8_t> der(static_cast<std::size_t>(length));
    unsigned char* out = der.data();
    i2d_PUBKEY(key, &out);
    return der;
}

// The raw r‖s signature a phone's WebCrypto makes.
std::vector<std::uint8_t> device_signature(EVP_PKEY* key, const std::string& text) {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    std::size_t length = 0;
    EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key);
    EVP_DigestSign(context, nullptr, &length, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    std::vector<unsigned char> der(length);
    EVP_DigestSign(context, der.data(), &length, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    EVP_MD_CTX_free(context);
    const unsigned char* in = der.data();
    ECDSA_SIG* signature = d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(length));
    std::vector<std::uint8_t> raw(64);
    BN_bn2binpad(ECDSA_SIG_get0_r(signature), raw.data(), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(signature), raw.data() + 32, 32);
    ECDSA_SIG_free(signature);
    return raw;
}

void replace_all(std::string& text, const std::string& word, const std::string& by) {
    for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + by.size())) text.replace(at, word.size(), by);
}

struct Fixture {
    test::TempDir dir{"fuzz-device-auth"};
    test::SoftwareMacKey pin_key;
    store::WriteQueue queue{(dir / "sign.db").string()};
    store::SignerStore signers{queue, [this]() -> const MacKey& { return pin_key; }};
    store::DeviceStore devices{queue, [this]() -> const MacKey& { return pin_key; }};
    audit::AuditLog log{queue};
    FixedClock clock{std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours{9}};
    // Counted, not written one by one: the fuzzer's refusals would otherwise be a write each.
    audit::AuditTally refusals{log, clock, {.first_at_once = false}};
    // Off: every input is judged on its own, not refused because earlier ones failed.
    signd::AttemptLimits limits{clock, signd::RateLimitSettings{.enabled = false}, refusals};
    signd::DeviceAuthenticator authenticator{devices, refusals, limits, clock};
    EVP_PKEY* key = EVP_EC_gen("P-256");
    EVP_PKEY* revoked_key = EVP_EC_gen("P-256");
    std::string device_id;
    std::string revoked_id;

    Fixture() {
        signers.add("leader-an", "Nguyễn Văn An", "7E01", "pkcs11:token=city-ca;object=leader;type=private", std::nullopt,
                    clock.now());
        auto enrol = [&](EVP_PKEY* device_key, const std::string& name) {
            auto code = devices.issue_activation("leader-an", std::chrono::hours{1}, clock.now());
            return devices.enrol(code.code, spki_of(device_key), "123456", name, clock.now()).id;
        };
        device_id = enrol(key, "iPhone của An");
        revoked_id = enrol(revoked_key, "old phone");
        devices.revoke("leader-an", revoked_id, clock.now());
    }
    ~Fixture() {
        EVP_PKEY_free(key);
        EVP_PKEY_free(revoked_key);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Fixture fixture;
    std::string text(fuzz::text_of(data, size));
    auto first = text.find('\n');
    auto second = first == std::string::npos ? first : text.find('\n', first + 1);
    if (second == std::string::npos) return 0;
    signd::HttpRequest request;
    request.method = text.substr(0, first);
    request.target = text.substr(first + 1, second - first - 1);
    request.path = request.target.substr(0, request.target.find('?'));
    request.client_address = "192.0.2.7";
    std::string header = text.substr(second + 1);
    replace_all(header, "@device", fixture.device_id);
    replace_all(header, "@revoked", fixture.revoked_id);
    replace_all(header, "@now",
                std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(fixture.clock.now().time_since_epoch()).count()));
    const std::string placeholder = ".@signature";
    if (header.starts_with("Device ") && header.ends_with(placeholder)) {
        std::string credential = header.substr(7, header.size() - 7 - placeholder.size());
        auto dot = credential.find('.');
        if (dot != std::string::npos) {
            std::string claimed = credential.substr(0, dot);
            std::string signed_text = mobile::device_auth_text(claimed, credential.substr(dot + 1), request.method, request.target);
            EVP_PKEY* key = claimed == fixture.revoked_id ? fixture.revoked_key : fixture.key;
            header.replace(header.size() - placeholder.size() + 1, placeholder.size() - 1,
                           encode_base64url(device_signature(key, signed_text)));
        }
    }
    request.headers["authorization"] = header;
    try {
        auto device = fixture.authenticator.authenticate(request);
        // Only the enrolled device, never the revoked one, is let in.
        if (device.id != fixture.device_id) __builtin_trap();
    } catch (const Error&) {
    }
    return 0;
}
