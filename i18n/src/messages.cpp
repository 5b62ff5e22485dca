#include "sign/messages.h"

#include <libintl.h>

#include <algorithm>
#include <clocale>
#include <filesystem>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "message_templates.h"
#include "sign/install_paths.h"

namespace sign::i18n {

namespace {

constexpr const char* domain = "city-sign";

const char* first_set(std::initializer_list<const char*> names) {
    for (const char* name : names) {
        const char* value = std::getenv(name);
        if (value != nullptr && *value != '\0') return value;
    }
    return nullptr;
}

// Matches `text` against `pattern`, whose "{}" stand for any non-empty text; fills `parts`.
bool match(std::string_view pattern, std::string_view text, std::vector<std::string>& parts) {
    auto hole = pattern.find("{}");
    if (hole == std::string_view::npos) return pattern == text;
    if (text.substr(0, hole) != pattern.substr(0, hole)) return false;
    std::string_view rest_pattern = pattern.substr(hole + 2);
    std::string_view rest_text = text.substr(hole);
    // The shortest part that lets the rest match: names and paths come before fixed words.
    for (size_t length = 1; length <= rest_text.size(); ++length) {
        parts.emplace_back(rest_text.substr(0, length));
        if (match(rest_pattern, rest_text.substr(length), parts)) return true;
        parts.pop_back();
    }
    return false;
}

}  // namespace

void init() {
    if (std::setlocale(LC_MESSAGES, "") == nullptr) {
        // The locale asked for is not generated here. gettext still picks catalogues by the
        // language names in LANGUAGE under any locale but "C", so name the language there.
        if (const char* wanted = first_set({"LC_ALL", "LC_MESSAGES", "LANG"})) {
            std::string language(wanted);
            language = language.substr(0, language.find_first_of(".@"));
            if (language != "C" && language != "POSIX" && !language.empty()) {
                setenv("LANGUAGE", first_set({"LANGUAGE"}) ? std::getenv("LANGUAGE") : language.c_str(), 1);
                std::setlocale(LC_MESSAGES, "C.UTF-8");
            }
        }
    }
    std::filesystem::path installed = install_paths::under_prefix(SIGN_INSTALL_LOCALEDIR);
    std::filesystem::path catalogues = std::filesystem::exists(installed / "vi/LC_MESSAGES/city-sign.mo")
                                           ? installed
                                           : std::filesystem::path(SIGN_BUILD_LOCALEDIR);
    bindtextdomain(domain, catalogues.c_str());
    // Catalogues are UTF-8 and so is every terminal we support, whatever LC_CTYPE says.
    bind_textdomain_codeset(domain, "UTF-8");
    textdomain(domain);
}

const char* tr(const char* english) { return dgettext(domain, english); }

std::string tr(const std::string& english) { return tr(english.c_str()); }

std::string format(const std::string& pattern, const std::vector<std::string>& values) {
    std::string out;
    size_t next = 0;
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{') {
            size_t close = pattern.find('}', i);
            if (close != std::string::npos) {
                std::string index = pattern.substr(i + 1, close - i - 1);
                bool numbered = !index.empty() && index.find_first_not_of("0123456789") == std::string::npos;
                if (index.empty() || numbered) {
                    size_t which = numbered ? static_cast<size_t>(std::stoul(index)) - 1 : next++;
                    if (which < values.size()) out += values[which];
                    i = close;
                    continue;
                }
            }
        }
        out += pattern[i];
    }
    return out;
}

std::size_t display_columns(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string translate_message(const std::string& english) {
    const char* whole = tr(english.c_str());
    if (whole != english.c_str()) return whole;
    for (const char* pattern : message_templates) {
        std::vector<std::string> parts;
        if (pattern[0] != '\0' && match(pattern, english, parts)) {
            const char* translated = tr(pattern);
            // Each part may itself be a known message ("cannot approve: <the SDK's reason>").
            for (auto& part : parts) part = translate_message(part);
            return translated == pattern ? english : format(translated, parts);
        }
    }
    return english;
}

}  // namespace sign::i18n
