// Signature requests: what is stored comes back unchanged, state changes are
// single conditional writes (an approval works once, a replayed approval is
// refused), and expiry is decided by the stored time.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "error_code.h"
#include "sign/store/authorization_store.h"
#include "sign/store/csc_response_store.h"
#include "sign/store/signature_request_store.h"
#include "sign/store/signer_store.h"
#include "postgresql_server.h"
#include "temp_dir.h"
#include "token_pin_key.h"

using sign::store::RequestDocument;
using sign::store::RequestState;
using sign::store::SignatureRequest;
using sign::store::SignatureRequestStore;
using sign::store::SignerStore;
using sign::store::WriteQueue;
using sign::test::error_code_of;
using sign::test::TempDir;
using namespace std::chrono_literals;

namespace {

const auto now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + std::chrono::hours{3};
const std::string signer = "leader-an";

void add_signers(WriteQueue& queue) {
    SignerStore signers(queue, sign::test::token_pin_key());
    signers.add(signer, "Nguyễn Văn An", "7E01", "pkcs11:token=t;object=an;type=private", std::nullopt, now);
    signers.add("leader-binh", "Trần Thị Bình", "7E02", "pkcs11:token=t;object=binh;type=private", std::nullopt, now);
}

SignatureRequest request(const std::string& id, std::chrono::system_clock::time_point created = now,
                         std::chrono::seconds lifetime = 300s) {
    SignatureRequest r;
    r.id = id;
    r.client_id = "dms";
    r.signer_id = signer;
    r.display_text = "Ký Quyết định về việc bổ nhiệm";
    r.callback_url = "https://dms.example/callbacks/sign";
    r.nonce = std::vector<uint8_t>(32, 0x5A);
    r.created_at = created;
    r.expires_at = created + lifetime;
    RequestDocument pdf;
    pdf.index = 0;
    pdf.title = "Quyết định.pdf";
    pdf.type = "pdf";
    pdf.sha256 = std::vector<uint8_t>(32, 0x01);
    pdf.digest_algorithm = "sha256";
    pdf.digest = std::vector<uint8_t>(32, 0x02);
    pdf.preparation = {0x00, 0xFF, 0x10, 0x00};
    RequestDocument hash;
    hash.index = 1;
    hash.title = "Hash from DMS";
    hash.type = "hash";
    hash.sha256 = std::vector<uint8_t>(64, 0x03);
    hash.digest_algorithm = "sha512";
    hash.digest = std::vector<uint8_t>(64, 0x03);
    r.documents = {pdf, hash};
    return r;
}

void check_same(const SignatureRequest& a, const SignatureRequest& b) {
    BOOST_TEST(a.id == b.id);
    BOOST_TEST(a.client_id == b.client_id);
    BOOST_TEST(a.signer_id == b.signer_id);
    BOOST_TEST(a.display_text == b.display_text);
    BOOST_TEST((a.callback_url == b.callback_url));
    BOOST_TEST((a.state == b.state));
    BOOST_TEST((a.nonce == b.nonce));
    BOOST_TEST((a.created_at == b.created_at));
    BOOST_TEST((a.expires_at == b.expires_at));
    BOOST_TEST((a.completed_at == b.completed_at));
    BOOST_TEST((a.device_id == b.device_id));
    BOOST_TEST((a.error_code == b.error_code));
    BOOST_TEST((a.error_detail == b.error_detail));
    BOOST_TEST((a.purpose == b.purpose));
    BOOST_TEST((a.sad_issued_at == b.sad_issued_at));
    BOOST_TEST((a.files_removed_at == b.files_removed_at));
    BOOST_TEST_REQUIRE(a.documents.size() == b.documents.size());
    for (size_t i = 0; i < a.documents.size(); ++i) {
        BOOST_TEST(a.documents[i].index == b.documents[i].index);
        BOOST_TEST(a.documents[i].title == b.documents[i].title);
        BOOST_TEST(a.documents[i].type == b.documents[i].type);
        BOOST_TEST((a.documents[i].sha256 == b.documents[i].sha256));
        BOOST_TEST(a.documents[i].digest_algorithm == b.documents[i].digest_algorithm);
        BOOST_TEST((a.documents[i].digest == b.documents[i].digest));
        BOOST_TEST((a.documents[i].preparation == b.documents[i].preparation));
    }
}

std::vector<uint8_t> approval(uint8_t seed) { return std::vector<uint8_t>(32, seed); }

}  // namespace

