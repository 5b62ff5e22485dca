#include "sign/serial_number.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <openssl/bn.h>
#include <openssl/rand.h>

#include "openssl_util.h"
#include "sign/error.h"

namespace sign {
namespace {

constexpr size_t serial_bytes = 16;
constexpr size_t max_serial_bytes = 20;

Asn1IntegerPtr integer_from_bignum(const BIGNUM* number) {
    Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(number, nullptr));
    if (!serial) detail::throw_openssl("out_of_memory", "cannot encode a serial number");
    return serial;
}

}  // namespace

Asn1IntegerPtr random_serial() {
    std::array<unsigned char, serial_bytes> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        detail::throw_openssl("random_failed", "the random generator failed");
    // Top bit clear keeps the INTEGER positive within 16 bytes; the next bit set keeps every
    // serial exactly 16 bytes wide. 126 random bits remain, far above the 64 that CAs must use.
    bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x40);
    BignumPtr number(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    if (!number) detail::throw_openssl("out_of_memory", "cannot build a serial number");
    return integer_from_bignum(number.get());
}

std::string serial_to_hex(const ASN1_INTEGER* serial) {
    BignumPtr number(ASN1_INTEGER_to_BN(serial, nullptr));
    if (!number) throw Error(ErrorKind::invalid_input, "invalid_serial", "unreadable serial number");
    std::vector<unsigned char> bytes(static_cast<size_t>(BN_num_bytes(number.get())));
    BN_bn2bin(number.get(), bytes.data());
    std::string hex = bytes.empty() ? "00" : to_hex(bytes);
    return BN_is_negative(number.get()) ? "-" + hex : hex;
}

Asn1IntegerPtr serial_from_hex(std::string_view hex) {
    auto invalid = [&](const std::string& why) {
        return Error(ErrorKind::invalid_input, "invalid_serial", "serial '" + std::string(hex) + "' " + why);
    };
    if (hex.empty() || !std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
        throw invalid("must be hexadecimal digits");
    BIGNUM* raw = nullptr;
    if (BN_hex2bn(&raw, std::string(hex).c_str()) == 0) throw invalid("cannot be read");
    BignumPtr number(raw);
    if (BN_is_zero(number.get())) throw invalid("must not be zero");
    // DER adds a sign byte when the top bit is set, so 20 bytes of INTEGER hold 159 bits.
    if (BN_num_bits(number.get()) > static_cast<int>(max_serial_bytes * 8 - 1)) throw invalid("is longer than 20 bytes");
    return integer_from_bignum(number.get());
}

std::string normalize_serial_hex(std::string_view hex) { return serial_to_hex(serial_from_hex(hex).get()); }

}  // namespace sign
