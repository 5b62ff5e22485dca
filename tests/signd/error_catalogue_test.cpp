// The error catalogue: each API's answer for a code, and the published aliases.
#include <boost/test/unit_test.hpp>

#include "http/error_catalogue.h"

using namespace sign;
using namespace sign::signd;

BOOST_AUTO_TEST_SUITE(error_catalogue)

BOOST_AUTO_TEST_CASE(a_code_not_listed_answers_as_its_kind) {
    BOOST_TEST(answer_for(Error(ErrorKind::invalid_input, "anything", "")).status == 400);
    BOOST_TEST(answer_for(Error(ErrorKind::not_found, "anything", "")).status == 404);
    BOOST_TEST(answer_for(Error(ErrorKind::conflict, "anything", "")).status == 409);
    BOOST_TEST(answer_for(Error(ErrorKind::policy, "anything", "")).status == 422);
    BOOST_TEST(answer_for(Error(ErrorKind::token, "anything", "")).status == 503);
    BOOST_TEST(answer_for(Error(ErrorKind::internal, "anything", "")).status == 500);
    auto csc = answer_for(Error(ErrorKind::not_found, "anything", ""));
    BOOST_TEST(csc.csc_status == 400);
    BOOST_TEST(csc.csc_error == "invalid_request");
    BOOST_TEST(answer_for(Error(ErrorKind::authentication, "x", "")).csc_error == "invalid_token");
    BOOST_TEST(answer_for(Error(ErrorKind::authentication, "x", ""), ErrorSurface::api, true).csc_error == "invalid_client");
    BOOST_TEST(answer_for(Error(ErrorKind::token, "x", "")).csc_error == "temporarily_unavailable");
}

BOOST_AUTO_TEST_CASE(the_published_exceptions_hold_where_they_were_published) {
    Error field(ErrorKind::not_found, "field_not_found", "");
    BOOST_TEST(answer_for(field, ErrorSurface::api).status == 404);     // the seal API's leaderField
    BOOST_TEST(answer_for(field, ErrorSurface::mobile).status == 400);  // a document a client sent
    Error locked(ErrorKind::authentication, "signer_locked", "");
    BOOST_TEST(answer_for(locked, ErrorSurface::mobile).status == 409);
    BOOST_TEST(answer_for(locked, ErrorSurface::approval).status == 423);
    BOOST_TEST(answer_for(locked).csc_error == "access_denied");
    BOOST_TEST(answer_for(Error(ErrorKind::authentication, "wrong_pin", "")).csc_error == "invalid_pin");
    auto scope = answer_for(Error(ErrorKind::policy, "seal_not_granted", ""));
    BOOST_TEST(scope.status == 403);
    BOOST_TEST(scope.csc_status == 403);
    BOOST_TEST(answer_for(Error(ErrorKind::invalid_input, "base64_document_too_large", "")).status == 413);
    BOOST_TEST(answer_for(Error(ErrorKind::not_found, "result_removed", ""), ErrorSurface::mobile).status == 410);
}

BOOST_AUTO_TEST_CASE(an_alias_answers_as_its_code_and_problems_name_it) {
    BOOST_TEST(canonical_code("malformed_json") == "invalid_json");
    BOOST_TEST(canonical_code("bad_time") == "invalid_time");
    BOOST_TEST(canonical_code("invalid_json") == "invalid_json");
    auto problem = problem_response(Error(ErrorKind::invalid_input, "malformed_json", "not JSON"));
    auto body = nlohmann::json::parse(problem.body);
    BOOST_TEST(problem.status == 400);
    BOOST_TEST(body.at("code") == "invalid_json");
    BOOST_TEST(body.at("aliases") == nlohmann::json::array({"malformed_json"}));
    BOOST_TEST(!nlohmann::json::parse(problem_response(Error(ErrorKind::conflict, "x", "")).body).contains("aliases"));
}

BOOST_AUTO_TEST_CASE(a_401_names_the_scheme_to_authenticate_with) {
    auto problem = problem_response(Error(ErrorKind::authentication, "device_auth_invalid", ""), ErrorSurface::mobile, "Device");
    BOOST_TEST(problem.status == 401);
    bool found = false;
    for (const auto& [name, value] : problem.headers)
        if (name == "WWW-Authenticate") found = value == "Device realm=\"signd\"";
    BOOST_TEST(found);
}

BOOST_AUTO_TEST_SUITE_END()
