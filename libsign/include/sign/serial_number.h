#pragma once
// Certificate serial numbers. New serials are 16 bytes, 126 of their bits random,
// so they are unpredictable (the defence RFC 5280 and CA/B ask for against
// chosen-prefix collisions) and their DER INTEGER is always exactly 16 bytes.
//
// Canonical text form, used as the registry key everywhere: lower-case hex of
// the INTEGER's magnitude in whole bytes (an even number of digits, as OpenSSL's
// BN_bn2hex gives), without the 00 sign byte DER adds, e.g. "0a3f..." or "7e01".

#include <string>
#include <string_view>

#include <openssl/asn1.h>

#include "sign/openssl_ptr.h"

namespace sign {

/// A fresh random serial in [2^126, 2^127): positive, and always 16 bytes (32 hex digits).
Asn1IntegerPtr random_serial();

/// The canonical text form of a serial (see above); negative legacy serials get a leading '-'.
std::string serial_to_hex(const ASN1_INTEGER* serial);

/// Parses hex in any case, with or without leading zeros, into a positive INTEGER of at most
/// 20 bytes (RFC 5280's limit); throws invalid_input `invalid_serial` otherwise.
Asn1IntegerPtr serial_from_hex(std::string_view hex);

/// Canonical text form of any accepted hex spelling ("0A3F" -> "0a3f", "abc" -> "0abc").
std::string normalize_serial_hex(std::string_view hex);

}  // namespace sign
