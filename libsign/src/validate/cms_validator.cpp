#include "sign/validate/cms_validator.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include "../x509/openssl_util.h"
#include "sign/distinguished_name.h"
#include "certificate_urls.h"
#include "sign/error.h"
#include "sign/hex.h"
#include "sign/signature_scheme.h"
#include "sign/utc_time.h"
#include "../cms/signed_data_layout.h"
#include "signature_process.h"
#include "validation_pool.h"

namespace sign::validate {

using detail::PooledCertificate;
using detail::ValidationPool;
using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

struct CmsValidator::State {
    const ValidationOptions& options;
    ValidationPolicy policy;
    TimePoint validation_time;
    FetchSession session;
    // The caller's data, parsed once: certificates, CRLs and OCSP responses with their source.
    ValidationPool supplied;
    std::vector<Finding> findings;
    X509StorePtr anchors;

    explicit State(const ValidationOptions& options);
};

namespace {

using EssSigningCertPtr = std::unique_ptr<ESS_SIGNING_CERT, OpenSslDeleter<ESS_SIGNING_CERT_free>>;
using EssSigningCertV2Ptr = std::unique_ptr<ESS_SIGNING_CERT_V2, OpenSslDeleter<ESS_SIGNING_CERT_V2_free>>;

struct X509StackOwner {
    void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_pop_free(stack, X509_free); }
};
using OwnedX509Stack = std::unique_ptr<STACK_OF(X509), X509StackOwner>;


Finding finding(Finding::Severity severity, std::string code, std::string vi, std::string en) {
    return Finding{severity, std::move(code), std::move(vi), std::move(en)};
}

Finding::Severity severity_of(ConstraintLevel level) {
    switch (level) {
        case ConstraintLevel::fail: return Finding::Severity::error;
        case ConstraintLevel::warn: return Finding::Severity::warning;
        default: return Finding::Severity::info;
    }
}

std::string name_text(const X509_NAME* name) {
    if (!name) return {};
    try {
        return DistinguishedName::from_x509(name).to_string();
    } catch (const Error&) {
        char buffer[512];
        X509_NAME_oneline(name, buffer, sizeof buffer);
        return buffer;
    }
}

std::string serial_of(const X509* certificate) {
    const ASN1_INTEGER* serial = X509_get0_serialNumber(certificate);
    std::string out = to_hex(std::span<const std::uint8_t>(ASN1_STRING_get0_data(serial), static_cast<std::size_t>(ASN1_STRING_length(serial))));
    return out.empty() ? "00" : out;
}

std::optional<TimePoint> time_of(const ASN1_TIME* time) {
    std::tm parts{};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1) return std::nullopt;
    return Clock::from_time_t(timegm(&parts));
}

std::string fingerprint_of(const X509* certificate) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    X509_digest(certificate, EVP_sha256(), digest, &length);
    return to_hex(std::span<const std::uint8_t>(digest, length));
}

std::vector<std::uint8_t> digest_of(const EVP_MD* md, std::span<const std::uint8_t> data) {
    std::vector<std::uint8_t> out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    unsigned length = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &length, md, nullptr) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "hashing failed: " + drain_openssl_errors());
    return out;
}

// The digest as the policy names it: "sha256", "sha3-256", "sha1".
std::string policy_digest_name(const EVP_MD* md) {
    switch (EVP_MD_get_type(md)) {
        case NID_sha1: return "sha1";
        case NID_sha224: return "sha224";
        case NID_sha256: return "sha256";
        case NID_sha384: return "sha384";
        case NID_sha512: return "sha512";
        case NID_sha3_256: return "sha3-256";
        case NID_sha3_384: return "sha3-384";
        case NID_sha3_512: return "sha3-512";
        case NID_md5: return "md5";
        default: return OBJ_nid2sn(EVP_MD_get_type(md));
    }
}

