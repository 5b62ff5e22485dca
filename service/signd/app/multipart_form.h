#pragma once
// multipart/form-data bodies (RFC 7578), the way browsers and curl -F upload
// a document. No maintained Debian C++ library parses them without pulling in
// a mail toolkit, so this is a small parser that accepts only well-formed
// input: the boundary from the Content-Type, CRLF line ends, a
// Content-Disposition of form-data with a name on every part, no preamble,
// no repeated part names. Anything else is refused rather than guessed at.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sign::signd {

/// One field of a form.
struct FormPart {
    std::string name;
    std::optional<std::string> filename;
    std::string content_type;  ///< "text/plain" when the part names none (RFC 7578 4.4)
    std::string body;
};

/// The boundary parameter of a multipart/form-data Content-Type; throws invalid_input
/// `invalid_multipart` when there is none or it is malformed.
std::string multipart_boundary(std::string_view content_type);

/// The parts of a body, at most `max_parts` of them. Throws invalid_input `invalid_multipart`
/// naming what is wrong.
std::vector<FormPart> parse_multipart_form(std::string_view body, std::string_view content_type,
                                           std::size_t max_parts = 16);

}  // namespace sign::signd
