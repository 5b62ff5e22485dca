// docs/openapi.yaml and the server agree: every operation the served spec
// lists answers a request built from the spec's own examples with a documented
// status and content type, and the routes under /api/v1 and /app/api are exactly the
// spec's operations.

#include <boost/test/unit_test.hpp>

#include <set>

#include "api_support.h"
#include "app/api_v1_routes.h"
#include "app/composition.h"
#include "sign/data_folder/data_folder.h"
#include "sign/data_folder/local_timestamps.h"
#include "sign/isolation/worker_pdfs.h"
#include "http/router.h"
#include "mobile_support.h"

using namespace sign::test;
using nlohmann::json;

namespace {

const std::vector<std::string> http_methods = {"get", "put", "post", "delete", "patch", "head", "options"};

// The example request id of the spec, replaced by a real request's id in each call.
const std::string example_request_id = "Zb3xQ1m0k8RvT2sY7hNc4A";

// Follows a local "$ref" ("#/components/...") to what it names.
const json& resolve(const json& spec, const json& node) {
    if (!node.is_object() || !node.contains("$ref")) return node;
    std::string ref = node.at("$ref").get<std::string>();
    BOOST_TEST_REQUIRE(ref.rfind("#/", 0) == 0u, ref);
    return resolve(spec, spec.at(json::json_pointer(ref.substr(1))));
}

std::string upper(std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(openapi)

BOOST_AUTO_TEST_CASE(every_operation_answers_as_documented) {
    SigndServer server;
    const auto& clients = api_clients(server);
    auto served = https(server, "GET", "/api/v1/openapi.json");
    BOOST_TEST_REQUIRE(served.status == 200, served.body);
    BOOST_TEST(served.content_type == "application/json");
    json spec = served.json();
    BOOST_TEST(spec.at("openapi").get<std::string>().rfind("3.1", 0) == 0u);

    // Mobile signing needs real state: a phone enrolled for the example's signer, and a fresh
    // request of the example's shape for each operation on one (approved first when the operation
    // reads a signed document). Device operations sign their header; approvals and rejections
    // sign the real challenge instead of the example's placeholder.
    TestDevice phone;
    enrol(server, "citizen-ec", phone, "246810");
    const json& create_example =
        spec.at("paths").at("/api/v1/signature-requests").at("post").at("requestBody").at("content").at("application/json").at("example");
    auto shown_to = [&](const std::string& id) {
        auto reply = device_call(server, phone, "GET", "/api/v1/device/signature-requests/" + id);
        BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
        return reply.json();
    };
    auto fresh_request = [&](bool approved) {
        auto created = https(server, "POST", "/api/v1/signature-requests", bearer(clients.dms), create_example.dump(), "application/json");
        BOOST_TEST_REQUIRE(created.status == 201, created.body);
        std::string id = created.json().at("id");
        if (approved) {
            auto reply = device_call(server, phone, "POST", "/api/v1/device/signature-requests/" + id + "/approve",
                                     decision_body(phone, shown_to(id), sign::mobile::Decision::approve, "246810"));
            BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
        }
        return id;
    };

    int operations = 0;
    for (const auto& [path, item] : spec.at("paths").items()) {
        for (const auto& method : http_methods) {
            if (!item.contains(method)) continue;
            const json& operation = item.at(method);
            ++operations;
            BOOST_TEST_CONTEXT(upper(method) << " " << path) {
                std::string target = path, query;
                for (const auto& parameter_ref : operation.value("parameters", json::array())) {
                    const json& parameter = resolve(spec, parameter_ref);
                    std::string name = parameter.at("name").get<std::string>();
                    if (parameter.at("in") == "path") {
                        BOOST_TEST_REQUIRE(parameter.contains("example"), "path parameter without an example");
                        target.replace(target.find("{" + name + "}"), name.size() + 2, parameter.at("example").get<std::string>());
                    } else if (parameter.at("in") == "query" && parameter.contains("example")) {
                        const json& example = parameter.at("example");
                        query += (query.empty() ? "?" : "&") + name + "=" +
                                 (example.is_string() ? example.get<std::string>() : example.dump());
                    }
                }
                std::string operation_id = operation.value("operationId", "");
                std::string request_id;
                if (auto at = target.find(example_request_id); at != std::string::npos) {
                    request_id = fresh_request(operation_id == "getSignedDocument");
                    target.replace(at, example_request_id.size(), request_id);
                }
                target += query;
                std::string body, content_type;
                if (operation.contains("requestBody")) {
                    const json& content = resolve(spec, operation.at("requestBody")).at("content");
                    BOOST_TEST_REQUIRE(content.contains("application/json"), "no JSON form to build a request from");
                    BOOST_TEST_REQUIRE(content.at("application/json").contains("example"), "no request example");
                    body = content.at("application/json").at("example").dump();
                    content_type = "application/json";
                }
                bool open = operation.contains("security") && operation.at("security").empty();
                bool device = operation.contains("security") && operation.at("security").dump().find("deviceAuth") != std::string::npos;
                TestDevice new_phone;
                if (operation_id == "approveSignatureRequest" || operation_id == "rejectSignatureRequest") {
                    auto decision = operation_id == "approveSignatureRequest" ? sign::mobile::Decision::approve
                                                                               : sign::mobile::Decision::reject;
                    body = decision_body(phone, shown_to(request_id), decision, "246810").dump();
                } else if (operation_id == "enrolDevice") {
                    auto issued = server.signctl({"--json", "signer", "activation", "citizen-ec"});
                    BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);
                    json enrolment = json::parse(body);
                    enrolment["activationCode"] = json::parse(issued.output.substr(issued.output.find('{'))).at("code");
                    enrolment["publicKey"] = new_phone.public_key_base64();
                    body = enrolment.dump();
                }
                std::map<std::string, std::string> headers;
                if (device) headers = phone.auth(upper(method), target);
                else if (!open) headers = bearer(clients.dms);
                auto reply = https(server, upper(method), target, headers, body, content_type);
                const json& responses = operation.at("responses");
                std::string status = std::to_string(reply.status);
                BOOST_TEST_REQUIRE(responses.contains(status), "status " << status << " is not documented: " << reply.body);
                BOOST_TEST(reply.status / 100 == 2, "the spec's own example was refused: " << reply.body);
                const json& documented = resolve(spec, responses.at(status));
                BOOST_TEST_REQUIRE(documented.contains("content"), "status " << status << " documents no content");
                BOOST_TEST(documented.at("content").contains(reply.content_type),
                           "content type " << reply.content_type << " is not documented for " << status);
            }
        }
    }
    BOOST_TEST(operations >= 5);
}

BOOST_AUTO_TEST_CASE(the_router_and_the_spec_list_the_same_operations) {
    SigndServer server;
    json spec = json::parse(sign::signd::openapi_json());
    std::set<std::string> documented;
    for (const auto& [path, item] : spec.at("paths").items())
        for (const auto& method : http_methods)
            if (item.contains(method)) documented.insert(upper(method) + " " + path);

    // The real routes, registered by signd's composition root, over the running server's data folder.
    sign::data_folder::DataFolder data(server.data_dir());
    sign::SystemClock clock;
    sign::data_folder::LocalTimestamps timestamps(data.token(), data.database().certificates(), data.ca(), clock);
    sign::signd::Metrics metrics;
    sign::isolation::WorkerPdfs untrusted_pdfs(sign::isolation::WorkerProcess(SIGND_WORKER));
    sign::audit::AuditTally refusals(data.audit(), clock);
    sign::signd::AttemptLimits limits(clock, {}, refusals);
    sign::signd::Composition services({.token = data.token(),
                                       .database = data.database(),
                                       .audit = data.audit(),
                                       .refusals = refusals,
                                       .limits = limits,
                                       .ca = data.ca(),
                                       .tsa = timestamps.authority(),
                                       .timestamps = timestamps.client(),
                                       .clock = clock,
                                       .metrics = metrics,
                                       .current_crls = {},
                                       .untrusted_pdfs = untrusted_pdfs,
                                       .verification_fetchers = {}},
                                      {.seal_images = data.path("images"),
                                       .signer_images = data.path("images/signers"),
                                       .signature_requests = data.path("signature-requests"),
                                       .data_root = data.root()},
                                      {}, std::vector<unsigned char>(32, 1), "");
    sign::signd::Router router;
    services.add_routes(router);
    std::set<std::string> routed;
    for (const auto& route : router.routes()) {
        if (route.pattern.rfind("/csc/", 0) == 0) continue;  // CSC is specified by the Consortium, not here
        // /app/api serves the public verification page; the rest is the document systems' API.
        BOOST_TEST((route.pattern.rfind("/api/v1/", 0) == 0u || route.pattern.rfind("/app/api/", 0) == 0u), route.pattern);
        BOOST_TEST((route.transport == sign::signd::Transport::tls_only), route.pattern);
        routed.insert(route.method + " " + route.pattern);
    }
    for (const auto& operation : routed) BOOST_TEST(documented.count(operation) == 1u, operation << " is served but not documented");
    for (const auto& operation : documented) BOOST_TEST(routed.count(operation) == 1u, operation << " is documented but not served");
}

BOOST_AUTO_TEST_SUITE_END()
