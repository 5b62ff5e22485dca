// signd's settings file and flags, through the real program.

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "signd_process.h"
#include "signd_tools.h"
#include "temp_dir.h"

using namespace sign::test;

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(settings_come_from_the_config_file_and_flags_override_them) {
    TempDir work("config");
    std::string file = (work / "signd.toml").string();
    write_text_file(file, "body_limit = 1000\nmax_concurrent = 8\n");
    {
        SigndServer server{"--config", file};
        RawConnection connection(server.port());
        connection.send("POST /tsa HTTP/1.1\r\nHost: x\r\nContent-Type: application/timestamp-query\r\n"
                        "Content-Length: 1001\r\n\r\n");
        BOOST_TEST(status_of(connection.read_response()) == 413);
    }
    SigndServer server{"--config", file, "--body-limit", "5000"};
    RawConnection connection(server.port());
    connection.send("POST /tsa HTTP/1.1\r\nHost: x\r\nContent-Type: application/timestamp-query\r\n"
                    "Content-Length: 1001\r\n\r\n" + std::string(1001, 'x'));
    // Within the limit now: the TSA itself answers (a rejection TimeStampResp for garbage).
    auto response = connection.read_response();
    BOOST_TEST(status_of(response) == 200, response.substr(0, 300));
}

BOOST_AUTO_TEST_CASE(an_unknown_or_mistyped_setting_stops_signd_at_start) {
    TempDir work("bad-config");
    for (std::string content : {"body_limt = 1000\n", "port = \"8443\"\n", "max_concurrent = 0\n", "port = \n",
                                "signature_request_expiry_s = 10\n", "signature_request_max_expiry_s = 100000\n",
                                "signature_result_retention_h = 0\n", "signature_result_retention_h = 8761\n",
                                "[seals.agency-seal]\nscheme = \"rsa-pkcs2\"\n", "[seals.agency-seal]\nscheme = 1\n",
                                "[seals.agency-seal]\nschema = \"rsa-pss\"\n", "seals = 1\n"}) {
        std::string file = (work / "signd.toml").string();
        write_text_file(file, content);
        auto result = run_command({SIGND_PATH, "--data", (work / "nowhere").string(), "--config", file});
        BOOST_TEST(result.exit_code == 1, content << result.output);
        BOOST_TEST(result.output.find("invalid_config") != std::string::npos, content << result.output);
    }
}

// A seal's scheme reaches the seal service, which refuses one its key cannot use before serving.
BOOST_AUTO_TEST_CASE(a_seal_scheme_that_does_not_fit_its_key_stops_signd_at_start) {
    TempDir work("seal-scheme-config");
    std::string data;
    {
        SigndServer server;
        data = server.data_dir();
    }
    std::string file = (work / "signd.toml").string();
    write_text_file(file, "[seals.agency-seal]\nscheme = \"ecdsa\"\n");
    auto result = run_command({SIGND_PATH, "--data", data, "--config", file, "--port", "0"});
    BOOST_TEST(result.exit_code == 1, result.output);
    BOOST_TEST(result.output.find("invalid_config") != std::string::npos, result.output);
    BOOST_TEST(result.output.find("agency-seal") != std::string::npos, result.output);
}

BOOST_AUTO_TEST_CASE(a_missing_data_folder_is_reported_without_creating_one) {
    TempDir work("no-data");
    auto result = run_command({SIGND_PATH, "--data", (work / "absent").string(), "--port", "0"});
    BOOST_TEST(result.exit_code == 1, result.output);
    BOOST_TEST(result.output.find("no_data_folder") != std::string::npos, result.output);
    BOOST_TEST(!std::filesystem::exists(work / "absent"));
}

BOOST_AUTO_TEST_SUITE_END()