BOOST_AUTO_TEST_SUITE(signature_request_store)

BOOST_AUTO_TEST_CASE(every_field_comes_back_also_after_a_restart) {
    TempDir dir("requests");
    std::string path = sign::test::fresh_database(dir);
    auto created = request("Zb3xQ1r2s3t4u5v6w7x8yA");
    auto without_callback = request("Zb3xQ1r2s3t4u5v6w7x8yB", now + 1s);
    without_callback.callback_url.reset();
    without_callback.documents.resize(1);
    {
        WriteQueue queue(path);
        add_signers(queue);
        SignatureRequestStore requests(queue);
        bool in_write = false;
        requests.create(created, [&](const sign::store::Connection&) { in_write = true; });
        BOOST_TEST(in_write);
        requests.create(without_callback);
        check_same(*requests.find(created.id), created);
        check_same(*requests.find(without_callback.id), without_callback);
        BOOST_TEST(!requests.find("nothing").has_value());
        BOOST_TEST(error_code_of([&] { requests.create(created); }) == "request_exists");
    }
    WriteQueue queue(path);
    SignatureRequestStore requests(queue);
    check_same(*requests.find(created.id), created);
    check_same(*requests.find(without_callback.id), without_callback);
    requests.activate(created.id, "device-1", approval(1), now + 10s);
    requests.finish(created.id, RequestState::failed, now + 12s, std::string("timestamp_failed"), std::string("the TSA did not answer"));
    auto failed = *requests.find(created.id);
    BOOST_TEST((failed.state == RequestState::failed));
    BOOST_TEST((failed.device_id == std::optional<std::string>("device-1")));
    BOOST_TEST((failed.completed_at == std::optional(now + 12s)));
    BOOST_TEST((failed.error_code == std::optional<std::string>("timestamp_failed")));
    BOOST_TEST((failed.error_detail == std::optional<std::string>("the TSA did not answer")));
}

BOOST_AUTO_TEST_CASE(document_counts_are_checked) {
    TempDir dir("requests");
    WriteQueue queue(sign::test::fresh_database(dir));
    add_signers(queue);
    SignatureRequestStore requests(queue);
    auto none = request("none");
    none.documents.clear();
    BOOST_TEST(error_code_of([&] { requests.create(none); }) == "no_documents");
    auto many = request("many");
    many.documents.clear();
    for (int i = 0; i < 51; ++i) {
        RequestDocument document = request("x").documents[0];
        document.index = i;
        many.documents.push_back(document);
    }
    BOOST_TEST(error_code_of([&] { requests.create(many); }) == "too_many_documents");
    many.documents.resize(50);
    BOOST_TEST(error_code_of([&] { requests.create(many); }) == "no error");
    BOOST_TEST(requests.find("many")->documents.size() == 50u);
    auto misnumbered = request("misnumbered");
    misnumbered.documents[1].index = 3;
    BOOST_TEST(error_code_of([&] { requests.create(misnumbered); }) == "invalid_document");
}

