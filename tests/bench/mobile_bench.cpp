// Mobile signing end to end under load: 16 signers at once, each in a loop of
// "the document system creates a request for one hash, the phone (the mobile
// SDK, as a real app would use it) lists, reads and approves it with the PIN,
// the document system sees it completed". Prints approvals per second and the
// time from the approval being sent to the document system seeing the request
// approved (p50, p99), once with the device PIN verifiers made the old way
// (scrypt, 2^15 x 8, 32 MiB) and once with the HMAC on the token, in one run
// against one signd. Not a test: CTest never runs this program.
//
//   mobile_bench [-- --seconds S] [--signers N] [--pdf]
//
// Each request carries one bare SHA-256 hash; with --pdf, a one-page PDF whose empty leader
// field gets the signer's visible PAdES B-T signature (time-stamped by the local TSA).
// A right PIN replaces a scrypt verifier by the HMAC form, so in the scrypt phase
// each phone's scrypt verifier is written back after each approval; the HMAC
// phase writes its own verifier back the same way, so both pay the same write.

#define BOOST_TEST_MODULE mobile_bench
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "api_support.h"
#include "http_load.h"
#include "legacy_pin_verifier.h"
#include "minimal_pdf.h"
#include "signd_process.h"
#include "signd_tools.h"
#include "signmobile.h"
#include "temp_dir.h"

using namespace sign;
using Clock = std::chrono::steady_clock;

namespace {

const std::string pin = "246810";

double option(const char* name, double fallback) {
    auto& master = boost::unit_test::framework::master_test_suite();
    for (int i = 1; i + 1 < master.argc; ++i)
        if (std::strcmp(master.argv[i], name) == 0) return std::atof(master.argv[i + 1]);
    return fallback;
}

std::string base64(const std::vector<uint8_t>& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(), static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(length));
    return out;
}

void require_sdk(sm_status status, const char* what) {
    if (status != SM_OK)
        throw std::runtime_error(std::string(what) + ": " + sm_status_name(status) + ": " + sm_last_error());
}

// One enrolled phone: the SDK client speaking for its device.
struct Phone {
    std::string signer;
    std::string device_id;
    sm_key* key = nullptr;
    sm_client* client = nullptr;
};

struct PhaseResult {
    std::vector<double> approval_to_completed_ms, end_to_end_ms;
    long failures = 0;
    std::string first_failure;
    double elapsed = 0;

    double rate() const { return static_cast<double>(approval_to_completed_ms.size()) / elapsed; }
};

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

}  // namespace