std::string normalized(std::string_view name) {
    std::string out;
    for (char c : name)
        if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The verdict so far: the first failure wins over any indeterminate, the first of each kind stays.
struct Verdict {
    std::optional<std::pair<MainIndication, SubIndication>> value;
    void raise(MainIndication main, SubIndication sub) {
        if (!value || (value->first == MainIndication::indeterminate && main == MainIndication::total_failed)) value = {{main, sub}};
    }
    void raise(SubIndication sub) { raise(main_indication_of(sub), sub); }
    bool failed() const { return value && value->first == MainIndication::total_failed; }
};

// The report with the verdict reached so far as its indication (TOTAL-PASSED when nothing was
// raised), and the validation time as best signature time when no proof of existence came earlier.
SignatureReport concluded(SignatureReport& report, const Verdict& verdict, TimePoint validation_time) {
    if (verdict.value) {
        report.indication = verdict.value->first;
        report.sub_indication = verdict.value->second;
    } else {
        report.indication = MainIndication::total_passed;
    }
    if (!report.best_signature_time) report.best_signature_time = validation_time;
    return report;
}

// A constraint of the policy: a finding at its level, and the sub-indication when it is FAIL.
void constrain(SignatureReport& report, Verdict& verdict, ConstraintLevel level, SubIndication sub, Finding found) {
    if (level == ConstraintLevel::ignore) return;
    found.severity = severity_of(level);
    report.findings.push_back(std::move(found));
    if (level == ConstraintLevel::fail) verdict.raise(sub);
}

std::string reason_text(int reason) {
    switch (reason) {
        case OCSP_REVOKED_STATUS_KEYCOMPROMISE: return "keyCompromise";
        case OCSP_REVOKED_STATUS_CACOMPROMISE: return "cACompromise";
        case OCSP_REVOKED_STATUS_AFFILIATIONCHANGED: return "affiliationChanged";
        case OCSP_REVOKED_STATUS_SUPERSEDED: return "superseded";
        case OCSP_REVOKED_STATUS_CESSATIONOFOPERATION: return "cessationOfOperation";
        case OCSP_REVOKED_STATUS_CERTIFICATEHOLD: return "certificateHold";
        case OCSP_REVOKED_STATUS_REMOVEFROMCRL: return "removeFromCRL";
        case OCSP_REVOKED_STATUS_PRIVILEGEWITHDRAWN: return "privilegeWithdrawn";
        case OCSP_REVOKED_STATUS_AACOMPROMISE: return "aACompromise";
        default: return "unspecified";
    }
}

// What one SignedData's validation draws on: the State's supplied data plus the signature's own.
struct Run {
    CmsValidator::State& state;
    ValidationPool pool;
};

// ---- chain building and path validation --------------------------------------------------------

struct PathResult {
    bool found = false;
    int error = X509_V_OK;
    std::string error_text;
    std::vector<X509Ptr> chain;  // signer first; the last one is a trust anchor when found
};

bool is_anchor(const CmsValidator::State& state, const X509* certificate) {
    for (const auto& anchor : state.options.trust.trust_anchors)
        if (X509_cmp(anchor.native(), certificate) == 0) return true;
    return false;
}

// Certificates an AIA caIssuers URL of `certificate` leads to, added to the pool; true when new ones came.
bool fetch_issuers(Run& run, const X509* certificate) {
    bool added = false;
    for (const std::string& url : access_urls(certificate, NID_ad_ca_issuers)) {
        auto body = run.state.session.get(url);
        if (!body) continue;
        for (X509Ptr& fetched : detail::parse_certificates(*body))
            if (run.pool.add_certificate(std::move(fetched), DataSource::fetched, url)) added = true;
        if (added) break;
    }
    return added;
}

// OpenSSL builds and checks the path (signatures, names, basic constraints, path length, policy)
// without looking at dates: which date counts is the EN 319 102-1 process's decision, made after.
PathResult build_path(Run& run, X509* leaf) {
    PathResult result;
    int limit = run.state.options.input_limits.max_chain_length;
    for (int round = 0; round <= limit; ++round) {
        X509StackPtr untrusted = run.pool.stack();
        X509StoreCtxPtr context(X509_STORE_CTX_new());
        if (!context || X509_STORE_CTX_init(context.get(), run.state.anchors.get(), leaf, untrusted.get()) != 1)
            throw Error(ErrorKind::internal, "openssl_failure", "cannot start path validation: " + drain_openssl_errors());
        X509_VERIFY_PARAM* parameters = X509_STORE_CTX_get0_param(context.get());
        X509_VERIFY_PARAM_set_flags(parameters, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
        X509_VERIFY_PARAM_set_depth(parameters, limit);
        int ok = X509_verify_cert(context.get());
        result.error = X509_STORE_CTX_get_error(context.get());
        result.error_text = X509_verify_cert_error_string(result.error);
        result.chain.clear();
        if (STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(context.get())) {
            for (int i = 0; i < sk_X509_num(chain); ++i) {
                X509* certificate = sk_X509_value(chain, i);
                X509_up_ref(certificate);
                result.chain.emplace_back(certificate);
            }
        }
        ERR_clear_error();
        if (ok == 1) {
            result.found = true;
            return result;
        }
        bool issuer_missing = result.error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
                              result.error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
        const X509* last = result.chain.empty() ? leaf : result.chain.back().get();
        if (!issuer_missing || !fetch_issuers(run, last)) return result;
    }
    return result;
}

// ---- revocation ----------------------------------------------------------------------------------

struct RevocationResult {
    enum class Status { good, revoked, unknown } status = Status::unknown;
    std::optional<TimePoint> revocation_time;
    std::string reason;
    std::vector<std::string> notes_vi;  // why nothing usable was found
    std::vector<std::string> notes_en;
};

// Whether revocation data speaks for `time_of_interest`: issued after it (so it shows the status then),
// or issued before and still current at it.
bool fresh(const ValidationPolicy& policy, TimePoint this_update, std::optional<TimePoint> next_update, TimePoint time_of_interest) {
    if (this_update + policy.clock_skew >= time_of_interest) return true;
    TimePoint valid_until = next_update ? *next_update : this_update + policy.revocation_max_age;
    return time_of_interest <= valid_until;
}

// The OCSP responder is the issuer itself or a delegate the issuer certified for OCSP signing.
bool ocsp_signed_by_authority(OCSP_BASICRESP* response, X509* issuer, const ValidationPool& pool, std::string& responder_name,
                              bool& delegated_without_nocheck) {
    X509StackPtr extra = pool.stack();
    sk_X509_push(extra.get(), issuer);
    X509* signer = nullptr;
    if (OCSP_resp_get0_signer(response, &signer, extra.get()) != 1 || !signer) return false;
    responder_name = name_text(X509_get_subject_name(signer));
    delegated_without_nocheck = false;
    if (X509_cmp(signer, issuer) != 0) {
        if (X509_check_issued(issuer, signer) != X509_V_OK) return false;
        if (X509_verify(signer, X509_get0_pubkey(issuer)) != 1) return false;
        if (!(X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) || !(X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN)) return false;
        delegated_without_nocheck = X509_get_ext_by_NID(signer, NID_id_pkix_OCSP_noCheck, -1) < 0;
    }
    bool verified = ASN1_item_verify(ASN1_ITEM_rptr(OCSP_RESPDATA), const_cast<X509_ALGOR*>(OCSP_resp_get0_tbs_sigalg(response)),
                                     const_cast<ASN1_OCTET_STRING*>(OCSP_resp_get0_signature(response)),
                                     const_cast<OCSP_RESPDATA*>(OCSP_resp_get0_respdata(response)), X509_get0_pubkey(signer)) == 1;
    ERR_clear_error();
    return verified;
}

bool check_ocsp(Run& run, const detail::PooledOcsp& item, X509* certificate, X509* issuer, TimePoint time_of_interest,
                SignatureReport& report, RevocationResult& result) {
    OCSP_BASICRESP* response = item.response.get();
    OCSP_SINGLERESP* match = nullptr;
    for (int i = 0; i < OCSP_resp_count(response) && !match; ++i) {
        OCSP_SINGLERESP* single = OCSP_resp_get0(response, i);
        const OCSP_CERTID* id = OCSP_SINGLERESP_get0_id(single);
        ASN1_OBJECT* hash_algorithm = nullptr;
        if (OCSP_id_get0_info(nullptr, &hash_algorithm, nullptr, nullptr, const_cast<OCSP_CERTID*>(id)) != 1) continue;
        const EVP_MD* md = EVP_get_digestbyobj(hash_algorithm);
        if (!md) continue;
        OcspCertIdPtr mine(OCSP_cert_to_id(md, certificate, issuer));
        if (mine && OCSP_id_cmp(mine.get(), id) == 0) match = single;
    }
    ERR_clear_error();
    if (!match) return false;
    std::string responder;
    bool delegated_without_nocheck = false;
    if (!ocsp_signed_by_authority(response, issuer, run.pool, responder, delegated_without_nocheck)) {
        result.notes_vi.push_back("phản hồi OCSP không do CA cấp chứng thư hoặc bên được CA ủy quyền ký hợp lệ");
        result.notes_en.push_back("an OCSP response is not validly signed by the issuing CA or a responder it authorised");
        return false;
    }
    int reason = -1;
    ASN1_GENERALIZEDTIME* revoked_at = nullptr;
    ASN1_GENERALIZEDTIME* this_update_asn1 = nullptr;
    ASN1_GENERALIZEDTIME* next_update_asn1 = nullptr;
    int status = OCSP_single_get0_status(match, &reason, &revoked_at, &this_update_asn1, &next_update_asn1);
    auto this_update = time_of(this_update_asn1);
    if (!this_update) return false;
    RevocationEvidence evidence;
    evidence.kind = "ocsp";
    evidence.source = item.source;
    evidence.url = item.url;
    evidence.issuer = responder;
    evidence.certificate_serial = serial_of(certificate);
    evidence.this_update = *this_update;
    evidence.next_update = time_of(next_update_asn1);
    const ValidationPolicy& policy = run.state.policy;
    if (*this_update > run.state.validation_time + policy.clock_skew) {
        result.notes_vi.push_back("phản hồi OCSP có thời điểm phát hành sau thời điểm kiểm tra");
        result.notes_en.push_back("an OCSP response was issued after the validation time");
        return false;
    }
    if (status == V_OCSP_CERTSTATUS_REVOKED) {
        evidence.status = "revoked";
        evidence.revocation_time = time_of(revoked_at);
        evidence.revocation_reason = reason_text(reason);
        report.revocation.push_back(evidence);
        result.status = RevocationResult::Status::revoked;
        result.revocation_time = evidence.revocation_time;
        result.reason = evidence.revocation_reason;
        return true;
    }
    if (status != V_OCSP_CERTSTATUS_GOOD) {
        evidence.status = "unknown";
        report.revocation.push_back(evidence);
        result.notes_vi.push_back("máy chủ OCSP trả lời không biết chứng thư này");
        result.notes_en.push_back("the OCSP responder answered unknown");
        return false;
    }
    if (!fresh(policy, *this_update, evidence.next_update, time_of_interest)) {
        result.notes_vi.push_back("phản hồi OCSP (" + format_utc(*this_update, UtcFormat::vietnam) + ") đã cũ so với thời điểm cần xét");
        result.notes_en.push_back("an OCSP response (" + format_utc(*this_update) + ") is too old for the time of interest");
        return false;
    }
    evidence.status = "good";
    if (delegated_without_nocheck) {
        report.findings.push_back(finding(Finding::Severity::info, "ocsp_responder_status_unchecked",
                                          "Chứng thư của máy chủ OCSP ủy quyền không có ocsp-nocheck; tình trạng của nó không được kiểm tra.",
                                          "The delegated OCSP responder certificate has no ocsp-nocheck; its own status was not checked."));
    }
    report.revocation.push_back(evidence);
    result.status = RevocationResult::Status::good;
    return true;
}

bool check_crl(Run& run, const detail::PooledCrl& item, X509* certificate, X509* issuer, TimePoint time_of_interest,
               SignatureReport& report, RevocationResult& result) {
    X509_CRL* crl = item.crl.get();
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(certificate)) != 0) return false;
    bool signed_by_issuer = X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) == 0 &&
                            X509_CRL_verify(crl, X509_get0_pubkey(issuer)) == 1;
    bool may_sign_crls = !(X509_get_extension_flags(issuer) & EXFLAG_KUSAGE) || (X509_get_key_usage(issuer) & KU_CRL_SIGN);
    ERR_clear_error();
    if (!signed_by_issuer || !may_sign_crls) {
        result.notes_vi.push_back("danh sách thu hồi (CRL) không có chữ ký hợp lệ của CA cấp chứng thư");
        result.notes_en.push_back("a CRL is not validly signed by the issuing CA");
        return false;
    }
    auto this_update = time_of(X509_CRL_get0_lastUpdate(crl));
    if (!this_update) return false;
    const ValidationPolicy& policy = run.state.policy;
    if (*this_update > run.state.validation_time + policy.clock_skew) {
        result.notes_vi.push_back("CRL có thời điểm phát hành sau thời điểm kiểm tra");
        result.notes_en.push_back("a CRL was issued after the validation time");
        return false;
    }
    RevocationEvidence evidence;
    evidence.kind = "crl";
    evidence.source = item.source;
    evidence.url = item.url;
    evidence.issuer = name_text(X509_CRL_get_issuer(crl));
    evidence.certificate_serial = serial_of(certificate);
    evidence.this_update = *this_update;
    evidence.next_update = time_of(X509_CRL_get0_nextUpdate(crl));
    X509_REVOKED* entry = nullptr;
    if (X509_CRL_get0_by_cert(crl, &entry, certificate) == 1 && entry) {
        evidence.status = "revoked";
        evidence.revocation_time = time_of(X509_REVOKED_get0_revocationDate(entry));
        int reason = -1;
        if (ASN1_ENUMERATED* code = static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr))) {
            reason = static_cast<int>(ASN1_ENUMERATED_get(code));
            ASN1_ENUMERATED_free(code);
        }
        evidence.revocation_reason = reason_text(reason);
        report.revocation.push_back(evidence);
        result.status = RevocationResult::Status::revoked;
        result.revocation_time = evidence.revocation_time;
        result.reason = evidence.revocation_reason;
        ERR_clear_error();
        return true;
    }
    ERR_clear_error();
    if (!fresh(policy, *this_update, evidence.next_update, time_of_interest)) {
        result.notes_vi.push_back("CRL (" + format_utc(*this_update, UtcFormat::vietnam) + ") đã cũ so với thời điểm cần xét");
        result.notes_en.push_back("a CRL (" + format_utc(*this_update) + ") is too old for the time of interest");
        return false;
    }
    evidence.status = "good";
    report.revocation.push_back(evidence);
    result.status = RevocationResult::Status::good;
    return true;
}

// Embedded and supplied data first, then OCSP from AIA, then the CRL distribution points.
RevocationResult check_revocation(Run& run, X509* certificate, X509* issuer, TimePoint time_of_interest, SignatureReport& report) {
    RevocationResult result;
    for (const auto& item : run.pool.ocsp_responses)
        if (check_ocsp(run, item, certificate, issuer, time_of_interest, report, result)) return result;
    for (const auto& item : run.pool.crls)
        if (check_crl(run, item, certificate, issuer, time_of_interest, report, result)) return result;
    auto& session = run.state.session;
    for (const std::string& url : access_urls(certificate, NID_ad_OCSP)) {
        OcspRequestPtr request(OCSP_REQUEST_new());
        OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), certificate, issuer);
        if (!request || !id || !OCSP_request_add0_id(request.get(), id)) {
            OCSP_CERTID_free(id);
            continue;
        }
        std::vector<std::uint8_t> der = ::sign::detail::to_der(request.get(), i2d_OCSP_REQUEST, "the OCSP request");
        std::string failure;
        auto body = session.post(url, "application/ocsp-request", der, &failure);
        if (!body) {
            result.notes_vi.push_back("không lấy được phản hồi OCSP từ " + url + " (" + failure + ")");
            result.notes_en.push_back("no OCSP response from " + url + " (" + failure + ")");
            continue;
        }
        OcspBasicResponsePtr basic = detail::parse_ocsp(*body);
        if (!basic) {
            result.notes_vi.push_back("máy chủ OCSP " + url + " không trả lời thành công");
            result.notes_en.push_back("the OCSP responder at " + url + " gave no successful response");
            continue;
        }
        run.pool.ocsp_responses.push_back({std::move(basic), DataSource::fetched, url});
        if (check_ocsp(run, run.pool.ocsp_responses.back(), certificate, issuer, time_of_interest, report, result)) return result;
    }
    for (const std::string& url : crl_urls(certificate)) {
        std::string failure;
        auto body = session.get(url, &failure);
        if (!body) {
            result.notes_vi.push_back("không tải được CRL từ " + url + " (" + failure + ")");
            result.notes_en.push_back("could not fetch the CRL at " + url + " (" + failure + ")");
            continue;
        }
        X509CrlPtr crl = detail::parse_crl(*body);
        if (!crl) {
            result.notes_vi.push_back("dữ liệu tải từ " + url + " không phải là CRL");
            result.notes_en.push_back("what " + url + " served is not a CRL");
            continue;
        }
        run.pool.crls.push_back({std::move(crl), DataSource::fetched, url});
        if (check_crl(run, run.pool.crls.back(), certificate, issuer, time_of_interest, report, result)) return result;
    }
    return result;
}

