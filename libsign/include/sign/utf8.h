#pragma once
// UTF-8 as RFC 3629 defines it: what text from a client must be before it is routed, stored or
// written into JSON. Overlong forms, surrogates (U+D800..U+DFFF), code points above U+10FFFF and
// lone or missing continuation bytes are all invalid: each has been used to slip "/" or ".."
// past a check that looked at the decoded text.

#include <string>
#include <string_view>

namespace sign {

/// True when `text` is well-formed UTF-8 (NUL bytes included, which are valid UTF-8).
bool is_valid_utf8(std::string_view text);

/// `text` unchanged where it is well-formed UTF-8, and every byte of an ill-formed sequence
/// written as the four characters \xHH (upper-case hex), so that the result is valid UTF-8,
/// readable, and says which bytes came. Backslashes are kept as they are.
std::string escape_invalid_utf8(std::string_view text);

}  // namespace sign
