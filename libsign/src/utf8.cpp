#include "sign/utf8.h"

namespace sign {

namespace {

/// The length of the well-formed UTF-8 sequence at text[at], or 0 when there is none there.
/// The ranges are RFC 3629's table (section 4), which rules out overlongs and surrogates.
std::size_t sequence_length(std::string_view text, std::size_t at) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(at);
    if (lead < 0x80) return 1;
    std::size_t length;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // no overlong three-byte forms
        if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // no overlong four-byte forms
        if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
        return 0;  // a continuation byte without a lead, C0/C1 (overlong ASCII), or F5..FF
    }
    if (at + length > text.size()) return 0;
    if (byte(at + 1) < low || byte(at + 1) > high) return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
    return length;
}

/// A control character: C0, DEL, or C1 (U+0080..U+009F, written C2 80..C2 9F).
bool is_control(std::string_view character) {
    auto lead = static_cast<unsigned char>(character[0]);
    return lead < 0x20 || lead == 0x7F ||
           (character.size() == 2 && lead == 0xC2 && static_cast<unsigned char>(character[1]) <= 0x9F);
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        std::size_t length = sequence_length(text, at);
        if (length == 0) return false;
        at += length;
    }
    return true;
}

void for_each_escaped_unit(std::string_view text, Utf8EscapeOptions options,
                           const std::function<bool(std::string_view)>& unit) {
    static const char digits[] = "0123456789ABCDEF";
    auto escaped = [&](unsigned char byte) {
        const char bytes[4] = {'\\', 'x', digits[byte >> 4], digits[byte & 15]};
        return unit(std::string_view(bytes, 4));
    };
    for (std::size_t at = 0; at < text.size();) {
        std::size_t length = sequence_length(text, at);
        std::string_view character = text.substr(at, length);
        if (length > 0 && !(options.escape_controls && is_control(character))) {
            if (!unit(character)) return;
            at += length;
            continue;
        }
        // An ill-formed sequence goes one byte at a time, so what follows a bad lead byte is
        // still read as the text it is; a control character goes whole, each byte escaped.
        std::size_t count = length > 0 ? length : 1;
        for (std::size_t i = 0; i < count; ++i)
            if (!escaped(static_cast<unsigned char>(text[at + i]))) return;
        at += count;
    }
}

std::string escape_invalid_utf8(std::string_view text, Utf8EscapeOptions options) {
    std::string out;
    out.reserve(text.size());
    for_each_escaped_unit(text, options, [&](std::string_view unit) {
        out += unit;
        return true;
    });
    return out;
}

}  // namespace sign