// ---- time-stamps -----------------------------------------------------------------------------------

// What a time-stamp's imprint must be, for the digest it names.
using ExpectedImprint = std::function<std::vector<std::uint8_t>(const EVP_MD*)>;

TimestampReport validate_timestamp_token(Run& run, ASN1_TYPE* value, const ExpectedImprint& expected_imprint,
                                         SignatureReport& signature, const char* type) {
    TimestampReport report;
    report.type = type;
    auto bad = [&](std::string code, std::string vi, std::string en) {
        report.valid = false;
        report.findings.push_back(finding(Finding::Severity::error, std::move(code), std::move(vi), std::move(en)));
        return report;
    };
    if (!value || value->type != V_ASN1_SEQUENCE)
        return bad("timestamp_malformed", "Dấu thời gian không đúng định dạng.", "The time-stamp token is malformed.");
    const unsigned char* cursor = value->value.sequence->data;
    Pkcs7Ptr token(d2i_PKCS7(nullptr, &cursor, value->value.sequence->length));
    TsTstInfoPtr info(token ? PKCS7_to_TS_TST_INFO(token.get()) : nullptr);
    ERR_clear_error();
    if (!info) return bad("timestamp_malformed", "Dấu thời gian không đúng định dạng.", "The time-stamp token is malformed.");
    report.generation_time = time_of(TS_TST_INFO_get_time(info.get()));
    TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(info.get());
    const EVP_MD* md = EVP_get_digestbyobj(TS_MSG_IMPRINT_get_algo(imprint)->algorithm);
    if (!md || !report.generation_time)
        return bad("timestamp_malformed", "Dấu thời gian dùng thuật toán băm không rõ.", "The time-stamp uses an unknown digest.");
    report.digest_algorithm = policy_digest_name(md);
    std::vector<std::uint8_t> expected = expected_imprint(md);
    const ASN1_OCTET_STRING* carried = TS_MSG_IMPRINT_get_msg(imprint);
    if (static_cast<std::size_t>(ASN1_STRING_length(carried)) != expected.size() ||
        std::memcmp(ASN1_STRING_get0_data(carried), expected.data(), expected.size()) != 0)
        return bad("timestamp_imprint_mismatch", "Dấu thời gian không khớp với dữ liệu được đóng dấu.",
                   "The time-stamp's imprint does not match the time-stamped data.");
    // The TSA's certificate, with the pool as intermediates; chain checked at genTime.
    X509StackPtr pool = run.pool.stack();
    STACK_OF(X509)* signers = PKCS7_get0_signers(token.get(), pool.get(), 0);
    X509* tsa = signers && sk_X509_num(signers) == 1 ? sk_X509_value(signers, 0) : nullptr;
    if (tsa) {
        report.tsa = name_text(X509_get_subject_name(tsa));
        if (const PooledCertificate* known = run.pool.find(tsa); !known) {
            X509_up_ref(tsa);
            run.pool.add_certificate(X509Ptr(tsa), DataSource::signature);
        }
    }
    sk_X509_free(signers);
    ERR_clear_error();
    if (!tsa) return bad("timestamp_no_tsa_certificate", "Không tìm thấy chứng thư số của đơn vị cấp dấu thời gian.",
                         "The TSA certificate was not found.");
    if (auto refusal = run.state.policy.check_digest(report.digest_algorithm, *report.generation_time))
        return bad("timestamp_digest_refused", "Dấu thời gian: " + refusal->vi + ".", "Time-stamp: " + refusal->en + ".");

    X509StorePtr store(X509_STORE_new());
    for (const auto& anchor : run.state.options.trust.trust_anchors) X509_STORE_add_cert(store.get(), anchor.native());
    X509_VERIFY_PARAM* parameters = X509_STORE_get0_param(store.get());
    X509_VERIFY_PARAM_set_time(parameters, Clock::to_time_t(*report.generation_time));
    X509_VERIFY_PARAM_set_flags(parameters, X509_V_FLAG_PARTIAL_CHAIN);
    TsVerifyCtxPtr context(TS_VERIFY_CTX_new());
    TS_VERIFY_CTX_set_flags(context.get(), TS_VFY_SIGNATURE);
    TS_VERIFY_CTX_set_store(context.get(), store.release());  // the context frees it
    OwnedX509Stack untrusted(X509_chain_up_ref(pool.get()));
    TS_VERIFY_CTX_set_certs(context.get(), untrusted.release());
    bool verified = TS_RESP_verify_token(context.get(), token.get()) == 1;
    std::string why = drain_openssl_errors();
    if (!verified)
        return bad("timestamp_untrusted",
                   "Chữ ký của đơn vị cấp dấu thời gian không hợp lệ hoặc không tin cậy tại thời điểm cấp dấu (" + why + ").",
                   "The TSA's signature does not verify or its certificate is not trusted at the time-stamp's time (" + why + ").");
    // The TSA's certificate (and its CAs) must not have been revoked at the time-stamp's time.
    PathResult tsa_path = build_path(run, tsa);
    for (std::size_t i = 0; tsa_path.found && i + 1 < tsa_path.chain.size(); ++i) {
        X509* certificate = tsa_path.chain[i].get();
        if (is_anchor(run.state, certificate) || X509_get_ext_by_NID(certificate, NID_id_pkix_OCSP_noCheck, -1) >= 0) continue;
        RevocationResult revocation = check_revocation(run, certificate, tsa_path.chain[i + 1].get(), *report.generation_time, signature);
        std::string who = name_text(X509_get_subject_name(certificate));
        if (revocation.status == RevocationResult::Status::revoked &&
            revocation.revocation_time.value_or(TimePoint::min()) <= *report.generation_time)
            return bad("timestamp_tsa_revoked", "Chứng thư " + who + " đã bị thu hồi trước thời điểm cấp dấu thời gian.",
                       "The certificate " + who + " was revoked before the time-stamp was issued.");
        if (revocation.status == RevocationResult::Status::unknown) {
            bool required = run.state.policy.revocation_status == ConstraintLevel::fail;
            Finding note = finding(required ? Finding::Severity::error : Finding::Severity::warning, "timestamp_revocation_unknown",
                                   "Không xác định được tình trạng thu hồi của chứng thư " + who + " (đơn vị cấp dấu thời gian).",
                                   "The revocation status of " + who + " (time-stamping) could not be determined.");
            if (required) return bad(note.code, note.vi, note.en);
            report.findings.push_back(note);
        }
    }
    report.valid = true;
    report.findings.push_back(finding(Finding::Severity::info, "timestamp_valid",
                                      "Dấu thời gian hợp lệ: chữ ký đã tồn tại lúc " + format_utc(*report.generation_time, UtcFormat::vietnam) + ".",
                                      "Valid time-stamp: the signature existed at " + format_utc(*report.generation_time) + "."));
    return report;
}

TimestampReport validate_signature_timestamp(Run& run, ASN1_TYPE* value, const ASN1_OCTET_STRING* signature_value,
                                             SignatureReport& signature) {
    auto over_signature_value = [&](const EVP_MD* md) {
        return digest_of(md, std::span<const std::uint8_t>(ASN1_STRING_get0_data(signature_value),
                                                           static_cast<std::size_t>(ASN1_STRING_length(signature_value))));
    };
    return validate_timestamp_token(run, value, over_signature_value, signature, "signature-time-stamp");
}

// ---- the signer ------------------------------------------------------------------------------------

SignerIdentity identity_of(const X509* certificate) {
    SignerIdentity identity;
    const X509_NAME* subject = X509_get_subject_name(certificate);
    identity.subject = name_text(subject);
    try {
        DistinguishedName name = DistinguishedName::from_x509(subject);
        identity.common_name = name.get("CN").value_or("");
        identity.title = name.get("title").value_or("");
        identity.organization = name.get("O").value_or("");
        identity.organizational_unit = name.get("OU").value_or("");
        identity.locality = name.get("L").value_or("");
        for (const auto& rdn : name.rdns())
            for (const auto& attribute : rdn)
                if (attribute.type == "UID" || attribute.type == "serialNumber") identity.identifiers.push_back(attribute.value);
    } catch (const Error&) {
    }
    return identity;
}

ChainCertificate describe(const Run& run, const X509* certificate) {
    ChainCertificate out;
    out.subject = name_text(X509_get_subject_name(certificate));
    out.issuer = name_text(X509_get_issuer_name(certificate));
    out.serial_hex = serial_of(certificate);
    out.fingerprint_sha256 = fingerprint_of(certificate);
    out.not_before = time_of(X509_get0_notBefore(certificate)).value_or(TimePoint{});
    out.not_after = time_of(X509_get0_notAfter(certificate)).value_or(TimePoint{});
    out.trust_anchor = is_anchor(run.state, certificate);
    if (const PooledCertificate* known = run.pool.find(certificate)) {
        out.source = known->source;
        out.url = known->url;
    } else {
        out.source = DataSource::local;
    }
    return out;
}

std::string scheme_of(const X509_ALGOR* signature_algorithm, const EVP_PKEY* key) {
    int nid = signature_algorithm ? OBJ_obj2nid(signature_algorithm->algorithm) : NID_undef;
    if (nid == NID_rsassaPss) return "rsa-pss";
    int base = EVP_PKEY_get_base_id(key);
    if (base == EVP_PKEY_EC) return "ecdsa";
    if (base == EVP_PKEY_RSA) return "rsa-pkcs1";
    return OBJ_nid2sn(nid);
}

std::optional<TimePoint> signing_time_attribute(CMS_SignerInfo* signer) {
    int at = CMS_signed_get_attr_by_NID(signer, NID_pkcs9_signingTime, -1);
    if (at < 0) return std::nullopt;
    ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(signer, at), 0);
    if (!value || (value->type != V_ASN1_UTCTIME && value->type != V_ASN1_GENERALIZEDTIME)) return std::nullopt;
    return time_of(value->value.asn1_string);
}