BOOST_AUTO_TEST_CASE(an_approval_activates_once_even_when_many_race) {
    TempDir dir("requests");
    WriteQueue queue(sign::test::fresh_database(dir));
    add_signers(queue);
    SignatureRequestStore requests(queue);
    requests.create(request("racing"));
    std::vector<std::string> results(8);
    std::vector<std::thread> devices;
    for (size_t i = 0; i < results.size(); ++i)
        devices.emplace_back([&, i] {
            results[i] = error_code_of(
                [&] { requests.activate("racing", "device-" + std::to_string(i), approval(static_cast<uint8_t>(i)), now + 1s); });
        });
    for (auto& device : devices) device.join();
    BOOST_TEST(std::count(results.begin(), results.end(), "no error") == 1);
    BOOST_TEST(std::count(results.begin(), results.end(), "request_not_pending") == 7);
    auto activated = *requests.find("racing");
    BOOST_TEST((activated.state == RequestState::activated));
    BOOST_TEST(sign::store::public_name(activated.state) == "pending");
    size_t winner = static_cast<size_t>(std::find(results.begin(), results.end(), "no error") - results.begin());
    BOOST_TEST((activated.device_id == std::optional("device-" + std::to_string(winner))));
    BOOST_TEST((requests.activated() == std::vector<std::string>{"racing"}));
    // Not listed to the phone any more, and not expired by the sweeper.
    BOOST_TEST(requests.pending_for_signer(signer, now + 1s).empty());
    BOOST_TEST(requests.due_for_expiry(now + 1h).empty());
}

BOOST_AUTO_TEST_CASE(a_replayed_approval_is_refused) {
    TempDir dir("requests");
    WriteQueue queue(sign::test::fresh_database(dir));
    add_signers(queue);
    SignatureRequestStore requests(queue);
    requests.create(request("first"));
    requests.create(request("second"));
    requests.activate("first", "device-1", approval(7), now + 1s);
    // The same approval again, for the same request or another, finds it seen.
    BOOST_TEST(error_code_of([&] { requests.activate("first", "device-1", approval(7), now + 2s); }) == "request_not_pending");
    BOOST_TEST(error_code_of([&] { requests.activate("second", "device-1", approval(7), now + 2s); }) == "request_not_pending");
    BOOST_TEST((requests.find("second")->state == RequestState::pending));
    BOOST_TEST(error_code_of([&] { requests.activate("second", "device-1", approval(8), now + 2s); }) == "no error");
    BOOST_TEST(error_code_of([&] { requests.activate("unknown", "device-1", approval(9), now); }) == "unknown_request");
}

BOOST_AUTO_TEST_CASE(expiry_is_decided_by_the_stored_time) {
    TempDir dir("requests");
    WriteQueue queue(sign::test::fresh_database(dir));
    add_signers(queue);
    SignatureRequestStore requests(queue);
    // Stored in whole seconds, as the approval challenge shows it.
    auto fractional = request("fractional");
    fractional.expires_at += 700ms;
    requests.create(fractional);
    BOOST_TEST((requests.find("fractional")->expires_at == now + 300s));

    requests.create(request("short", now, 60s));
    BOOST_TEST(error_code_of([&] { requests.activate("short", "d", approval(1), now + 60s); }) == "request_expired");
    BOOST_TEST(error_code_of([&] { requests.decide("short", RequestState::rejected, now + 60s, std::string("d")); }) ==
               "request_expired");
    BOOST_TEST(error_code_of([&] { requests.decide("short", RequestState::cancelled, now + 61s); }) == "request_expired");
    BOOST_TEST(error_code_of([&] { requests.decide("fractional", RequestState::expired, now + 299s); }) == "request_not_expired");
    BOOST_TEST((requests.due_for_expiry(now + 59s).empty()));
    BOOST_TEST((requests.due_for_expiry(now + 60s) == std::vector<std::string>{"short"}));
    BOOST_TEST((requests.due_for_expiry(now + 300s) == std::vector<std::string>{"short", "fractional"}));
    BOOST_TEST(requests.pending_for_signer(signer, now + 59s).size() == 2u);
    BOOST_TEST(requests.pending_for_signer(signer, now + 60s).size() == 1u);

    requests.decide("short", RequestState::expired, now + 60s);
    auto expired = *requests.find("short");
    BOOST_TEST((expired.state == RequestState::expired));
    BOOST_TEST((expired.completed_at == std::optional(now + 60s)));
    BOOST_TEST(!expired.device_id.has_value());
    BOOST_TEST(error_code_of([&] { requests.decide("short", RequestState::expired, now + 61s); }) == "request_not_pending");
    BOOST_TEST((requests.due_for_expiry(now + 300s) == std::vector<std::string>{"fractional"}));
}

