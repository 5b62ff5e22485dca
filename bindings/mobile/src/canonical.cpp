// Canonical texts and base64 in both alphabets.

#include "canonical.h"

#include <algorithm>
#include <array>
#include <vector>

#include "failure.h"

namespace signmobile {
namespace {

constexpr char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char standard_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

[[noreturn]] void malformed(const std::string& field, const std::string& why) {
    throw Failure(SM_ERR_INVALID_ARGUMENT, "the request's " + field + " " + why);
}

std::string encode(const std::string& bytes, const char* alphabet, bool pad) {
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    auto byte = [&](size_t at) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[at])); };
    for (; i + 3 <= bytes.size(); i += 3) {
        uint32_t group = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        for (int shift = 18; shift >= 0; shift -= 6) text += alphabet[(group >> shift) & 63];
    }
    size_t rest = bytes.size() - i;
    if (rest == 1) {
        uint32_t group = byte(i) << 16;
        text += alphabet[(group >> 18) & 63];
        text += alphabet[(group >> 12) & 63];
        if (pad) text += "==";
    } else if (rest == 2) {
        uint32_t group = byte(i) << 16 | byte(i + 1) << 8;
        text += alphabet[(group >> 18) & 63];
        text += alphabet[(group >> 12) & 63];
        text += alphabet[(group >> 6) & 63];
        if (pad) text += '=';
    }
    return text;
}

bool is_base64url_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool is_lower_hex(const std::string& text) {
    return !text.empty() && text.size() % 2 == 0 &&
           std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// No control characters (a line break would forge a line) and not empty.
bool is_single_line(const std::string& text) {
    return !text.empty() && std::none_of(text.begin(), text.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

std::string string_field(const nlohmann::json& object, const char* name, const std::string& where) {
    auto found = object.find(name);
    if (found == object.end() || !found->is_string()) malformed(where + name, "is missing or not a string");
    return found->get<std::string>();
}

// YYYY-MM-DDTHH:MM:SSZ exactly: the contract's form, whole seconds, UTC.
bool is_utc_seconds(const std::string& text) {
    static const std::string shape = "dddd-dd-ddTdd:dd:ddZ";
    if (text.size() != shape.size()) return false;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == 'd' ? !(text[i] >= '0' && text[i] <= '9') : text[i] != shape[i]) return false;
    }
    return true;
}

struct DocumentLine {
    int64_t index;
    std::string line;
};

}  // namespace

std::string approval_challenge(const nlohmann::json& request, const std::string& decision) {
    if (decision != "approve" && decision != "reject")
        throw Failure(SM_ERR_INVALID_ARGUMENT, "the decision must be \"approve\" or \"reject\", not \"" + decision + "\"");
    if (!request.is_object()) malformed("JSON", "is not an object");

    auto id = string_field(request, "id", "");
    if (id.empty() || !std::all_of(id.begin(), id.end(), is_base64url_char)) malformed("id", "is not base64url");
    auto signer = string_field(request, "signer", "");
    if (!is_single_line(signer)) malformed("signer", "is empty or holds a control character");
    auto expires = string_field(request, "expiresAt", "");
    if (!is_utc_seconds(expires)) malformed("expiresAt", "is not YYYY-MM-DDTHH:MM:SSZ");
    auto nonce = string_field(request, "nonce", "");
    // Padded or not 32 bytes: the server would never have made it, so it is not ours to sign.
    bool nonce_ok = nonce.find('=') == std::string::npos;
    try {
        nonce_ok = nonce_ok && base64url_decode(nonce).size() == 32;
    } catch (const Failure&) {
        nonce_ok = false;
    }
    if (!nonce_ok) malformed("nonce", "is not 32 bytes in unpadded base64url");

    auto documents = request.find("documents");
    if (documents == request.end() || !documents->is_array() || documents->empty())
        malformed("documents", "are missing or empty");
    std::vector<DocumentLine> lines;
    for (const auto& document : *documents) {
        if (!document.is_object()) malformed("documents", "hold something that is not an object");
        auto index_field = document.find("index");
        if (index_field == document.end() || !index_field->is_number_integer())
            malformed("document index", "is missing or not an integer");
        auto index = index_field->get<int64_t>();
        auto where = "document " + std::to_string(index) + "'s ";
        auto algorithm = string_field(document, "digestAlgorithm", where);
        if (algorithm.empty() || !std::all_of(algorithm.begin(), algorithm.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            }))
            malformed(where + "digestAlgorithm", "is not a lower-case algorithm name");
        auto digest = string_field(document, "digest", where);
        if (!is_lower_hex(digest)) malformed(where + "digest", "is not lower-case hex");
        auto sha256 = string_field(document, "sha256", where);
        if (!is_lower_hex(sha256)) malformed(where + "sha256", "is not lower-case hex");
        lines.push_back({index, std::to_string(index) + " " + algorithm + " " + digest + " " + sha256 + "\n"});
    }
    std::sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].index != static_cast<int64_t>(i)) malformed("document indexes", "are not 0 to count - 1, each once");
    }

    std::string text = "signd-approval-v1\n";
    text += "decision:" + decision + "\n";
    text += "request:" + id + "\n";
    text += "signer:" + signer + "\n";
    text += "expires:" + expires + "\n";
    text += "nonce:" + nonce + "\n";
    text += "documents:" + std::to_string(lines.size()) + "\n";
    for (const auto& line : lines) text += line.line;
    return text;
}