// The content's digest under `md`, or nullopt with the verdict set.
std::optional<std::vector<std::uint8_t>> content_digest(CMS_ContentInfo* cms, const SignedContent& content, const EVP_MD* md,
                                                        SignatureReport& report, Verdict& verdict) {
    switch (content.kind()) {
        case SignedContent::Kind::attached: {
            ASN1_OCTET_STRING** inside = CMS_get0_content(cms);
            if (!inside || !*inside) {
                verdict.raise(MainIndication::indeterminate, SubIndication::signed_data_not_found);
                report.findings.push_back(finding(Finding::Severity::error, "signed_data_not_found",
                                                  "Chữ ký tách rời: cần tài liệu gốc để kiểm tra.",
                                                  "A detached signature: the signed document is needed."));
                return std::nullopt;
            }
            return digest_of(md, std::span<const std::uint8_t>(ASN1_STRING_get0_data(*inside), static_cast<std::size_t>(ASN1_STRING_length(*inside))));
        }
        case SignedContent::Kind::detached:
            return digest_of(md, content.document());
        case SignedContent::Kind::digest:
            if (normalized(content.digest_name()) != normalized(policy_digest_name(md)) &&
                normalized(content.digest_name()) != normalized(EVP_MD_get0_name(md))) {
                verdict.raise(MainIndication::indeterminate, SubIndication::signed_data_not_found);
                report.findings.push_back(finding(Finding::Severity::error, "digest_algorithm_mismatch",
                                                  "Giá trị băm được cung cấp dùng " + content.digest_name() + " nhưng chữ ký dùng " + policy_digest_name(md) + ".",
                                                  "The digest given was made with " + content.digest_name() + " but the signature uses " + policy_digest_name(md) + "."));
                return std::nullopt;
            }
            return content.digest_value();
        case SignedContent::Kind::digester:
            return content.digest_function()(EVP_MD_get0_name(md));
    }
    return std::nullopt;
}

void format_failure(SignatureReport& report, Verdict& verdict, std::string code, std::string vi, std::string en) {
    verdict.raise(SubIndication::format_failure);
    report.findings.push_back(finding(Finding::Severity::error, std::move(code), std::move(vi), std::move(en)));
}

// An archive-time-stamp-v3 (EN 319 122-1 5.5.3): its ats-hash-index-v3 must name only elements the
// signature holds now, and its imprint must cover the content type, the content's hash, the signer's
// signed fields and that index; then it is validated as any time-stamp is.
TimestampReport validate_archive_timestamp(Run& run, CMS_ContentInfo* cms, CMS_SignerInfo* signer_info, ASN1_TYPE* value,
                                           const sign::detail::SignedDataLayout* layout, const SignedContent& content,
                                           SignatureReport& signature) {
    TimestampReport report;
    report.type = "archive-time-stamp";
    auto bad = [&](std::string code, std::string vi, std::string en) {
        report.valid = false;
        report.findings.push_back(finding(Finding::Severity::error, std::move(code), std::move(vi), std::move(en)));
        return report;
    };
    const ASN1_OCTET_STRING* signature_value = CMS_SignerInfo_get0_signature(signer_info);
    const sign::detail::SignerInfoLayout* signer =
        layout ? sign::detail::find_signer(*layout, {ASN1_STRING_get0_data(signature_value), static_cast<std::size_t>(ASN1_STRING_length(signature_value))})
               : nullptr;
    if (!signer)
        return bad("archive_timestamp_unverifiable", "Chữ ký không ở dạng DER nên không kiểm tra được dấu thời gian lưu trữ.",
                   "The signature is not in DER, so its archive time-stamp cannot be checked.");
    if (!value || value->type != V_ASN1_SEQUENCE)
        return bad("timestamp_malformed", "Dấu thời gian không đúng định dạng.", "The time-stamp token is malformed.");
    const unsigned char* cursor = value->value.sequence->data;
    CmsPtr token(d2i_CMS_ContentInfo(nullptr, &cursor, value->value.sequence->length));
    STACK_OF(CMS_SignerInfo)* token_signers = token ? CMS_get0_SignerInfos(token.get()) : nullptr;
    ASN1_STRING* index = nullptr;
    if (token_signers && sk_CMS_SignerInfo_num(token_signers) == 1) {
        CMS_SignerInfo* token_signer = sk_CMS_SignerInfo_value(token_signers, 0);
        Asn1ObjectPtr index_oid(OBJ_txt2obj(sign::detail::ats_hash_index_v3_oid, 1));
        int at = CMS_unsigned_get_attr_by_OBJ(token_signer, index_oid.get(), -1);
        X509_ATTRIBUTE* attribute = at >= 0 ? CMS_unsigned_get_attr(token_signer, at) : nullptr;
        // Exactly one attribute with exactly one value (EN 319 122-1 5.5.2).
        if (attribute && X509_ATTRIBUTE_count(attribute) == 1 && CMS_unsigned_get_attr_by_OBJ(token_signer, index_oid.get(), at) < 0) {
            ASN1_TYPE* index_value = X509_ATTRIBUTE_get0_type(attribute, 0);
            if (index_value && index_value->type == V_ASN1_SEQUENCE) index = index_value->value.sequence;
        }
    }
    ERR_clear_error();
    if (!index)
        return bad("archive_timestamp_no_hash_index", "Dấu thời gian lưu trữ không có đúng một thuộc tính ats-hash-index-v3.",
                   "The archive time-stamp does not carry exactly one ats-hash-index-v3 attribute.");
    std::span<const std::uint8_t> index_der(ASN1_STRING_get0_data(index), static_cast<std::size_t>(ASN1_STRING_length(index)));
    switch (sign::detail::check_ats_hash_index_v3(index_der, *layout, *signer)) {
        case sign::detail::HashIndexCheck::matches: break;
        case sign::detail::HashIndexCheck::unreadable:
            return bad("archive_timestamp_index_unreadable", "Không đọc được ats-hash-index-v3 của dấu thời gian lưu trữ.",
                       "The archive time-stamp's ats-hash-index-v3 is unreadable.");
        case sign::detail::HashIndexCheck::unmatched:
            return bad("archive_timestamp_index_mismatch",
                       "Dấu thời gian lưu trữ nêu một chứng thư, dữ liệu thu hồi hoặc thuộc tính không còn trong chữ ký: chữ ký đã bị thay đổi sau khi đóng dấu.",
                       "The archive time-stamp names a certificate, revocation data or attribute the signature no longer holds: it was changed after being time-stamped.");
    }
    auto over_archived_data = [&](const EVP_MD* md) {
        SignatureReport scratch;
        Verdict ignored;
        auto content_hash = content_digest(cms, content, md, scratch, ignored);
        if (!content_hash) return std::vector<std::uint8_t>{};
        return digest_of(md, sign::detail::archive_timestamp_input(*layout, *signer, *content_hash, index_der));
    };
    return validate_timestamp_token(run, value, over_archived_data, signature, "archive-time-stamp");
}

SignatureReport accept_and_validate_path(Run& run, X509* signer, const std::string& scheme, TimePoint best_time, bool proven,
                                         SignatureReport& report, Verdict& verdict);

