// The canonical texts against hand-written expected bytes (docs/mobile-signing.md,
// "The approval challenge" and "Device authentication"), and base64url.

#include <boost/test/unit_test.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "sdk_buffers.h"
#include "signmobile.h"

using namespace sign::test;

namespace {

// Three documents, listed out of index order on purpose: the challenge is in index order.
const char* const three_documents = R"({
  "id": "Zb3xQ9mK2pL7vN4tR8sW1a",
  "state": "pending",
  "signer": "leader-an",
  "displayText": "Ký Quyết định về việc ...",
  "createdAt": "2026-11-27T09:00:00Z",
  "expiresAt": "2026-11-27T09:05:00Z",
  "completedAt": null,
  "error": null,
  "clientName": "Hệ thống quản lý văn bản",
  "nonce": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
  "documents": [
    {"index": 2, "title": "Hồ sơ.xml", "type": "xml",
     "sha256": "153f45d07cab9aeac8e53c70e15910071c58a14dede4a2d0624d99b011c13cb3",
     "digestAlgorithm": "sha256", "digest": "5d82f93a9261dff8a9d0494ba53463946b08bf3820eb3d6d52eb9f11002ffd5a"},
    {"index": 0, "title": "Quyết định.pdf", "type": "pdf",
     "sha256": "c3edd3c1ec98511a37eb7c14349e94ba0584af31d80156b634f7387d65b62c14",
     "digestAlgorithm": "sha256", "digest": "7d4da201bbf5aca70982113ecb7a572a8089bc35a1aa64959adfb4b6f3a14b7e"},
    {"index": 1, "title": "Tờ trình.pdf", "type": "pdf",
     "sha256": "f9e82d5d7c251144300635f32c3ce24f9e2b88f470bb6710796fa707bf2d8657",
     "digestAlgorithm": "sha384",
     "digest": "d497157f0828e249b21e9a012468b0877f53b2df08a6a13b0a35c5b734c85f015eb4d5d34add26d188ecf43c61d7469d"}
  ]
})";

const std::string three_documents_approve =
    "signd-approval-v1\n"
    "decision:approve\n"
    "request:Zb3xQ9mK2pL7vN4tR8sW1a\n"
    "signer:leader-an\n"
    "expires:2026-11-27T09:05:00Z\n"
    "nonce:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n"
    "documents:3\n"
    "0 sha256 7d4da201bbf5aca70982113ecb7a572a8089bc35a1aa64959adfb4b6f3a14b7e "
    "c3edd3c1ec98511a37eb7c14349e94ba0584af31d80156b634f7387d65b62c14\n"
    "1 sha384 d497157f0828e249b21e9a012468b0877f53b2df08a6a13b0a35c5b734c85f015eb4d5d34add26d188ecf43c61d7469d "
    "f9e82d5d7c251144300635f32c3ce24f9e2b88f470bb6710796fa707bf2d8657\n"
    "2 sha256 5d82f93a9261dff8a9d0494ba53463946b08bf3820eb3d6d52eb9f11002ffd5a "
    "153f45d07cab9aeac8e53c70e15910071c58a14dede4a2d0624d99b011c13cb3\n";

std::string challenge(const std::string& request_json, const char* decision, sm_status expected = SM_OK) {
    char* text = nullptr;
    sm_status status = sm_approval_challenge(request_json.c_str(), decision, &text);
    SmText owned(text);
    BOOST_TEST_REQUIRE(status == expected, "status " << sm_status_name(status) << ": " << sm_last_error());
    return text ? text : "";
}

// The three-document request with one field replaced.
std::string with(const std::string& pointer, const nlohmann::json& value) {
    auto request = nlohmann::json::parse(three_documents);
    request[nlohmann::json::json_pointer(pointer)] = value;
    return request.dump();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(canonical_texts)

BOOST_AUTO_TEST_CASE(approve_challenge_of_three_documents_is_exact) {
    BOOST_TEST(challenge(three_documents, "approve") == three_documents_approve);
}

BOOST_AUTO_TEST_CASE(reject_challenge_differs_only_in_the_decision_line) {
    auto expected = three_documents_approve;
    expected.replace(expected.find("decision:approve"), 16, "decision:reject");
    BOOST_TEST(challenge(three_documents, "reject") == expected);
}

BOOST_AUTO_TEST_CASE(one_hash_document) {
    const std::string request = R"({"id": "AAAAAAAAAAAAAAAAAAAAAA", "signer": "citizen-ec",
        "expiresAt": "2027-01-02T03:04:05Z", "nonce": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "approvalChallenge": "ignored here",
        "documents": [{"index": 0, "title": "Hash from DMS", "type": "hash", "digestAlgorithm": "sha3-256",
                       "digest": "00ff", "sha256": "00ff"}]})";
    BOOST_TEST(challenge(request, "approve") ==
               "signd-approval-v1\ndecision:approve\nrequest:AAAAAAAAAAAAAAAAAAAAAA\nsigner:citizen-ec\n"
               "expires:2027-01-02T03:04:05Z\nnonce:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n"
               "documents:1\n0 sha3-256 00ff 00ff\n");
}

