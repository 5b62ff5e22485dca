#pragma once
// The command-line programs' messages in the user's language (GNU gettext, domain "city-sign",
// catalogues from po/). Only what people read is translated: error codes, exit codes and --json
// output are the same in every language.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

/// Marks a string for xgettext without translating it where it stands (a table of templates).
#define N_(text) text

namespace sign::i18n {

/// Selects the language from LANGUAGE, LC_ALL, LC_MESSAGES and LANG as gettext does, and finds
/// the catalogues beside the program: <prefix>/share/locale when installed, the build tree's
/// share/locale otherwise. A language whose locale is not generated on the machine
/// (LANG=vi_VN.UTF-8 without `locale-gen`) is still used. Only LC_MESSAGES changes, so numbers
/// and dates are read and written as before. Call once, first thing in main().
void init();

/// The translation of `english`, or `english` itself.
const char* tr(const char* english);
std::string tr(const std::string& english);

/// A message built at run time (an error, with names and paths in it) in the user's language: the
/// translation of the whole text, else of the first known template it matches ("no certificate
/// with serial {}"), with the variable parts put back; else the text unchanged.
std::string translate_message(const std::string& english);

/// Makes `app`'s help, and its usage errors, speak the user's language; subcommands added
/// afterwards inherit this. Call before adding them.
void translate_help(CLI::App& app);

/// The columns `text` takes on a terminal: one per code point, as Vietnamese is written
/// precomposed (NFC). Byte counts would pad "Người ký" wider than "Signer".
std::size_t display_columns(std::string_view text);

/// `pattern` with each "{}" replaced by the next of `values`, and "{1}", "{2}"... by that one.
std::string format(const std::string& pattern, const std::vector<std::string>& values);

}  // namespace sign::i18n
