#pragma once
// UTF-8 as RFC 3629 defines it: what text from a client must be before it is routed, stored or
// written into JSON. Overlong forms, surrogates (U+D800..U+DFFF), code points above U+10FFFF and
// lone or missing continuation bytes are all invalid: each has been used to slip "/" or ".."
// past a check that looked at the decoded text.

#include <functional>
#include <string>
#include <string_view>

namespace sign {

/// True when `text` is well-formed UTF-8 (NUL bytes included, which are valid UTF-8).
bool is_valid_utf8(std::string_view text);

struct Utf8EscapeOptions {
    /// Also escape the control characters (C0, DEL, and C1 as their two bytes), which a terminal
    /// would act on: for text shown to a person, such as audit records.
    bool escape_controls = false;
};

/// Hands `text` to `unit` a piece at a time, in order: each well-formed character as it is, and
/// each byte of an ill-formed sequence (or of a control character, when asked) as the four
/// characters \xHH (upper-case hex). Stops early when `unit` returns false.
void for_each_escaped_unit(std::string_view text, Utf8EscapeOptions options,
                           const std::function<bool(std::string_view)>& unit);

/// All of for_each_escaped_unit's pieces: `text` unchanged where it is well-formed UTF-8 (and not
/// a control character, when asked), so the result is valid UTF-8, readable, and says which bytes
/// came. Backslashes are kept as they are. Applying it twice changes nothing more.
std::string escape_invalid_utf8(std::string_view text, Utf8EscapeOptions options = {});

}  // namespace sign