BOOST_AUTO_TEST_CASE(fields_that_could_forge_a_line_are_refused) {
    challenge(with("/signer", "leader-an\ndecision:approve"), "approve", SM_ERR_INVALID_ARGUMENT);
    BOOST_TEST(std::string(sm_last_error()).find("signer") != std::string::npos);
    challenge(with("/id", "Zb3x/../x"), "approve", SM_ERR_INVALID_ARGUMENT);
    challenge(with("/documents/0/digest", "5D82F93A"), "approve", SM_ERR_INVALID_ARGUMENT);
    challenge(with("/documents/0/sha256", "abc"), "approve", SM_ERR_INVALID_ARGUMENT);
    challenge(with("/documents/0/digestAlgorithm", "sha256 x"), "approve", SM_ERR_INVALID_ARGUMENT);
    challenge(with("/expiresAt", "2026-11-27T09:05:00.000Z"), "approve", SM_ERR_INVALID_ARGUMENT);
    challenge(with("/expiresAt", "2026-11-27 09:05:00Z"), "approve", SM_ERR_INVALID_ARGUMENT);
    challenge(with("/nonce", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), "approve", SM_ERR_INVALID_ARGUMENT);
    challenge(with("/nonce", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg"), "approve", SM_ERR_INVALID_ARGUMENT);
    challenge(with("/documents/2/index", 3), "approve", SM_ERR_INVALID_ARGUMENT);
    challenge(with("/documents/2/index", 0), "approve", SM_ERR_INVALID_ARGUMENT);
    challenge(with("/documents/1/index", "1"), "approve", SM_ERR_INVALID_ARGUMENT);
    challenge(with("/documents", nlohmann::json::array()), "approve", SM_ERR_INVALID_ARGUMENT);
    challenge(three_documents, "approved", SM_ERR_INVALID_ARGUMENT);
    challenge("not json", "approve", SM_ERR_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(device_auth_text_is_exact) {
    char* text = nullptr;
    BOOST_TEST_REQUIRE(sm_device_auth_text("dEvIcE_id-0123456789abc", 1795770000123, "GET",
                                           "/api/v1/device/signature-requests?wait=25", &text) == SM_OK);
    SmText owned(text);
    BOOST_TEST(std::string(text) ==
               "signd-device-auth-v1\ndEvIcE_id-0123456789abc\n1795770000123\nGET\n"
               "/api/v1/device/signature-requests?wait=25\n");
    char* refused = nullptr;
    BOOST_TEST(sm_device_auth_text("id", 1, "get", "/x", &refused) == SM_ERR_INVALID_ARGUMENT);
    BOOST_TEST(sm_device_auth_text("id", 1, "GET", "/x\nGET", &refused) == SM_ERR_INVALID_ARGUMENT);
    BOOST_TEST(sm_device_auth_text("id.1", 1, "GET", "/x", &refused) == SM_ERR_INVALID_ARGUMENT);
    BOOST_TEST(refused == nullptr);
}

BOOST_AUTO_TEST_CASE(base64url_vectors) {
    // RFC 4648 section 10, unpadded, plus the two characters base64url changes.
    const std::pair<std::string, std::string> vectors[] = {
        {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"},
        {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}};
    for (const auto& [bytes, text] : vectors) {
        char* encoded = nullptr;
        BOOST_TEST_REQUIRE(sm_base64url_encode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &encoded) == SM_OK);
        SmText owned_text(encoded);
        BOOST_TEST(std::string(encoded) == text);
        uint8_t* decoded = nullptr;
        size_t decoded_len = 0;
        BOOST_TEST_REQUIRE(sm_base64url_decode(text.c_str(), &decoded, &decoded_len) == SM_OK);
        SmBytes owned_bytes(decoded);
        BOOST_TEST(std::string(reinterpret_cast<char*>(decoded), decoded_len) == bytes);
    }
    uint8_t* decoded = nullptr;
    size_t decoded_len = 0;
    BOOST_TEST(sm_base64url_decode("Zm9vYg==", &decoded, &decoded_len) == SM_OK);
    SmBytes padded(decoded);
    BOOST_TEST(decoded_len == 4u);
    for (const char* bad : {"Zm9v+g", "Zm9v/g", "Z", "Zm9vYh", "Zm=9", "Zg==="}) {
        uint8_t* nothing = nullptr;
        BOOST_TEST(sm_base64url_decode(bad, &nothing, &decoded_len) == SM_ERR_INVALID_ARGUMENT, bad);
        BOOST_TEST(nothing == nullptr);
    }
}

BOOST_AUTO_TEST_SUITE_END()
