#include "api_support.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <mutex>
#include <sstream>

#include <boost/asio/ssl.hpp>
#include <cpprest/http_client.h>
#include <openssl/evp.h>

#include "signctl_folder.h"
#include "signd_tools.h"
#include "temp_dir.h"

namespace sign::test {

nlohmann::json Reply::json() const {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    BOOST_TEST_REQUIRE(!parsed.is_discarded(), "not JSON: " << body);
    return parsed;
}

Reply https(const SigndServer& server, const std::string& method, const std::string& path_and_query,
            const std::map<std::string, std::string>& headers, const std::string& body, const std::string& content_type) {
    web::http::client::http_client_config config;
    config.set_timeout(std::chrono::seconds(60));
    std::string root = server.root_ca_pem();
    config.set_ssl_context_callback([root](boost::asio::ssl::context& context) { context.load_verify_file(root); });
    web::http::client::http_client client(U(server.https_url()), config);
    web::http::http_request request(method);
    request.set_request_uri(U(path_and_query));
    for (const auto& [name, value] : headers) request.headers().add(U(name), U(value));
    if (!body.empty() || !content_type.empty())
        request.set_body(std::vector<unsigned char>(body.begin(), body.end()));
    if (!content_type.empty()) request.headers().set_content_type(U(content_type));
    auto response = client.request(request).get();
    Reply reply;
    reply.status = response.status_code();
    for (const auto& [name, value] : response.headers()) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        reply.headers[lower] = value;
    }
    std::string type = reply.headers.count("content-type") ? reply.headers["content-type"] : "";
    reply.content_type = type.substr(0, type.find(';'));
    auto bytes = response.extract_vector().get();
    reply.body.assign(bytes.begin(), bytes.end());
    return reply;
}

std::map<std::string, std::string> bearer(const std::string& credential) { return {{"Authorization", "Bearer " + credential}}; }

std::string add_client(const SigndServer& server, const std::string& id, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--json", "client", "add", id, "--name", "Hệ thống thử nghiệm " + id};
    args.insert(args.end(), extra.begin(), extra.end());
    auto added = server.signctl(args);
    BOOST_TEST_REQUIRE(added.exit_code == 0, added.output);
    auto json = nlohmann::json::parse(added.output.substr(added.output.find('{')));
    return json.at("api_key").get<std::string>();
}

namespace {

}  // namespace

void add_signer(const SigndServer& server, const std::string& id, const std::string& label, const std::string& pin) {
    TempDir dir("signer-pin");
    std::string pin_file = (dir / "pin").string();
    write_text_file(pin_file, pin + "\n");
    auto added = server.signctl({"signer", "add", id, "--name", "Người ký " + id, "--cert", certificate_serial(server.certificate(label)),
                                 "--pin-file", pin_file});
    BOOST_TEST_REQUIRE(added.exit_code == 0, added.output);
}

const ApiClients& api_clients(const SigndServer& server) {
    static std::map<std::string, ApiClients> by_folder;
    auto found = by_folder.find(server.data_dir());
    if (found != by_folder.end()) return found->second;
    add_signer(server, "leader-rsa", "leader", "1234");
    add_signer(server, "citizen-ec", "citizen", "1234");
    ApiClients clients;
    clients.dms = add_client(server, "dms", {"--seal", "agency-seal", "--signer", "leader-rsa", "--signer", "citizen-ec"});
    clients.portal = add_client(server, "portal", {"--seal", "agency-seal"});
    clients.verifier = add_client(server, "verifier", {"--verify-only"});
    clients.outsider = add_client(server, "outsider", {"--signer", "leader-rsa"});
    return by_folder.emplace(server.data_dir(), clients).first->second;
}

std::vector<nlohmann::json> audit_after(const SigndServer& server, int64_t sequence) {
    auto listed = server.signctl({"--json", "audit", "list", "--after", std::to_string(sequence), "--limit", "100000"});
    BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.output);
    auto json = nlohmann::json::parse(listed.output.substr(listed.output.find_first_of("[{")));
    if (json.is_object() && json.contains("records")) json = json["records"];
    return json.get<std::vector<nlohmann::json>>();
}

int64_t last_audit_sequence(const SigndServer& server) {
    auto listed = server.signctl({"--json", "audit", "list", "--limit", "1"});
    BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.output);
    auto json = nlohmann::json::parse(listed.output.substr(listed.output.find_first_of("[{")));
    if (json.is_object() && json.contains("records")) json = json["records"];
    return json.empty() ? 0 : json.back().at("sequence").get<int64_t>();
}

bool audited(const std::vector<nlohmann::json>& records, const std::string& action, const std::string& result,
             const std::optional<std::string>& subject) {
    return std::any_of(records.begin(), records.end(), [&](const nlohmann::json& record) {
        return record.value("action", "") == action && record.value("result", "") == result &&
               (!subject || record.value("subject", "") == *subject);
    });
}

namespace {

// An NSS database trusting the server's root, made once per data folder.
std::string nss_database(const SigndServer& server) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<TempDir>> made;
    std::lock_guard lock(mutex);
    auto& dir = made[server.data_dir()];
    if (!dir) {
        dir = std::make_unique<TempDir>("api-nss");
        std::string db = "sql:" + dir->path().string();
        auto created = run_command({"certutil", "-N", "-d", db, "--empty-password"});
        BOOST_TEST_REQUIRE(created.exit_code == 0, created.output);
        auto added = run_command({"certutil", "-A", "-d", db, "-n", "root", "-t", "CT,C,C", "-i", server.root_ca_pem()});
        BOOST_TEST_REQUIRE(added.exit_code == 0, added.output);
    }
    return "sql:" + dir->path().string();
}

}  // namespace

void require_valid_pdf(const SigndServer& server, const std::string& pdf, std::size_t count, std::size_t document_timestamps) {
    // poppler 22.12 now and then reports a chain it has just validated as "Unknown issue" (a stale
    // NSS error code); only that catch-all is asked again, never a definite verdict.
    CommandResult result;
    for (int attempt = 0; attempt < 3; ++attempt) {
        result = run_command({"pdfsig", "-nssdir", nss_database(server), pdf});
        if (result.output.find("Unknown issue with Certificate or corrupted data.") == std::string::npos) break;
    }
    std::size_t signatures = 0, valid = 0, trusted = 0, timestamps = 0;
    std::istringstream lines(result.output);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("Signature #", 0) == 0) ++signatures;
        if (line.find("Signature Validation: Signature is Valid.") != std::string::npos) ++valid;
        if (line.find("Certificate Validation: Certificate is Trusted.") != std::string::npos) ++trusted;
        if (line.find("Signature Field Name: Timestamp") != std::string::npos) ++timestamps;
    }
    BOOST_TEST(signatures == count + document_timestamps, result.output);
    BOOST_TEST(timestamps == document_timestamps, result.output);
    BOOST_TEST(valid == count, result.output);
    BOOST_TEST(trusted == count, result.output);
    auto check = run_command({"qpdf", "--check", pdf});
    BOOST_TEST(check.exit_code == 0, check.output);
}

std::string sha256_hex(const std::string& bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

}  // namespace sign::test
