// The CLI's command line, offline: ids after "--", and the usage exit code.

#include <boost/test/unit_test.hpp>

#include <string>

#include "command.h"
#include "temp_dir.h"

using namespace sign::test;

namespace {

CommandResult signmobile(const std::vector<std::string>& args) {
    std::vector<std::string> argv{SIGNMOBILE};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
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

BOOST_AUTO_TEST_SUITE_END()