std::string device_auth_text(const std::string& device_id, int64_t unix_ms, const std::string& method,
                             const std::string& path_and_query) {
    if (device_id.empty() || !std::all_of(device_id.begin(), device_id.end(), is_base64url_char))
        throw Failure(SM_ERR_INVALID_ARGUMENT, "the device id is not base64url");
    if (unix_ms < 0) throw Failure(SM_ERR_INVALID_ARGUMENT, "the time must not be negative");
    if (method.empty() || !std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        throw Failure(SM_ERR_INVALID_ARGUMENT, "the method must be upper-case letters, as sent");
    if (path_and_query.empty() || path_and_query[0] != '/' || !is_single_line(path_and_query) ||
        path_and_query.find(' ') != std::string::npos)
        throw Failure(SM_ERR_INVALID_ARGUMENT, "the path must start with / and hold no spaces or control characters");
    return "signd-device-auth-v1\n" + device_id + "\n" + std::to_string(unix_ms) + "\n" + method + "\n" +
           path_and_query + "\n";
}

std::string base64url_encode(const std::string& bytes) { return encode(bytes, url_alphabet, false); }

std::string base64_encode(const std::string& bytes) { return encode(bytes, standard_alphabet, true); }

std::string base64url_decode(const std::string& text) {
    std::string body = text;
    while (!body.empty() && body.back() == '=') body.pop_back();
    if (text.size() - body.size() > 2 || (body.size() != text.size() && text.size() % 4 != 0))
        throw Failure(SM_ERR_INVALID_ARGUMENT, "malformed base64url padding");
    if (body.size() % 4 == 1) throw Failure(SM_ERR_INVALID_ARGUMENT, "base64url text of impossible length");
    std::array<int, 256> value{};
    value.fill(-1);
    for (int i = 0; i < 64; ++i) value[static_cast<unsigned char>(url_alphabet[i])] = i;
    std::string bytes;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : body) {
        int v = value[static_cast<unsigned char>(c)];
        if (v < 0) throw Failure(SM_ERR_INVALID_ARGUMENT, "a character that is not base64url");
        buffer = (buffer << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    // Leftover bits must be zero, so each byte string has exactly one encoding.
    if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0)
        throw Failure(SM_ERR_INVALID_ARGUMENT, "base64url text with stray trailing bits");
    return bytes;
}

}  // namespace signmobile

using signmobile::guarded;
using signmobile::require_argument;

extern "C" {

sm_status sm_approval_challenge(const char* request_json, const char* decision, char** text) {
    return guarded([&] {
        require_argument(request_json, "request_json");
        require_argument(decision, "decision");
        require_argument(text, "text");
        *text = nullptr;
        auto request = nlohmann::json::parse(request_json, nullptr, false);
        if (request.is_discarded()) throw signmobile::Failure(SM_ERR_INVALID_ARGUMENT, "the request is not JSON");
        *text = signmobile::copy_out(signmobile::approval_challenge(request, decision));
    });
}

sm_status sm_device_auth_text(const char* device_id, int64_t unix_ms, const char* method, const char* path_and_query,
                              char** text) {
    return guarded([&] {
        require_argument(device_id, "device_id");
        require_argument(method, "method");
        require_argument(path_and_query, "path_and_query");
        require_argument(text, "text");
        *text = nullptr;
        *text = signmobile::copy_out(signmobile::device_auth_text(device_id, unix_ms, method, path_and_query));
    });
}

sm_status sm_base64url_encode(const uint8_t* data, size_t data_len, char** text) {
    return guarded([&] {
        if (data_len != 0) require_argument(data, "data");
        require_argument(text, "text");
        *text = nullptr;
        std::string bytes = data_len ? std::string(reinterpret_cast<const char*>(data), data_len) : std::string();
        *text = signmobile::copy_out(signmobile::base64url_encode(bytes));
    });
}

sm_status sm_base64url_decode(const char* text, uint8_t** data, size_t* data_len) {
    return guarded([&] {
        require_argument(text, "text");
        require_argument(data, "data");
        require_argument(data_len, "data_len");
        *data = nullptr;
        *data_len = 0;
        auto bytes = signmobile::base64url_decode(text);
        *data = reinterpret_cast<uint8_t*>(signmobile::copy_out(bytes));
        *data_len = bytes.size();
    });
}

}  // extern "C"