SignatureReport validate_signer(Run& run, CMS_ContentInfo* cms, CMS_SignerInfo* signer_info, const SignedContent& content,
                                const sign::detail::SignedDataLayout* layout, bool carries_revocation_data, int index) {
    CmsValidator::State& state = run.state;
    const ValidationPolicy& policy = state.policy;
    SignatureReport report;
    report.id = "S" + std::to_string(index + 1);
    report.format = "CMS";
    Verdict verdict;
    auto finish = [&]() { return concluded(report, verdict, state.validation_time); };

    // -- format: CAdES needs signed attributes with content-type and message-digest
    if (CMS_signed_get_attr_count(signer_info) <= 0) {
        format_failure(report, verdict, "no_signed_attributes", "Chữ ký không có thuộc tính được ký (signed attributes), không đúng CAdES.",
                       "The signature has no signed attributes, as CAdES requires.");
        return finish();
    }
    ASN1_OBJECT* content_type = static_cast<ASN1_OBJECT*>(
        CMS_signed_get0_data_by_OBJ(signer_info, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT));
    if (!content_type || OBJ_cmp(content_type, CMS_get0_eContentType(cms)) != 0) {
        format_failure(report, verdict, "content_type_mismatch", "Thuộc tính content-type thiếu hoặc không khớp với nội dung được ký.",
                       "The content-type attribute is missing or does not match the signed content.");
        return finish();
    }
    ASN1_OCTET_STRING* message_digest = static_cast<ASN1_OCTET_STRING*>(
        CMS_signed_get0_data_by_OBJ(signer_info, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING));
    if (!message_digest) {
        format_failure(report, verdict, "message_digest_missing", "Thiếu thuộc tính message-digest.", "The message-digest attribute is missing.");
        return finish();
    }
    ERR_clear_error();

    // -- identify the signing certificate
    X509* signer = nullptr;
    for (const auto& item : run.pool.certificates)
        if (CMS_SignerInfo_cert_cmp(signer_info, item.certificate.get()) == 0) {
            signer = item.certificate.get();
            break;
        }
    if (!signer)
        for (const auto& intermediate : state.options.trust.intermediates)
            if (CMS_SignerInfo_cert_cmp(signer_info, intermediate.native()) == 0) signer = intermediate.native();
    ERR_clear_error();
    report.claimed_signing_time = signing_time_attribute(signer_info);
    if (!signer) {
        verdict.raise(MainIndication::indeterminate, SubIndication::no_signing_certificate_found);
        report.findings.push_back(finding(Finding::Severity::error, "signing_certificate_not_found",
                                          "Không tìm thấy chứng thư số của người ký: không xác định được người ký.",
                                          "The signer's certificate was not found."));
        return finish();
    }
    report.signer_certificate_found = true;
    report.signer = identity_of(signer);
    report.issuer = name_text(X509_get_issuer_name(signer));
    report.certificate_not_before = time_of(X509_get0_notBefore(signer));
    report.certificate_not_after = time_of(X509_get0_notAfter(signer));

    ASN1_STRING* ess_v2 = static_cast<ASN1_STRING*>(CMS_signed_get0_data_by_OBJ(
        signer_info, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE));
    ASN1_STRING* ess_v1 = static_cast<ASN1_STRING*>(CMS_signed_get0_data_by_OBJ(
        signer_info, OBJ_nid2obj(NID_id_smime_aa_signingCertificate), -3, V_ASN1_SEQUENCE));
    ERR_clear_error();
    if (ess_v1 || ess_v2) {
        report.format = "CAdES";
        EssSigningCertV2Ptr v2;
        EssSigningCertPtr v1;
        if (ess_v2) {
            const unsigned char* cursor = ASN1_STRING_get0_data(ess_v2);
            v2.reset(d2i_ESS_SIGNING_CERT_V2(nullptr, &cursor, ASN1_STRING_length(ess_v2)));
        }
        if (ess_v1) {
            const unsigned char* cursor = ASN1_STRING_get0_data(ess_v1);
            v1.reset(d2i_ESS_SIGNING_CERT(nullptr, &cursor, ASN1_STRING_length(ess_v1)));
        }
        X509StackPtr chain(sk_X509_new_null());
        sk_X509_push(chain.get(), signer);
        bool matches = (ess_v2 == nullptr || v2) && (ess_v1 == nullptr || v1) &&
                       OSSL_ESS_check_signing_certs(v1.get(), v2.get(), chain.get(), 1) > 0;
        ERR_clear_error();
        if (!matches) {
            verdict.raise(MainIndication::indeterminate, SubIndication::no_signing_certificate_found);
            report.findings.push_back(finding(Finding::Severity::error, "signing_certificate_mismatch",
                                              "Thuộc tính signing-certificate không khớp với chứng thư số đã dùng để ký.",
                                              "The signing-certificate attribute does not name the certificate used."));
            return finish();
        }
    } else {
        constrain(report, verdict, policy.signing_certificate_attribute, SubIndication::sig_constraints_failure,
                  finding(Finding::Severity::error, "signing_certificate_attribute_missing",
                          "Chữ ký không có thuộc tính signing-certificate-v2 ràng buộc chứng thư số của người ký.",
                          "The signature has no signing-certificate-v2 attribute binding the signer's certificate."));
    }

    // -- integrity: the content's digest against message-digest
    X509_ALGOR* digest_algorithm = nullptr;
    X509_ALGOR* signature_algorithm = nullptr;
    CMS_SignerInfo_get0_algs(signer_info, nullptr, nullptr, &digest_algorithm, &signature_algorithm);
    const EVP_MD* md = digest_algorithm ? EVP_get_digestbyobj(digest_algorithm->algorithm) : nullptr;
    if (!md) {
        format_failure(report, verdict, "unknown_digest_algorithm", "Chữ ký dùng thuật toán băm không được hỗ trợ.",
                       "The signature uses an unsupported digest algorithm.");
        return finish();
    }
    report.digest_algorithm = policy_digest_name(md);
    EVP_PKEY* public_key = X509_get0_pubkey(signer);
    if (!public_key) {
        format_failure(report, verdict, "unreadable_public_key", "Không đọc được khóa công khai của người ký.", "The signer's public key is unreadable.");
        return finish();
    }
    std::string scheme = scheme_of(signature_algorithm, public_key);
    report.signature_algorithm = scheme + " " + std::to_string(EVP_PKEY_get_bits(public_key)) + " bit";
    std::optional<std::vector<std::uint8_t>> digest;
    try {
        digest = content_digest(cms, content, md, report, verdict);
    } catch (const std::exception& error) {
        verdict.raise(MainIndication::indeterminate, SubIndication::signed_data_not_found);
        report.findings.push_back(finding(Finding::Severity::error, "signed_data_unreadable",
                                          std::string("Không đọc được dữ liệu được ký: ") + error.what(),
                                          std::string("The signed data could not be read: ") + error.what()));
    }
    if (digest) {
        report.integrity = digest->size() == static_cast<std::size_t>(ASN1_STRING_length(message_digest)) &&
                           std::memcmp(digest->data(), ASN1_STRING_get0_data(message_digest), digest->size()) == 0;
        if (*report.integrity) {
            report.findings.push_back(finding(Finding::Severity::info, "integrity_ok", "Dữ liệu được ký toàn vẹn: không bị thay đổi sau khi ký.",
                                              "The signed data is intact: unchanged since signing."));
        } else {
            verdict.raise(SubIndication::hash_failure);
            report.findings.push_back(finding(Finding::Severity::error, "hash_failure",
                                              "Dữ liệu được ký đã bị thay đổi sau khi ký (giá trị băm không khớp).",
                                              "The signed data was changed after signing (the digest does not match)."));
        }
    }

    // -- the signature value over the signed attributes
    CMS_SignerInfo_set1_signer_cert(signer_info, signer);
    report.signature_value_valid = CMS_SignerInfo_verify(signer_info) == 1;
    ERR_clear_error();
    if (!*report.signature_value_valid) {
        verdict.raise(SubIndication::sig_crypto_failure);
        report.findings.push_back(finding(Finding::Severity::error, "sig_crypto_failure",
                                          "Giá trị chữ ký không khớp với khóa công khai của người ký.",
                                          "The signature value does not verify with the signer's public key."));
    }

    // -- time-stamps: the signature-time-stamp is the proof of existence
    const ASN1_OCTET_STRING* signature_value = CMS_SignerInfo_get0_signature(signer_info);
    bool has_timestamp = false;
    bool timestamp_limit_reached = false;
    for (int at = CMS_unsigned_get_attr_by_NID(signer_info, NID_id_smime_aa_timeStampToken, -1); at >= 0 && !timestamp_limit_reached;
         at = CMS_unsigned_get_attr_by_NID(signer_info, NID_id_smime_aa_timeStampToken, at)) {
        has_timestamp = true;
        X509_ATTRIBUTE* attribute = CMS_unsigned_get_attr(signer_info, at);
        for (int i = 0; i < X509_ATTRIBUTE_count(attribute); ++i) {
            if (static_cast<int>(report.timestamps.size()) >= state.options.input_limits.max_timestamps) {
                report.findings.push_back(finding(Finding::Severity::warning, "too_many_timestamps",
                                                  "Chữ ký có quá nhiều dấu thời gian; phần vượt giới hạn bị bỏ qua.",
                                                  "The signature carries too many time-stamps; those past the limit were ignored."));
                timestamp_limit_reached = true;
                break;
            }
            TimestampReport stamp = validate_signature_timestamp(run, X509_ATTRIBUTE_get0_type(attribute, i), signature_value, report);
            if (stamp.valid && (!report.best_signature_time || *stamp.generation_time < *report.best_signature_time)) {
                report.best_signature_time = stamp.generation_time;
                report.best_signature_time_proven = true;
            }
            if (!stamp.valid)
                report.findings.push_back(finding(Finding::Severity::warning, "timestamp_invalid",
                                                  "Dấu thời gian của chữ ký không hợp lệ nên không được dùng làm bằng chứng thời điểm ký.",
                                                  "The signature time-stamp is invalid and is not used as proof of the signing time."));
            report.timestamps.push_back(std::move(stamp));
        }
    }
    ERR_clear_error();
    if (!has_timestamp)
        constrain(report, verdict, policy.signature_timestamp, SubIndication::sig_constraints_failure,
                  finding(Finding::Severity::info, "no_signature_timestamp", "Chữ ký không có dấu thời gian; thời điểm ký chỉ do người ký tự khai.",
                          "The signature has no time-stamp; the signing time is only the signer's claim."));
    if (!report.claimed_signing_time)
        constrain(report, verdict, policy.signing_time_attribute, SubIndication::sig_constraints_failure,
                  finding(Finding::Severity::info, "no_signing_time", "Chữ ký không có thuộc tính thời điểm ký (signing-time).",
                          "The signature has no signing-time attribute."));
    const TimePoint best_time = report.best_signature_time.value_or(state.validation_time);
    report.best_signature_time = best_time;
    const bool proven = report.best_signature_time_proven;
    if (proven && report.claimed_signing_time && *report.claimed_signing_time > best_time + policy.clock_skew)
        constrain(report, verdict, policy.timestamp_order, SubIndication::timestamp_order_failure,
                  finding(Finding::Severity::warning, "timestamp_order",
                          "Thời điểm ký do người ký khai sau thời điểm của dấu thời gian.",
                          "The claimed signing time is after the time-stamp's time."));

    // -- archive time-stamps: B-LTA when one of them holds
    Asn1ObjectPtr archive_oid(OBJ_txt2obj(sign::detail::archive_timestamp_v3_oid, 1));
    bool archive_timestamp = false;
    bool archive_timestamp_valid = false;
    for (int at = CMS_unsigned_get_attr_by_OBJ(signer_info, archive_oid.get(), -1); at >= 0;
         at = CMS_unsigned_get_attr_by_OBJ(signer_info, archive_oid.get(), at)) {
        X509_ATTRIBUTE* attribute = CMS_unsigned_get_attr(signer_info, at);
        for (int i = 0; i < X509_ATTRIBUTE_count(attribute); ++i) {
            if (static_cast<int>(report.timestamps.size()) >= state.options.input_limits.max_timestamps) break;
            archive_timestamp = true;
            TimestampReport stamp =
                validate_archive_timestamp(run, cms, signer_info, X509_ATTRIBUTE_get0_type(attribute, i), layout, content, report);
            archive_timestamp_valid |= stamp.valid;
            report.timestamps.push_back(std::move(stamp));
        }
    }
    ERR_clear_error();
    if (archive_timestamp && !archive_timestamp_valid)
        report.findings.push_back(finding(Finding::Severity::warning, "archive_timestamp_invalid",
                                          "Dấu thời gian lưu trữ (archive-time-stamp-v3) không hợp lệ nên không được dùng làm bằng chứng tồn tại; chữ ký không đạt mức LTA.",
                                          "The archive time-stamp (archive-time-stamp-v3) is invalid and is not used as proof of existence; the signature is not at level LTA."));
    if (report.format == "CAdES") {
        report.level = archive_timestamp_valid ? "CAdES-BASELINE-LTA"
                       : has_timestamp && carries_revocation_data ? "CAdES-BASELINE-LT"
                       : has_timestamp ? "CAdES-BASELINE-T"
                                       : "CAdES-BASELINE-B";
    }

    return accept_and_validate_path(run, signer, scheme, best_time, proven, report, verdict);
}

