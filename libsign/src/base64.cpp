#include "sign/base64.h"

#include <openssl/evp.h>

namespace sign {

namespace {

bool in_standard_alphabet(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

std::string encode_base64(std::span<const std::uint8_t> bytes) {
    std::string text(4 * ((bytes.size() + 2) / 3), '\0');
    // EVP_EncodeBlock takes an int length; documents here are bounded far below that by the body limit.
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(), static_cast<int>(bytes.size()));
    text.resize(static_cast<std::size_t>(written));
    return text;
}

std::string encode_base64url(std::span<const std::uint8_t> bytes) {
    std::string text = encode_base64(bytes);
    while (!text.empty() && text.back() == '=') text.pop_back();
    for (char& c : text) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    return text;
}

std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text, Base64Options options) {
    if (options.ignore_whitespace) {
        std::string compact;
        compact.reserve(text.size());
        for (char c : text)
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact += c;
        return decode_base64(compact);
    }
    if (text.size() % 4 != 0) return std::nullopt;
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
    for (std::size_t i = 0; i < text.size() - padding; ++i)
        if (!in_standard_alphabet(text[i])) return std::nullopt;
    std::vector<std::uint8_t> bytes(text.size() / 4 * 3);
    if (text.empty()) return bytes;
    int written = EVP_DecodeBlock(bytes.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (written < 0 || static_cast<std::size_t>(written) != bytes.size()) return std::nullopt;
    bytes.resize(bytes.size() - padding);
    // The canonical encoding has zero bits where padding cuts the last group; anything else is
    // a second spelling of the same bytes.
    if (padding > 0 && encode_base64(bytes) != text) return std::nullopt;
    return bytes;
}

std::optional<std::vector<std::uint8_t>> decode_base64url(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string standard(text);
    for (char& c : standard) {
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        else if (c == '+' || c == '/' || c == '=') return std::nullopt;
    }
    while (standard.size() % 4 != 0) standard.push_back('=');
    return decode_base64(standard);
}

}  // namespace sign
