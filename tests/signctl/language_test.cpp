// signctl speaks Vietnamese when LANG asks for it (whether or not the vi_VN.UTF-8 locale is
// generated on the machine) and English otherwise; codes, exit codes and --json never change.

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <sstream>

#include "signctl_folder.h"

using sign::test::CommandResult;
using sign::test::SignctlFolder;

namespace {

// The language variables exactly as given, none inherited from the test's own environment.
std::map<std::string, std::string> language(const std::string& lang) {
    return {{"LANG", lang}, {"LC_ALL", ""}, {"LC_MESSAGES", ""}, {"LANGUAGE", ""}};
}

const auto vietnamese = language("vi_VN.UTF-8");
const auto english = language("C");

bool has(const CommandResult& result, const std::string& words) { return result.output.find(words) != std::string::npos; }

// What signctl printed without its "signctl: ..." lines for people (standard error).
std::string without_messages(const std::string& output) {
    std::istringstream lines(output);
    std::string line, kept;
    while (std::getline(lines, line))
        if (line.rfind("signctl: ", 0) != 0) kept += line + "\n";
    return kept;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(language)

BOOST_AUTO_TEST_CASE(help_follows_lang) {
    SignctlFolder folder;
    auto vi = folder.signctl({"--help"}, vietnamese);
    BOOST_TEST(vi.exit_code == 0);
    BOOST_TEST(has(vi, "Cấp, liệt kê, xem và thu hồi chứng thư số"), vi.output);
    BOOST_TEST(has(vi, "Mã thoát: 0 thành công"), vi.output);
    BOOST_TEST(has(vi, "Lệnh con:"), vi.output);
    auto sign_cms = folder.signctl({"sign", "cms", "--help"}, vietnamese);
    BOOST_TEST(has(sign_cms, "Tạo chữ ký số CAdES"), sign_cms.output);
    BOOST_TEST(has(sign_cms, "Chứng thư số của người ký (PEM hoặc DER)"), sign_cms.output);

    auto en = folder.signctl({"--help"}, english);
    BOOST_TEST(en.exit_code == 0);
    BOOST_TEST(has(en, "Issue, list, show and revoke certificates"), en.output);
    BOOST_TEST(!has(en, "chứng thư số"), en.output);
}

BOOST_AUTO_TEST_CASE(errors_follow_lang_with_the_same_exit_codes) {
    SignctlFolder folder;  // not initialised
    auto vi = folder.signctl({"cert", "list"}, vietnamese);
    BOOST_TEST(vi.exit_code == 5);
    const std::string root = std::filesystem::path(folder.path("x")).parent_path().string();
    BOOST_TEST(has(vi, "signctl: không có thư mục dữ liệu tại " + root + ": "), vi.output);
    BOOST_TEST(has(vi, "hãy chạy `signctl init` trước"), vi.output);
    auto en = folder.signctl({"cert", "list"}, english);
    BOOST_TEST(en.exit_code == 5);
    BOOST_TEST(has(en, "signctl: no data folder at "), en.output);

    auto vi_usage = folder.signctl({"cert"}, vietnamese);
    BOOST_TEST(vi_usage.exit_code == 2);
    BOOST_TEST(has(vi_usage, "cần chỉ định một lệnh con"), vi_usage.output);
    BOOST_TEST(has(vi_usage, "Chạy với --help để xem thêm hướng dẫn."), vi_usage.output);
    auto en_usage = folder.signctl({"cert"}, english);
    BOOST_TEST(en_usage.exit_code == 2);
    BOOST_TEST(has(en_usage, "A subcommand is required"), en_usage.output);
}

BOOST_AUTO_TEST_CASE(json_output_is_the_same_in_every_language) {
    SignctlFolder folder;
    // An error: the JSON keeps the English message and the stable code.
    auto vi_error = folder.signctl({"--json", "cert", "list"}, vietnamese);
    auto en_error = folder.signctl({"--json", "cert", "list"}, english);
    BOOST_TEST(vi_error.exit_code == en_error.exit_code);
    auto vi_json = nlohmann::json::parse(without_messages(vi_error.output));
    BOOST_TEST(vi_json == nlohmann::json::parse(without_messages(en_error.output)));
    BOOST_TEST(vi_json["error"]["code"] == "not_initialized");

    auto init = folder.signctl({"init"});
    BOOST_TEST_REQUIRE(init.exit_code == 0, init.output);
    auto vi_list = folder.signctl({"--json", "profile", "list"}, vietnamese);
    auto en_list = folder.signctl({"--json", "profile", "list"}, english);
    BOOST_TEST_REQUIRE(vi_list.exit_code == 0, vi_list.output);
    BOOST_TEST(vi_list.output == en_list.output);
}

BOOST_AUTO_TEST_SUITE_END()