// What follows the format's own checks, the same for CAdES and XAdES: signature acceptance (the
// algorithms at the best signature time, the signer's key usage), then the chain, its validity
// periods and revocation with validation with time.
SignatureReport accept_and_validate_path(Run& run, X509* signer, const std::string& scheme, TimePoint best_time, bool proven,
                                         SignatureReport& report, Verdict& verdict) {
    CmsValidator::State& state = run.state;
    const ValidationPolicy& policy = state.policy;
    EVP_PKEY* public_key = X509_get0_pubkey(signer);
    auto finish = [&]() { return concluded(report, verdict, state.validation_time); };

    // -- signature acceptance: algorithms at the best signature time
    std::vector<ValidationPolicy::Refusal> refusals;
    if (auto refusal = policy.check_digest(report.digest_algorithm, best_time)) refusals.push_back(*refusal);
    if (auto refusal = policy.check_key(public_key, best_time)) refusals.push_back(*refusal);
    if (auto refusal = policy.check_scheme(scheme)) refusals.push_back(*refusal);
    for (const auto& refusal : refusals)
        constrain(report, verdict, policy.cryptographic, SubIndication::crypto_constraints_failure,
                  finding(Finding::Severity::error, "algorithm_refused", "Thuật toán không được chấp nhận: " + refusal.vi + ".",
                          "Algorithm not accepted: " + refusal.en + "."));
    if (refusals.empty() && proven) {
        auto later_digest = policy.check_digest(report.digest_algorithm, state.validation_time);
        auto later_key = policy.check_key(public_key, state.validation_time);
        if (later_digest || later_key)
            report.findings.push_back(finding(Finding::Severity::info, "algorithm_expired_after_poe",
                                              "Thuật toán không còn được chấp nhận hiện nay nhưng được chấp nhận tại thời điểm ký đã được chứng minh.",
                                              "The algorithms are no longer accepted, but were at the proven signing time."));
    }

    // -- the signer's key usage
    if ((X509_get_extension_flags(signer) & EXFLAG_KUSAGE) &&
        !(X509_get_key_usage(signer) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
        constrain(report, verdict, policy.signer_key_usage, SubIndication::chain_constraints_failure,
                  finding(Finding::Severity::warning, "signer_key_usage",
                          "Chứng thư số của người ký không cho phép ký số (keyUsage thiếu digitalSignature và nonRepudiation).",
                          "The signer's certificate does not allow signing (keyUsage lacks digitalSignature and nonRepudiation)."));

    // -- the chain to a trust anchor
    PathResult path = build_path(run, signer);
    for (const X509Ptr& certificate : path.chain) report.chain.push_back(describe(run, certificate.get()));
    if (!path.found) {
        bool untrusted_root = path.error == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN || path.error == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
        bool missing = path.error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT || path.error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
                       path.error == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
        if (untrusted_root || missing) {
            verdict.raise(MainIndication::indeterminate, SubIndication::no_certificate_chain_found);
            std::string last = path.chain.empty() ? report.signer.subject : name_text(X509_get_subject_name(path.chain.back().get()));
            if (untrusted_root)
                report.findings.push_back(finding(Finding::Severity::error, "untrusted_root",
                                                  "Chuỗi chứng thư kết thúc ở một CA gốc không được tin cậy: " + last + ".",
                                                  "The chain ends at a root that is not trusted: " + last + "."));
            else
                report.findings.push_back(finding(Finding::Severity::error, "no_certificate_chain_found",
                                                  "Không xây dựng được chuỗi chứng thư tới CA gốc tin cậy: thiếu chứng thư của CA cấp cho " + last + ".",
                                                  "No chain to a trusted root: the certificate of the CA that issued " + last + " is missing."));
        } else {
            verdict.raise(MainIndication::indeterminate, SubIndication::chain_constraints_failure);
            report.findings.push_back(finding(Finding::Severity::error, "chain_constraints_failure",
                                              "Chuỗi chứng thư không hợp lệ: " + path.error_text + ".",
                                              "The certificate chain is invalid: " + path.error_text + "."));
        }
        return finish();
    }

    // -- the algorithms that certify the chain, under the same policy at the same time
    for (std::size_t i = 0; i + 1 < path.chain.size(); ++i) {
        X509* certificate = path.chain[i].get();
        int digest_nid = NID_undef;
        std::vector<ValidationPolicy::Refusal> chain_refusals;
        if (X509_get_signature_info(certificate, &digest_nid, nullptr, nullptr, nullptr) == 1 && digest_nid != NID_undef) {
            if (auto refusal = policy.check_digest(OBJ_nid2sn(digest_nid), best_time)) chain_refusals.push_back(*refusal);
        }
        if (const EVP_PKEY* issuer_key = X509_get0_pubkey(path.chain[i + 1].get()))
            if (auto refusal = policy.check_key(issuer_key, best_time)) chain_refusals.push_back(*refusal);
        ERR_clear_error();
        for (const auto& refusal : chain_refusals)
            constrain(report, verdict, policy.cryptographic, SubIndication::crypto_constraints_failure,
                      finding(Finding::Severity::error, "chain_algorithm_refused",
                              "Chứng thư " + report.chain[i].subject + " được ký bằng thuật toán không được chấp nhận: " + refusal.vi + ".",
                              "The certificate " + report.chain[i].subject + " is signed with an algorithm not accepted: " + refusal.en + "."));
    }

    // -- validity periods: at the validation time, else at a proven signing time (validation with time)
    for (std::size_t i = 0; i < path.chain.size(); ++i) {
        X509* certificate = path.chain[i].get();
        auto not_before = time_of(X509_get0_notBefore(certificate)).value_or(TimePoint::max());
        auto not_after = time_of(X509_get0_notAfter(certificate)).value_or(TimePoint::min());
        std::string who = i == 0 ? "Chứng thư số của người ký" : "Chứng thư số của CA " + name_text(X509_get_subject_name(certificate));
        std::string who_en = i == 0 ? "The signer's certificate" : "The CA certificate " + name_text(X509_get_subject_name(certificate));
        if (state.validation_time < not_before) {
            verdict.raise(SubIndication::not_yet_valid);
            report.findings.push_back(finding(Finding::Severity::error, "certificate_not_yet_valid",
                                              who + " chưa có hiệu lực tại thời điểm kiểm tra.", who_en + " is not yet valid at the validation time."));
        } else if (state.validation_time > not_after) {
            if (!proven) {
                verdict.raise(MainIndication::indeterminate, SubIndication::out_of_bounds_no_poe);
                report.findings.push_back(finding(Finding::Severity::error, "certificate_expired_no_poe",
                                                  who + " đã hết hạn lúc " + format_utc(not_after, UtcFormat::vietnam) +
                                                      " và không có dấu thời gian chứng minh chữ ký được tạo trước đó.",
                                                  who_en + " expired at " + format_utc(not_after) + " and no time-stamp proves the signature existed before."));
            } else if (best_time > not_after) {
                verdict.raise(SubIndication::expired);
                report.findings.push_back(finding(Finding::Severity::error, "certificate_expired",
                                                  who + " đã hết hạn trước thời điểm ký được chứng minh.",
                                                  who_en + " had expired before the proven signing time."));
            } else {
                report.findings.push_back(finding(Finding::Severity::info, "certificate_expired_after_poe",
                                                  who + " nay đã hết hạn nhưng còn hiệu lực tại thời điểm ký được dấu thời gian chứng minh.",
                                                  who_en + " has expired since, but was valid at the time-stamped signing time."));
            }
        }
        if (i == 0 && best_time < not_before) {
            verdict.raise(proven ? MainIndication::total_failed : MainIndication::indeterminate, SubIndication::not_yet_valid);
            report.findings.push_back(finding(Finding::Severity::error, "signed_before_certificate_valid",
                                              "Thời điểm ký ở trước ngày chứng thư số của người ký có hiệu lực.",
                                              "The signing time is before the signer's certificate became valid."));
        }
    }
    if (!proven && report.claimed_signing_time && report.certificate_not_before && report.certificate_not_after &&
        (*report.claimed_signing_time < *report.certificate_not_before || *report.claimed_signing_time > *report.certificate_not_after))
        report.findings.push_back(finding(Finding::Severity::warning, "claimed_time_outside_validity",
                                          "Thời điểm ký do người ký khai nằm ngoài thời hạn của chứng thư số.",
                                          "The claimed signing time is outside the certificate's validity period."));

    // -- revocation of every certificate but the trust anchor, at the best signature time
    for (std::size_t i = 0; i < path.chain.size(); ++i) {
        X509* certificate = path.chain[i].get();
        if (report.chain[i].trust_anchor) {
            report.chain[i].revocation_status = "not-checked";
            continue;
        }
        if (i + 1 >= path.chain.size()) break;
        X509* issuer = path.chain[i + 1].get();
        if (X509_get_ext_by_NID(certificate, NID_id_pkix_OCSP_noCheck, -1) >= 0) {
            report.chain[i].revocation_status = "not-checked";
            continue;
        }
        if (policy.revocation_status == ConstraintLevel::ignore) {
            report.chain[i].revocation_status = "not-checked";
            continue;
        }
        RevocationResult revocation = check_revocation(run, certificate, issuer, best_time, report);
        std::string who = i == 0 ? "Chứng thư số của người ký" : "Chứng thư số của CA " + report.chain[i].subject;
        std::string who_en = i == 0 ? "The signer's certificate" : "The CA certificate " + report.chain[i].subject;
        switch (revocation.status) {
            case RevocationResult::Status::good:
                report.chain[i].revocation_status = "good";
                break;
            case RevocationResult::Status::revoked: {
                report.chain[i].revocation_status = "revoked";
                TimePoint revoked_at = revocation.revocation_time.value_or(TimePoint::min());
                std::string when_vi = format_utc(revoked_at, UtcFormat::vietnam);
                std::string when_en = format_utc(revoked_at);
                bool proven_before = proven && best_time < revoked_at;
                bool claimed_after = report.claimed_signing_time && *report.claimed_signing_time >= revoked_at;
                if (proven_before) {
                    if (policy.revoked_after_signing == ConstraintLevel::fail) {
                        verdict.raise(MainIndication::indeterminate, i == 0 ? SubIndication::revoked_no_poe : SubIndication::revoked_ca_no_poe);
                    }
                    if (policy.revoked_after_signing != ConstraintLevel::ignore)
                        report.findings.push_back(finding(severity_of(policy.revoked_after_signing), "revoked_after_signing",
                                                          who + " bị thu hồi lúc " + when_vi + " (" + revocation.reason + "), sau thời điểm ký đã được dấu thời gian chứng minh.",
                                                          who_en + " was revoked at " + when_en + " (" + revocation.reason + "), after the time-stamped signing time."));
                } else if (i == 0 && ((proven && best_time >= revoked_at) || claimed_after)) {
                    verdict.raise(SubIndication::revoked);
                    report.findings.push_back(finding(Finding::Severity::error, "revoked",
                                                      who + " đã bị thu hồi lúc " + when_vi + " (" + revocation.reason + "), trước thời điểm ký.",
                                                      who_en + " was revoked at " + when_en + " (" + revocation.reason + "), before the signing time."));
                } else {
                    verdict.raise(MainIndication::indeterminate, i == 0 ? SubIndication::revoked_no_poe : SubIndication::revoked_ca_no_poe);
                    report.findings.push_back(finding(Finding::Severity::error, i == 0 ? "revoked_no_poe" : "revoked_ca_no_poe",
                                                      who + " đã bị thu hồi lúc " + when_vi + " (" + revocation.reason +
                                                          ") và không có dấu thời gian chứng minh chữ ký được tạo trước đó.",
                                                      who_en + " was revoked at " + when_en + " (" + revocation.reason +
                                                          ") and no time-stamp proves the signature existed before."));
                }
                break;
            }
            case RevocationResult::Status::unknown: {
                report.chain[i].revocation_status = "unknown";
                std::string details_vi;
                std::string details_en;
                for (std::size_t n = 0; n < revocation.notes_vi.size(); ++n) {
                    details_vi += (n ? "; " : ": ") + revocation.notes_vi[n];
                    details_en += (n ? "; " : ": ") + revocation.notes_en[n];
                }
                if (state.session.offline() && details_vi.empty()) {
                    details_vi = ": không có dữ liệu thu hồi kèm theo và đang kiểm tra ngoại tuyến";
                    details_en = ": no revocation data at hand and the validation is offline";
                } else if (details_vi.empty()) {
                    details_vi = ": không có dữ liệu thu hồi và chứng thư không chỉ ra nơi lấy";
                    details_en = ": no revocation data, and the certificate names no place to get it";
                }
                constrain(report, verdict, policy.revocation_status, SubIndication::try_later,
                          finding(Finding::Severity::warning, "revocation_unknown",
                                  "Không xác định được tình trạng thu hồi của " + (i == 0 ? std::string("chứng thư số của người ký") : "chứng thư số của CA " + report.chain[i].subject) + details_vi + ".",
                                  "The revocation status of " + (i == 0 ? std::string("the signer's certificate") : "the CA certificate " + report.chain[i].subject) + " could not be determined" + details_en + "."));
                break;
            }
        }
    }
    if (!report.chain.empty() && report.chain.back().trust_anchor) report.chain.back().revocation_status = "not-checked";
    return finish();
}

// Reads a DER or PEM SignedData within the limits.
CmsPtr parse_signed_data(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& der, std::string& why) {
    std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
    if (text.find("-----BEGIN") != std::string_view::npos) {
        BioPtr bio(BIO_new_mem_buf(input.data(), static_cast<int>(input.size())));
        char* name = nullptr;
        char* header = nullptr;
        unsigned char* data = nullptr;
        long length = 0;
        if (PEM_read_bio(bio.get(), &name, &header, &data, &length) == 1) {
            std::string label = name;
            if (label == "CMS" || label == "PKCS7" || label == "PKCS #7 SIGNED DATA") der.assign(data, data + length);
            else why = "PEM block '" + label + "' is not a CMS signature";
        } else {
            why = "unreadable PEM";
        }
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(data);
    } else {
        der.assign(input.begin(), input.end());
    }
    ERR_clear_error();
    if (der.empty()) {
        if (why.empty()) why = "empty input";
        return nullptr;
    }
    const unsigned char* cursor = der.data();
    CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(der.size())));
    std::string errors = drain_openssl_errors();
    if (!cms) {
        why = "not a DER CMS ContentInfo" + (errors.empty() ? std::string() : " (" + errors + ")");
        return nullptr;
    }
    // Zero bytes may follow: a PDF's /Contents pads the CMS with them.
    if (std::any_of(der.begin() + (cursor - der.data()), der.end(), [](std::uint8_t byte) { return byte != 0; })) {
        why = "trailing bytes after the CMS ContentInfo";
        return nullptr;
    }
    if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
        why = "the CMS ContentInfo is not SignedData";
        return nullptr;
    }
    return cms;
}

