#pragma once
// Incremental updates written by hand, for the changes libsign never makes (a page content
// rewritten, a page added, a certification or a FieldMDP lock signed by another key) and
// signatures made by other tools (openssl cms, pdfsig), so the validator meets them as a
// receiving agency would.

#include <filesystem>
#include <map>
#include <ostream>
#include <string>

#include "sign/validate/pdf_signatures.h"

namespace sign::test {

/// Signs `in` into `out` with the test PKI's key and certificate `label` (PAdES B-B, invisible),
/// in a new signature field `field` (default name when empty), with a Vietnamese reason and place.
void sign_as(const std::string& label, const std::filesystem::path& in, const std::filesystem::path& out,
             const std::string& field = {});

/// Appends a classic xref update to `input` that sets each object number to its body (the text
/// between "obj" and "endobj"), and writes the result to `output`. `trailer_entries` go into the
/// new trailer besides /Size, /Root and /Prev (e.g. "/Info 20 0 R").
void append_update(const std::filesystem::path& input, const std::filesystem::path& output,
                   const std::map<int, std::string>& bodies, const std::string& trailer_entries = {});

/// The first object number the file does not use (its trailer's /Size).
int next_object_number(const std::filesystem::path& pdf);

/// The object number of the form field whose /T is `name` (in /AcroForm /Fields).
int field_object(const std::filesystem::path& pdf, const std::string& name);

/// An object's body as qpdf reads it from the file's last revision (references kept).
std::string object_body(const std::filesystem::path& pdf, int object);

/// A dictionary body with `entries` added before its closing ">>".
std::string with_entries(std::string dictionary, const std::string& entries);

/// Signs the existing empty signature field `field` of `input` with a throwaway RSA key through
/// `openssl cms` (adbe.pkcs7.detached). `reference` goes into the signature dictionary's
/// /Reference array (DocMDP or FieldMDP transforms); `certify` names it in /Perms /DocMDP.
void sign_with_openssl(const std::filesystem::path& input, const std::filesystem::path& output, const std::string& field,
                       const std::string& reference, bool certify);

/// The throwaway key pair (PEM files) sign_with_openssl uses, made once per program.
struct ThrowawayKey {
    std::filesystem::path key, certificate;
};
const ThrowawayKey& throwaway_key();

}  // namespace sign::test

namespace sign::validate {
// For Boost.Test's messages.
inline std::ostream& operator<<(std::ostream& out, ChangeVerdict verdict) { return out << to_string(verdict); }
inline std::ostream& operator<<(std::ostream& out, PdfSignatureType type) { return out << to_string(type); }
}  // namespace sign::validate
