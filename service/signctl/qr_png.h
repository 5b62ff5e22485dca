#pragma once
// Activation codes as QR code PNGs an administrator hands to a signer: black
// modules on white, 8 pixels each, with the 4-module quiet zone scanners need.

#include <string>

namespace sign::signctl {

/// Pixels per QR module in the PNG.
constexpr int qr_pixels_per_module = 8;
/// Modules of white border on each side.
constexpr int qr_quiet_zone_modules = 4;

/// What the QR code of an activation code holds: "signd-activation:<code>".
inline std::string activation_qr_payload(const std::string& code) { return "signd-activation:" + code; }

/// Encodes `payload` (byte mode, error correction level M) and writes it as a PNG to `path`,
/// atomically. Throws sign::Error internal `qr_encoding_failed`, or what writing the file throws.
void write_qr_png(const std::string& payload, const std::string& path);

}  // namespace sign::signctl