SignatureReport format_failure_report(const std::string& why) {
    SignatureReport report;
    report.id = "S1";
    report.indication = MainIndication::total_failed;
    report.sub_indication = SubIndication::format_failure;
    report.findings.push_back(finding(Finding::Severity::error, "format_failure", "Chữ ký không đúng định dạng CMS/CAdES: " + why + ".",
                                      "The signature is not well-formed CMS/CAdES: " + why + "."));
    return report;
}

}  // namespace

// ---- SignedContent ---------------------------------------------------------------------------------

SignedContent SignedContent::attached() { return SignedContent{}; }

SignedContent SignedContent::detached(std::span<const std::uint8_t> document) {
    SignedContent content;
    content.kind_ = Kind::detached;
    content.document_ = document;
    return content;
}

SignedContent SignedContent::digest(std::string digest_name, std::vector<std::uint8_t> value) {
    SignedContent content;
    content.kind_ = Kind::digest;
    content.digest_name_ = std::move(digest_name);
    content.digest_value_ = std::move(value);
    return content;
}

SignedContent SignedContent::digester(Digester digester) {
    SignedContent content;
    content.kind_ = Kind::digester;
    content.digester_ = std::move(digester);
    return content;
}

// ---- CmsValidator ----------------------------------------------------------------------------------

CmsValidator::State::State(const ValidationOptions& options_in)
    : options(options_in),
      policy(options_in.policy ? *options_in.policy : ValidationPolicy::default_policy()),
      validation_time(options_in.validation_time.value_or(Clock::now())),
      session(options_in.fetcher, options_in.fetch_limits),
      anchors(X509_STORE_new()) {
    if (!anchors) throw Error(ErrorKind::internal, "out_of_memory", "cannot create the trust store");
    for (const auto& anchor : options.trust.trust_anchors) X509_STORE_add_cert(anchors.get(), anchor.native());
    ERR_clear_error();
    for (const auto& intermediate : options.trust.intermediates) {
        X509_up_ref(intermediate.native());
        supplied.add_certificate(X509Ptr(intermediate.native()), DataSource::local);
    }
    const InputLimits& limits = options.input_limits;
    int certificates = 0;
    for (const auto& bytes : options.extra.certificates)
        for (X509Ptr& certificate : detail::parse_certificates(bytes))
            if (++certificates <= limits.max_certificates) supplied.add_certificate(std::move(certificate), DataSource::supplied);
    int revocation_items = 0;
    int unreadable = 0;
    for (const auto& bytes : options.extra.crls) {
        if (++revocation_items > limits.max_revocation_items) break;
        if (X509CrlPtr crl = detail::parse_crl(bytes)) supplied.crls.push_back({std::move(crl), DataSource::supplied, {}});
        else ++unreadable;
    }
    for (const auto& bytes : options.extra.ocsp_responses) {
        if (++revocation_items > limits.max_revocation_items) break;
        if (OcspBasicResponsePtr response = detail::parse_ocsp(bytes))
            supplied.ocsp_responses.push_back({std::move(response), DataSource::supplied, {}});
        else ++unreadable;
    }
    if (unreadable > 0)
        findings.push_back(finding(Finding::Severity::warning, "supplied_data_unreadable",
                                   std::to_string(unreadable) + " mục dữ liệu kiểm tra được cung cấp không đọc được và bị bỏ qua.",
                                   std::to_string(unreadable) + " supplied validation data items are unreadable and were skipped."));
    if (certificates > limits.max_certificates || revocation_items > limits.max_revocation_items)
        findings.push_back(finding(Finding::Severity::warning, "supplied_data_limit",
                                   "Dữ liệu kiểm tra được cung cấp vượt giới hạn; phần vượt bị bỏ qua.",
                                   "The supplied validation data exceeds the limits; the excess was skipped."));
}

CmsValidator::CmsValidator(const ValidationOptions& options) : state_(std::make_unique<State>(options)) {
    register_ecdsa_sha3_algorithms();
}

CmsValidator::~CmsValidator() = default;

std::chrono::system_clock::time_point CmsValidator::validation_time() const { return state_->validation_time; }