BOOST_AUTO_TEST_CASE(decisions_and_finishing_move_only_from_their_states) {
    TempDir dir("requests");
    WriteQueue queue(sign::test::fresh_database(dir));
    add_signers(queue);
    SignatureRequestStore requests(queue);
    for (const char* id : {"rejected", "cancelled", "approved"}) requests.create(request(id));
    auto other = request("other-signer", now + 5s);
    other.signer_id = "leader-binh";
    requests.create(other);

    // Newest first, only the signer's own.
    auto pending = requests.pending_for_signer(signer, now);
    BOOST_TEST_REQUIRE(pending.size() == 3u);
    BOOST_TEST_REQUIRE(pending[0].documents.size() == 2u);
    BOOST_TEST(pending[0].documents[0].digest == requests.find(pending[0].id)->documents[0].digest);
    BOOST_TEST(pending[0].documents[0].preparation.empty());  // lists leave the preparations out
    BOOST_TEST(!requests.find(pending[0].id)->documents[0].preparation.empty());
    BOOST_TEST(requests.pending_for_signer("leader-binh", now).size() == 1u);

    requests.decide("rejected", RequestState::rejected, now + 1s, std::string("device-1"));
    auto rejected = *requests.find("rejected");
    BOOST_TEST((rejected.state == RequestState::rejected));
    BOOST_TEST((rejected.device_id == std::optional<std::string>("device-1")));
    BOOST_TEST((rejected.completed_at == std::optional(now + 1s)));
    BOOST_TEST(error_code_of([&] { requests.decide("rejected", RequestState::cancelled, now + 2s); }) == "request_not_pending");
    BOOST_TEST(error_code_of([&] { requests.activate("rejected", "device-1", approval(1), now + 2s); }) == "request_not_pending");

    requests.decide("cancelled", RequestState::cancelled, now + 1s);
    BOOST_TEST((requests.find("cancelled")->state == RequestState::cancelled));
    BOOST_TEST(error_code_of([&] { requests.finish("cancelled", RequestState::approved, now + 2s); }) == "request_not_activated");

    BOOST_TEST(error_code_of([&] { requests.finish("approved", RequestState::approved, now + 2s); }) == "request_not_activated");
    requests.activate("approved", "device-1", approval(2), now + 1s);
    BOOST_TEST(error_code_of([&] { requests.decide("approved", RequestState::cancelled, now + 2s); }) == "request_not_pending");
    BOOST_TEST(!requests.find("approved")->completed_at.has_value());
    // A late finish still finishes: the key was used before the expiry.
    requests.finish("approved", RequestState::approved, now + 1h, std::string("ignored"));
    auto approved = *requests.find("approved");
    BOOST_TEST((approved.state == RequestState::approved));
    BOOST_TEST(sign::store::public_name(approved.state) == "approved");
    BOOST_TEST((approved.completed_at == std::optional(now + 1h)));
    BOOST_TEST(!approved.error_code.has_value());
    BOOST_TEST(error_code_of([&] { requests.finish("approved", RequestState::failed, now + 2h); }) == "request_not_activated");
    BOOST_TEST(error_code_of([&] { requests.finish("unknown", RequestState::approved, now); }) == "unknown_request");
    BOOST_TEST(error_code_of([&] { requests.decide("unknown", RequestState::cancelled, now); }) == "unknown_request");
    BOOST_TEST(requests.activated().empty());
    BOOST_TEST(requests.pending_for_signer(signer, now + 2s).empty());
}