BOOST_AUTO_TEST_CASE(mobile_approvals) {
    const double seconds = option("--seconds", 10);
    const int signers = static_cast<int>(option("--signers", 16));
    auto& master = boost::unit_test::framework::master_test_suite();
    const bool pdf = std::find_if(master.argv, master.argv + master.argc,
                                  [](const char* arg) { return std::strcmp(arg, "--pdf") == 0; }) != master.argv + master.argc;
    const std::string pdf_base64 = base64(
        [] {
            std::string bytes = test::minimal_pdf({.signature_field = true});
            return std::vector<uint8_t>(bytes.begin(), bytes.end());
        }());

    test::SigndServer server({.flags = {}, .own_folder = true, .prepare = [signers](const std::string& data_dir) {
        auto signctl = [&](std::vector<std::string> args) {
            args.insert(args.begin(), {SIGNCTL, "--data", data_dir, "--json"});
            auto result = test::run_command(args);
            if (result.exit_code != 0) throw std::runtime_error(result.output);
            return nlohmann::json::parse(result.output.substr(result.output.find('{')));
        };
        test::TempDir qr("bench-qr");
        nlohmann::json codes = nlohmann::json::object();
        for (int n = 0; n < signers; ++n) {
            std::string id = "citizen-" + std::to_string(n);
            auto issued = signctl({"cert", "issue", "--profile", "citizen", "--label", id, "--key-type", "ec-p256", "--subject",
                                   "CN=Công dân " + std::to_string(n) + ",L=Đà Nẵng,C=VN,UID=CCCD:0480950" +
                                       std::to_string(10000 + n)});
            auto added = signctl({"signer", "add", id, "--name", "Công dân " + std::to_string(n), "--cert",
                                  issued["serial"].get<std::string>(), "--no-pin", "--image",
                                  data_dir + "/images/leader-signature.png", "--activation-qr",
                                  (qr.path() / (id + ".png")).string()});
            codes[id] = added["activation"]["code"];
        }
        auto client = signctl({"client", "add", "bench", "--name", "Hệ thống một cửa", "--signer", "*"});
        std::ofstream(data_dir + "/bench-client.key") << client["api_key"].get<std::string>();
        std::ofstream(data_dir + "/bench-codes.json") << codes.dump();
    }});
    const std::string dms_authorization = "Bearer " + test::read_text_file(server.data_dir() + "/bench-client.key");
    const bench::HttpTarget target{"localhost", server.port(), server.root_ca_pem()};
    const auto codes = nlohmann::json::parse(test::read_text_file(server.data_dir() + "/bench-codes.json"));

    // Enrol one phone per signer through the SDK.
    std::vector<Phone> phones;
    for (const auto& [signer, code] : codes.items()) {
        Phone phone{signer, "", nullptr, nullptr};
        require_sdk(sm_key_generate(&phone.key), "key");
        require_sdk(sm_client_new(server.https_url().c_str(), server.root_ca_pem().c_str(), &phone.client), "client");
        uint8_t* spki = nullptr;
        size_t spki_len = 0;
        require_sdk(sm_key_public_der(phone.key, &spki, &spki_len), "public key");
        char* device_id = nullptr;
        require_sdk(sm_enrol(phone.client, code.get<std::string>().c_str(), pin.c_str(), "bench phone", spki, spki_len,
                             &device_id, nullptr),
                    "enrol");
        require_sdk(sm_client_set_device(phone.client, device_id, sm_key_signer(phone.key)), "device");
        phone.device_id = device_id;
        sm_free(spki);
        sm_free(device_id);
        phones.push_back(phone);
    }

    const std::string database = server.data_dir() + "/sign.db";
    // One phase: every phone approves in a loop for `seconds`, its verifier written back after each.
    auto run_phase = [&](const std::vector<test::StoredPinVerifier>& verifiers) {
        for (size_t i = 0; i < phones.size(); ++i)
            test::write_pin_verifier_row(database, "devices", phones[i].device_id, verifiers[i]);
        PhaseResult result;
        std::mutex mutex;
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
        const auto started = Clock::now();
        std::vector<std::thread> threads;
        for (size_t index = 0; index < phones.size(); ++index)
            threads.emplace_back([&, index] {
                Phone& phone = phones[index];
                // The document system keeps its connection, as the phone's SDK does.
                std::unique_ptr<bench::KeptAliveConnection> dms;
                auto dms_call = [&](const std::string& method, const std::string& path, std::string body) {
                    if (!dms) dms = std::make_unique<bench::KeptAliveConnection>(target);
                    bench::LoadRequest request{method, path, body.empty() ? "" : "application/json", std::move(body),
                                               {{"Authorization", dms_authorization}}};
                    try {
                        return dms->send(std::move(request));
                    } catch (...) {
                        dms.reset();  // the next call reconnects
                        throw;
                    }
                };
                while (Clock::now() < deadline) {
                    try {
                        auto t0 = Clock::now();
                        std::vector<uint8_t> hash(32);
                        RAND_bytes(hash.data(), 32);
                        nlohmann::json body{{"signer", phone.signer},
                                            {"displayText", "Ký đơn đăng ký trực tuyến"},
                                            {"documents", {pdf ? nlohmann::json{{"title", "Đơn.pdf"}, {"type", "pdf"},
                                                                                {"content", pdf_base64},
                                                                                {"field", "chu_ky_lanh_dao"}}
                                                               : nlohmann::json{{"title", "Đơn.pdf"}, {"type", "hash"},
                                                                                {"hash", base64(hash)},
                                                                                {"hashAlgorithm", "sha256"}}}}};
                        auto created = dms_call("POST", "/api/v1/signature-requests", body.dump());
                        if (created.status != 201) throw std::runtime_error("create: " + created.body);
                        std::string id = nlohmann::json::parse(created.body).at("id");

                        // The phone: the pending list, the request's details, the approval.
                        char* listed = nullptr;
                        require_sdk(sm_requests_list(phone.client, 0, &listed), "list");
                        sm_free(listed);
                        char* request = nullptr;
                        require_sdk(sm_request_get(phone.client, id.c_str(), &request), "get");
                        auto t1 = Clock::now();
                        sm_status approved = sm_request_approve(phone.client, request, pin.c_str(), nullptr);
                        sm_free(request);
                        require_sdk(approved, "approve");

                        // The document system waits for the outcome.
                        auto done = dms_call("GET", "/api/v1/signature-requests/" + id + "?wait=25", "");
                        auto t2 = Clock::now();
                        if (done.status != 200 || nlohmann::json::parse(done.body).at("state") != "approved")
                            throw std::runtime_error("outcome: " + done.body);
                        test::write_pin_verifier_row(database, "devices", phone.device_id, verifiers[index]);
                        std::lock_guard lock(mutex);
                        result.approval_to_completed_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
                        result.end_to_end_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
                    } catch (const std::exception& e) {
                        std::lock_guard lock(mutex);
                        if (result.failures++ == 0) result.first_failure = e.what();
                    }
                }
            });
        for (auto& thread : threads) thread.join();
        result.elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        return result;
    };

    // The verifiers each phase starts from: the HMAC ones enrolment made, and scrypt ones made the old way.
    std::vector<test::StoredPinVerifier> hmac_verifiers, scrypt_verifiers;
    for (const auto& phone : phones) {
        hmac_verifiers.push_back(test::read_pin_verifier_row(database, "devices", phone.device_id));
        scrypt_verifiers.push_back(test::scrypt_pin_verifier(pin));
    }
    PhaseResult old_way = run_phase(scrypt_verifiers);
    PhaseResult on_token = run_phase(hmac_verifiers);

    std::printf("\nmobile signing, %d signers at once, %s, %.0f s per verifier, %u cores\n", signers,
                pdf ? "one-page PDF (PAdES B-T, visible)" : "one bare hash", seconds, std::thread::hardware_concurrency());
    std::printf("%-28s %10s %12s %9s %9s %9s\n", "PIN verifier", "approvals", "per second", "p50 ms", "p99 ms", "failures");
    for (const auto& [name, phase] : {std::pair<const char*, const PhaseResult&>{"scrypt 2^15x8 (old)", old_way},
                                      std::pair<const char*, const PhaseResult&>{"HMAC-SHA256 on the token", on_token}})
        std::printf("%-28s %10zu %12.1f %9.1f %9.1f %9ld\n", name, phase.approval_to_completed_ms.size(), phase.rate(),
                    percentile(phase.approval_to_completed_ms, 0.5), percentile(phase.approval_to_completed_ms, 0.99),
                    phase.failures);
    std::printf("approvals per second, HMAC on the token / scrypt: %.1fx\n", on_token.rate() / old_way.rate());
    std::printf("create -> completed p50: scrypt %.1f ms, HMAC %.1f ms\n", percentile(old_way.end_to_end_ms, 0.5),
                percentile(on_token.end_to_end_ms, 0.5));
    for (const auto* phase : {&old_way, &on_token})
        if (phase->failures) std::printf("first failure: %s\n", phase->first_failure.c_str());
    for (auto& phone : phones) {
        sm_client_free(phone.client);
        sm_key_free(phone.key);
    }
    BOOST_TEST(old_way.failures == 0);
    BOOST_TEST(on_token.failures == 0);
}