std::vector<SignatureReport> CmsValidator::validate_signature(std::span<const std::uint8_t> input, const SignedContent& content) {
    const InputLimits& limits = state_->options.input_limits;
    if (input.size() > limits.max_signature_bytes)
        return {format_failure_report("the signature is larger than the limit of " + std::to_string(limits.max_signature_bytes) + " bytes")};
    std::vector<std::uint8_t> der;
    std::string why;
    CmsPtr cms = parse_signed_data(input, der, why);
    if (!cms) return {format_failure_report(why)};

    Run run{*state_, {}};
    // The signature's own data first, so the report names it as the source when it is also supplied.
    OwnedX509Stack certificates(CMS_get1_certs(cms.get()));
    int certificate_count = certificates ? sk_X509_num(certificates.get()) : 0;
    if (certificate_count > limits.max_certificates)
        return {format_failure_report("more than " + std::to_string(limits.max_certificates) + " certificates")};
    for (int i = 0; i < certificate_count; ++i) {
        X509* certificate = sk_X509_value(certificates.get(), i);
        X509_up_ref(certificate);
        run.pool.add_certificate(X509Ptr(certificate), DataSource::signature);
    }
    STACK_OF(X509_CRL)* crls = CMS_get1_crls(cms.get());
    int crl_count = crls ? sk_X509_CRL_num(crls) : 0;
    auto others = detail::other_revocation_info(der, limits.max_revocation_items + 1);
    if (crl_count + static_cast<int>(others.size()) > limits.max_revocation_items) {
        sk_X509_CRL_pop_free(crls, X509_CRL_free);
        return {format_failure_report("more than " + std::to_string(limits.max_revocation_items) + " revocation data items")};
    }
    for (int i = 0; i < crl_count; ++i) run.pool.crls.push_back({X509CrlPtr(sk_X509_CRL_value(crls, i)), DataSource::signature, {}});
    sk_X509_CRL_free(crls);
    for (const auto& item : others)
        if (OcspBasicResponsePtr response = detail::parse_ocsp(item))
            run.pool.ocsp_responses.push_back({std::move(response), DataSource::signature, {}});
    bool carries_revocation_data = !run.pool.crls.empty() || !run.pool.ocsp_responses.empty();
    for (auto& item : state_->supplied.certificates) {
        X509_up_ref(item.certificate.get());
        run.pool.add_certificate(X509Ptr(item.certificate.get()), item.source, item.url);
    }
    for (auto& item : state_->supplied.crls) {
        X509_CRL_up_ref(item.crl.get());
        run.pool.crls.push_back({X509CrlPtr(item.crl.get()), item.source, item.url});
    }
    for (auto& item : state_->supplied.ocsp_responses) {
        // BasicOCSPResponse has no up_ref: share by copy.
        run.pool.ocsp_responses.push_back({OcspBasicResponsePtr(static_cast<OCSP_BASICRESP*>(
                                               ASN1_item_dup(ASN1_ITEM_rptr(OCSP_BASICRESP), item.response.get()))),
                                           item.source, item.url});
    }
    ERR_clear_error();

    STACK_OF(CMS_SignerInfo)* signer_infos = CMS_get0_SignerInfos(cms.get());
    int count = signer_infos ? sk_CMS_SignerInfo_num(signer_infos) : 0;
    if (count <= 0) return {format_failure_report("the SignedData has no signer")};
    // Where the parts lie in the DER, for archive time-stamps; absent for BER input.
    auto layout = sign::detail::read_signed_data_layout(der);
    if (count > limits.max_signers) return {format_failure_report("more than " + std::to_string(limits.max_signers) + " signers")};
    std::vector<SignatureReport> reports;
    for (int i = 0; i < count; ++i)
        reports.push_back(validate_signer(run, cms.get(), sk_CMS_SignerInfo_value(signer_infos, i), content,
                                          layout ? &*layout : nullptr, carries_revocation_data, i));
    ERR_clear_error();
    return reports;
}

TimestampReport CmsValidator::validate_timestamp(std::span<const std::uint8_t> token, const SignedContent::Digester& digester,
                                                 const std::string& type, SignatureReport& evidence_to) {
    Run run{*state_, {}};
    for (auto& item : state_->supplied.certificates) {
        X509_up_ref(item.certificate.get());
        run.pool.add_certificate(X509Ptr(item.certificate.get()), item.source, item.url);
    }
    for (auto& item : state_->supplied.crls) {
        X509_CRL_up_ref(item.crl.get());
        run.pool.crls.push_back({X509CrlPtr(item.crl.get()), item.source, item.url});
    }
    for (auto& item : state_->supplied.ocsp_responses)
        run.pool.ocsp_responses.push_back({OcspBasicResponsePtr(static_cast<OCSP_BASICRESP*>(
                                               ASN1_item_dup(ASN1_ITEM_rptr(OCSP_BASICRESP), item.response.get()))),
                                           item.source, item.url});
    // The token's DER as the ASN1_TYPE an unsigned attribute would hold.
    std::unique_ptr<ASN1_TYPE, OpenSslDeleter<ASN1_TYPE_free>> value(ASN1_TYPE_new());
    ASN1_STRING* sequence = ASN1_STRING_type_new(V_ASN1_SEQUENCE);
    if (!value || !sequence || token.size() > static_cast<std::size_t>(state_->options.input_limits.max_signature_bytes) ||
        ASN1_STRING_set(sequence, token.data(), static_cast<int>(token.size())) != 1) {
        ASN1_STRING_free(sequence);
        throw Error(ErrorKind::internal, "out_of_memory", "cannot hold the time-stamp token");
    }
    ASN1_TYPE_set(value.get(), V_ASN1_SEQUENCE, sequence);
    auto over_content = [&](const EVP_MD* md) { return digester(EVP_MD_get0_name(md)); };
    TimestampReport report = validate_timestamp_token(run, value.get(), over_content, evidence_to, type.c_str());
    ERR_clear_error();
    return report;
}

ValidationReport CmsValidator::report(std::vector<SignatureReport> signatures) const {
    ValidationReport out;
    out.validation_time = state_->validation_time;
    out.policy = state_->policy.name;
    out.offline = state_->session.offline();
    out.signatures = std::move(signatures);
    out.findings = state_->findings;
    for (const auto& attempt : state_->session.attempts()) out.fetches.push_back({attempt.method, attempt.url, attempt.succeeded, attempt.failure});
    return out;
}

ValidationReport validate_cms(std::span<const std::uint8_t> cms, const SignedContent& content, const ValidationOptions& options) {
    CmsValidator validator(options);
    return validator.report(validator.validate_signature(cms, content));
}

// ---- the shared steps, for the other formats (signature_process.h) -----------------------------------

namespace detail {

SharedValidation::SharedValidation(const ValidationOptions& options) : state_(std::make_unique<CmsValidator::State>(options)) {
    register_ecdsa_sha3_algorithms();
}

SharedValidation::~SharedValidation() = default;

const ValidationOptions& SharedValidation::options() const { return state_->options; }
const ValidationPolicy& SharedValidation::policy() const { return state_->policy; }
std::chrono::system_clock::time_point SharedValidation::validation_time() const { return state_->validation_time; }

ValidationReport SharedValidation::report(std::vector<SignatureReport> signatures) const {
    ValidationReport out;
    out.validation_time = state_->validation_time;
    out.policy = state_->policy.name;
    out.offline = state_->session.offline();
    out.signatures = std::move(signatures);
    out.findings = state_->findings;
    for (const auto& attempt : state_->session.attempts()) out.fetches.push_back({attempt.method, attempt.url, attempt.succeeded, attempt.failure});
    return out;
}

struct SignatureProcess::Impl {
    Run run;
    Verdict verdict;
};

SignatureProcess::SignatureProcess(SharedValidation& shared) : impl_(std::make_unique<Impl>(Impl{Run{*shared.state_, {}}, {}})) {}

SignatureProcess::~SignatureProcess() = default;

void SignatureProcess::add_signature_certificate(X509Ptr certificate) {
    impl_->run.pool.add_certificate(std::move(certificate), DataSource::signature);
}

void SignatureProcess::add_signature_crl(X509CrlPtr crl) {
    impl_->run.pool.crls.push_back({std::move(crl), DataSource::signature, {}});
}

void SignatureProcess::add_signature_ocsp(OcspBasicResponsePtr response) {
    impl_->run.pool.ocsp_responses.push_back({std::move(response), DataSource::signature, {}});
}

void SignatureProcess::add_supplied_data() {
    Run& run = impl_->run;
    for (auto& item : run.state.supplied.certificates) {
        X509_up_ref(item.certificate.get());
        run.pool.add_certificate(X509Ptr(item.certificate.get()), item.source, item.url);
    }
    for (auto& item : run.state.supplied.crls) {
        X509_CRL_up_ref(item.crl.get());
        run.pool.crls.push_back({X509CrlPtr(item.crl.get()), item.source, item.url});
    }
    for (auto& item : run.state.supplied.ocsp_responses)
        run.pool.ocsp_responses.push_back({OcspBasicResponsePtr(static_cast<OCSP_BASICRESP*>(
                                               ASN1_item_dup(ASN1_ITEM_rptr(OCSP_BASICRESP), item.response.get()))),
                                           item.source, item.url});
    ERR_clear_error();
}

const ValidationPool& SignatureProcess::pool() const { return impl_->run.pool; }

void SignatureProcess::raise(SubIndication sub) { impl_->verdict.raise(sub); }
void SignatureProcess::raise(MainIndication main, SubIndication sub) { impl_->verdict.raise(main, sub); }

void SignatureProcess::constrain(SignatureReport& report, ConstraintLevel level, SubIndication sub, Finding found) {
    ::sign::validate::constrain(report, impl_->verdict, level, sub, std::move(found));
}

TimestampReport SignatureProcess::validate_timestamp(std::span<const std::uint8_t> token, std::span<const std::uint8_t> covered,
                                                     SignatureReport& report, const char* type) {
    // The CAdES attribute's shape: the token as an ASN1_TYPE SEQUENCE.
    using Asn1StringPtr = std::unique_ptr<ASN1_STRING, OpenSslDeleter<ASN1_STRING_free>>;
    Asn1StringPtr sequence(ASN1_STRING_type_new(V_ASN1_SEQUENCE));
    if (!sequence || ASN1_STRING_set(sequence.get(), token.data(), static_cast<int>(token.size())) != 1)
        throw Error(ErrorKind::internal, "out_of_memory", "cannot hold the time-stamp token");
    ASN1_TYPE value{};
    value.type = V_ASN1_SEQUENCE;
    value.value.sequence = sequence.get();
    auto over_covered = [&](const EVP_MD* md) { return digest_of(md, covered); };
    return validate_timestamp_token(impl_->run, &value, over_covered, report, type);
}

SignatureReport SignatureProcess::accept_and_validate_path(X509* signer, const std::string& scheme,
                                                           std::chrono::system_clock::time_point best_time, bool proven,
                                                           SignatureReport report) {
    return ::sign::validate::accept_and_validate_path(impl_->run, signer, scheme, best_time, proven, report, impl_->verdict);
}

SignatureReport SignatureProcess::finish(SignatureReport report) const {
    if (impl_->verdict.value) {
        report.indication = impl_->verdict.value->first;
        report.sub_indication = impl_->verdict.value->second;
    } else {
        report.indication = MainIndication::total_passed;
    }
    if (!report.best_signature_time) report.best_signature_time = impl_->run.state.validation_time;
    return report;
}

SignerIdentity signer_identity(const X509* certificate) { return identity_of(certificate); }
std::string name_text_of(const X509_NAME* name) { return name_text(name); }
std::optional<std::chrono::system_clock::time_point> time_of_asn1(const ASN1_TIME* time) { return time_of(time); }
std::string policy_digest_name_of(const EVP_MD* md) { return policy_digest_name(md); }
Finding make_finding(Finding::Severity severity, std::string code, std::string vi, std::string en) {
    return finding(severity, std::move(code), std::move(vi), std::move(en));
}

}  // namespace detail

}  // namespace sign::validate
