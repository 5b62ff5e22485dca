// CLI11's help and usage errors in the user's language. Descriptions, group names and footers are
// translated where they are printed, so the command definitions keep plain English literals (the
// catalogue's keys; po/CMakeLists.txt extracts them).

#include <CLI/CLI.hpp>

#include "sign/messages.h"

namespace sign::i18n {

namespace {

// CLI11's own words that reach the help: the default group names and the --help flag.
[[maybe_unused]] constexpr const char* cli11_words[] = {N_("Options"), N_("Subcommands"),
                                                         N_("Print this help message and exit")};

class TranslatingFormatter : public CLI::Formatter {
public:
    TranslatingFormatter() {
        // Type names (TEXT, INT) stay: they are placeholders, like the option names.
        for (const char* label : {N_("Usage"), N_("OPTIONS"), N_("SUBCOMMAND"), N_("SUBCOMMANDS"), N_("REQUIRED"),
                                  N_("Positionals"), N_("Needs"), N_("Excludes"), N_("Env")})
            this->label(label, tr(label));
    }

    // CLI11 pads the option column by bytes; Vietnamese letters take two or three bytes for one column.
    std::string make_option(const CLI::Option* option, bool is_positional) const override {
        std::string name = make_option_name(option, is_positional) + make_option_opts(option);
        std::size_t columns = display_columns(name);
        std::stringstream out;
        CLI::detail::format_help(out, name, make_option_desc(option), column_width_ + (name.size() - columns));
        return out.str();
    }

    std::string make_group(std::string group, bool is_positional, std::vector<const CLI::Option*> opts) const override {
        return CLI::Formatter::make_group(tr(group), is_positional, std::move(opts));
    }
    std::string make_option_desc(const CLI::Option* option) const override { return tr(option->get_description()); }
    std::string make_subcommand(const CLI::App* sub) const override {
        std::stringstream out;
        CLI::detail::format_help(out, sub->get_display_name(true), tr(sub->get_description()), column_width_);
        return out.str();
    }
    std::string make_subcommands(const CLI::App* app, CLI::AppFormatMode mode) const override {
        std::string text = CLI::Formatter::make_subcommands(app, mode);
        const std::string heading = "\nSubcommands:\n";
        if (text.rfind(heading, 0) == 0) text = "\n" + tr(std::string("Subcommands")) + ":\n" + text.substr(heading.size());
        return text;
    }
    std::string make_description(const CLI::App* app) const override {
        const std::string& description = app->get_description();
        return description.empty() ? std::string() : tr(description) + "\n";
    }
    std::string make_footer(const CLI::App* app) const override {
        const std::string& footer = app->get_footer();
        return footer.empty() ? std::string() : tr(footer) + "\n";
    }
};

}  // namespace

void translate_help(CLI::App& app) {
    app.formatter(std::make_shared<TranslatingFormatter>());
    app.failure_message([](const CLI::App* failed, const CLI::Error& error) {
        std::string text = translate_message(error.what()) + "\n";
        if (failed->get_help_ptr() != nullptr)
            text += format(tr("Run with {} for more information."), {failed->get_help_ptr()->get_name()}) + "\n";
        return text;
    });
}

}  // namespace sign::i18n