BOOST_AUTO_TEST_CASE(files_are_due_when_a_request_ends_without_a_result_or_its_result_is_old) {
    TempDir dir("requests");
    std::string path = sign::test::fresh_database(dir);
    const auto retention = 168h;
    {
        WriteQueue queue(path);
        add_signers(queue);
        SignatureRequestStore requests(queue);
        for (const char* id : {"pending", "activated", "rejected", "cancelled", "expired", "failed", "approved-old",
                               "approved-new"})
            requests.create(request(id, now, 300s));
        requests.activate("activated", "device-1", approval(1), now + 1s);
        requests.decide("rejected", RequestState::rejected, now + 4s, std::string("device-1"));
        requests.decide("cancelled", RequestState::cancelled, now + 3s);
        requests.decide("expired", RequestState::expired, now + 300s);
        requests.activate("failed", "device-1", approval(2), now + 1s);
        requests.finish("failed", RequestState::failed, now + 2s, std::string("signing_failed"), std::string("the token failed"));
        requests.activate("approved-old", "device-1", approval(3), now + 1s);
        requests.finish("approved-old", RequestState::approved, now + 10s);
        requests.activate("approved-new", "device-1", approval(4), now + 1s);
        requests.finish("approved-new", RequestState::approved, now + 20s);

        // Ended without a result: due at once, oldest first. Approved: only once the retention passed.
        const std::vector<std::string> unsigned_ones{"failed", "cancelled", "rejected", "expired"};
        BOOST_TEST((requests.files_due_for_removal(now + 400s, retention, 100) == unsigned_ones));
        BOOST_TEST((requests.files_due_for_removal(now + 10s + retention, retention, 100) == unsigned_ones));
        BOOST_TEST((requests.files_due_for_removal(now + 11s + retention, retention, 100) ==
                    std::vector<std::string>{"failed", "cancelled", "rejected", "approved-old", "expired"}));
        BOOST_TEST(requests.files_due_for_removal(now + 1h + retention, retention, 100).size() == 6u);
        BOOST_TEST((requests.files_due_for_removal(now + 1h + retention, retention, 2) ==
                    std::vector<std::string>{"failed", "cancelled"}));
        BOOST_TEST((requests.files_due_for_removal(now + 1h + retention, 1h, 100).size() == 6u));

        // Marked once; the first time stays, and marked rows are no longer due.
        requests.mark_files_removed("failed", now + 500s);
        requests.mark_files_removed("failed", now + 600s);
        requests.mark_files_removed("approved-old", now + 11s + retention);
        BOOST_TEST((requests.find("failed")->files_removed_at == std::optional(now + 500s)));
        BOOST_TEST(!requests.find("cancelled")->files_removed_at.has_value());
        BOOST_TEST(error_code_of([&] { requests.mark_files_removed("unknown", now); }) == "unknown_request");
    }
    WriteQueue queue(path);
    SignatureRequestStore requests(queue);
    BOOST_TEST((requests.find("failed")->files_removed_at == std::optional(now + 500s)));
    BOOST_TEST((requests.files_due_for_removal(now + 1h + retention, retention, 100) ==
                std::vector<std::string>{"cancelled", "rejected", "approved-new", "expired"}));
    // The rows stay, with everything else about them.
    auto failed = *requests.find("failed");
    BOOST_TEST((failed.state == RequestState::failed));
    BOOST_TEST(failed.documents.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_csc_authorization_hands_out_one_sad_even_when_many_race) {
    TempDir dir("requests");
    WriteQueue queue(sign::test::fresh_database(dir));
    add_signers(queue);
    SignatureRequestStore requests(queue);
    sign::store::AuthorizationStore authorizations(queue);
    auto authorization = request("Zb3xQ1r2s3t4u5v6w7x8yC");
    authorization.purpose = sign::store::RequestPurpose::csc_authorization;
    authorization.callback_url.reset();
    requests.create(authorization);
    auto documents = request("Zb3xQ1r2s3t4u5v6w7x8yD");
    requests.create(documents);
    check_same(*requests.find(authorization.id), authorization);

    auto issue = [&](const std::string& id, const std::string& client) {
        return authorizations.issue({.credential_id = signer, .client_id = client, .hashes = {std::vector<uint8_t>(32, 0x01)},
                                     .expires_at = now + 60s},
                                    now, [&](const sign::store::Connection& db) {
                                        SignatureRequestStore::hand_out_sad(db, id, client, now);
                                    });
    };
    // Not before the phone approved.
    BOOST_TEST(error_code_of([&] { issue(authorization.id, "dms"); }) == "sad_already_issued");
    for (const auto& id : {authorization.id, documents.id}) {
        requests.activate(id, "device-1", std::vector<uint8_t>(32, static_cast<uint8_t>(id.back())), now);
        requests.finish(id, RequestState::approved, now);
    }
    // Never for a request that signs documents, nor for another client.
    BOOST_TEST(error_code_of([&] { issue(documents.id, "dms"); }) == "sad_already_issued");
    BOOST_TEST(error_code_of([&] { issue(authorization.id, "portal"); }) == "sad_already_issued");

    std::atomic<int> issued{0}, refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            try {
                issue(authorization.id, "dms");
                ++issued;
            } catch (const sign::Error& error) {
                if (error.code() == "sad_already_issued") ++refused;
            }
        });
    for (auto& thread : threads) thread.join();
    BOOST_TEST(issued.load() == 1);
    BOOST_TEST(refused.load() == 7);
    BOOST_TEST(requests.find(authorization.id)->sad_issued_at.has_value());
    // The refused handouts left no SAD behind.
    auto count = queue.reader().prepare("SELECT count(*) FROM authorizations");
    count.step();
    BOOST_TEST(count.integer(0) == 1);
}

