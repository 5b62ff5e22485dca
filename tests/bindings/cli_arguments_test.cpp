// The CLI's command line, offline: ids after "--", and the usage exit code.

#include <boost/test/unit_test.hpp>

#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "command.h"
#include "temp_dir.h"

using namespace sign::test;

namespace {

CommandResult signmobile(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> argv{SIGNMOBILE};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, env);
}

// The language variables exactly as given, none inherited from the test's own environment.
std::map<std::string, std::string> language(const std::string& lang) {
    return {{"LANG", lang}, {"LC_ALL", ""}, {"LC_MESSAGES", ""}, {"LANGUAGE", ""}};
}

bool has(const CommandResult& result, const std::string& words) { return result.output.find(words) != std::string::npos; }

// What signmobile printed without its "signmobile: ..." lines for people (standard error).
std::string without_messages(const std::string& output) {
    std::istringstream lines(output);
    std::string line, kept;
    while (std::getline(lines, line))
        if (line.rfind("signmobile: ", 0) != 0) kept += line + "\n";
    return kept;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_arguments)

BOOST_AUTO_TEST_CASE(an_id_after_a_double_dash_is_an_id) {
    TempDir dir("signmobile-cli");
    auto profile = (dir / "none").string();
    // Parsed fine; what fails is the missing profile (exit 3), not the command line (exit 2).
    for (const std::string id : {"b3xQ9mK2pL7vN4tR8sW1aA", "-b3xQ9mK2pL7vN4tR8sW1a"}) {
        auto shown = signmobile({"--profile", profile, "request", "show", "--", id});
        BOOST_TEST(shown.exit_code == 3, shown.output);
        BOOST_TEST(shown.output.find("no device profile") != std::string::npos, shown.output);
        auto approved = signmobile({"--profile", profile, "request", "approve", "--pin-file", "/nonexistent", "--", id});
        BOOST_TEST(approved.exit_code == 3, approved.output);
    }
}

BOOST_AUTO_TEST_CASE(bad_command_lines_exit_2_and_help_exits_0) {
    BOOST_TEST(signmobile({"request", "show"}).exit_code == 2);
    BOOST_TEST(signmobile({"requests", "list", "--wait", "26"}).exit_code == 2);
    BOOST_TEST(signmobile({"enrol", "--code", "X"}).exit_code == 2);
    auto help = signmobile({"--help"});
    BOOST_TEST(help.exit_code == 0);
    BOOST_TEST(help.output.find("Exit codes") != std::string::npos, help.output);
}

BOOST_AUTO_TEST_CASE(help_and_errors_follow_lang_and_json_does_not) {
    TempDir dir("signmobile-language");
    auto profile = (dir / "none").string();
    const auto vietnamese = language("vi_VN.UTF-8");
    const auto english = language("C");

    auto vi_help = signmobile({"--help"}, vietnamese);
    BOOST_TEST(vi_help.exit_code == 0);
    BOOST_TEST(has(vi_help, "Đăng ký thiết bị này bằng mã kích hoạt"), vi_help.output);
    BOOST_TEST(has(vi_help, "Mã thoát: 0 thành công"), vi_help.output);
    auto en_help = signmobile({"--help"}, english);
    BOOST_TEST(has(en_help, "Enrol this device with an activation code"), en_help.output);

    auto vi_error = signmobile({"--profile", profile, "requests", "list"}, vietnamese);
    BOOST_TEST(vi_error.exit_code == 3);
    BOOST_TEST(has(vi_error, "signmobile: không có hồ sơ thiết bị tại " + profile), vi_error.output);
    auto en_error = signmobile({"--profile", profile, "requests", "list"}, english);
    BOOST_TEST(en_error.exit_code == 3);
    BOOST_TEST(has(en_error, "signmobile: no device profile at " + profile), en_error.output);

    auto vi_json = signmobile({"--json", "--profile", profile, "requests", "list"}, vietnamese);
    auto en_json = signmobile({"--json", "--profile", profile, "requests", "list"}, english);
    BOOST_TEST(vi_json.exit_code == en_json.exit_code);
    auto parsed = nlohmann::json::parse(without_messages(vi_json.output));
    BOOST_TEST(parsed == nlohmann::json::parse(without_messages(en_json.output)));
    BOOST_TEST(parsed["error"]["code"] == "not_enrolled");
}

BOOST_AUTO_TEST_SUITE_END()