BOOST_AUTO_TEST_CASE(asynchronous_csc_results_are_kept_until_they_expire) {
    TempDir dir("requests");
    WriteQueue queue(sign::test::fresh_database(dir));
    sign::store::CscResponseStore responses(queue);
    using sign::store::CscResponseState;
    auto start = [&](const std::string& id, std::chrono::seconds validity) {
        queue.run([&](const sign::store::Connection& db) {
            sign::store::CscResponseStore::start(db, {.response_id = id,
                                                      .client_id = "dms",
                                                      .credential_id = signer,
                                                      .state = CscResponseState::running,
                                                      .signatures = {},
                                                      .error = std::nullopt,
                                                      .created_at = now,
                                                      .expires_at = now + validity});
        });
    };
    start("done", 60s);
    start("failed", 60s);
    start("left", 60s);
    start("short", 1s);
    BOOST_TEST((responses.find("done", now)->state == CscResponseState::running));
    responses.complete("done", {"c2lnMQ==", "c2lnMg=="});
    responses.fail("failed", {400, "invalid_request", "certificate_revoked", "the certificate is revoked"});
    BOOST_TEST(error_code_of([&] { responses.complete("done", {}); }) == "response_not_running");
    auto done = responses.find("done", now);
    BOOST_TEST_REQUIRE(done.has_value());
    BOOST_TEST((done->state == CscResponseState::done));
    BOOST_TEST((done->signatures == std::vector<std::string>{"c2lnMQ==", "c2lnMg=="}));
    BOOST_TEST(done->client_id == "dms");
    auto failed = responses.find("failed", now);
    BOOST_TEST_REQUIRE(failed->error.has_value());
    BOOST_TEST(failed->error->status == 400);
    BOOST_TEST(failed->error->code == "certificate_revoked");
    BOOST_TEST(!responses.find("short", now + 1s).has_value());
    BOOST_TEST(!responses.find("nothing", now).has_value());
    // A restart fails what was still running: it is never signed twice.
    BOOST_TEST(responses.recover(now + 2s) == 1u);
    BOOST_TEST(responses.find("left", now + 2s)->error->code == "interrupted");
    BOOST_TEST((responses.find("done", now + 2s)->state == CscResponseState::done));
}

BOOST_AUTO_TEST_SUITE_END()
