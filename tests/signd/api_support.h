#pragma once
// What the API suites share: HTTPS calls with cpprestsdk's http_client
// trusting only the test root, the API clients each suite signs in as (added
// once per program with signctl, keys kept in memory), the audit log as
// `signctl --json audit list` shows it, and pdfsig with the test root trusted.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command.h"
#include "minimal_pdf.h"
#include "signd_process.h"

namespace sign::test {

struct Reply {
    int status = 0;
    std::string content_type;  ///< media type without parameters
    std::map<std::string, std::string> headers;  ///< names lower-cased
    std::string body;

    nlohmann::json json() const;
};

/// One HTTPS request to the server with cpprestsdk, verifying its certificate against the test root.
Reply https(const SigndServer& server, const std::string& method, const std::string& path_and_query,
            const std::map<std::string, std::string>& headers = {}, const std::string& body = {},
            const std::string& content_type = {});

/// "Authorization: Bearer <credential>".
std::map<std::string, std::string> bearer(const std::string& credential);

/// API keys of the clients the tests use, added on first use:
///   dms       seal agency-seal, signers leader-rsa and citizen-ec
///   portal    seal agency-seal only
///   verifier  verify-only
///   outsider  signer leader-rsa only, no seal
/// and the signers leader-rsa (RSA leader certificate) and citizen-ec (P-256 citizen
/// certificate), both with PIN "1234".
struct ApiClients {
    std::string dms, portal, verifier, outsider;
};
const ApiClients& api_clients(const SigndServer& server);

/// Adds a client and returns its API key; `extra` are further `signctl client add` flags.
std::string add_client(const SigndServer& server, const std::string& id, const std::vector<std::string>& extra);
/// Adds a signer on the certificate of `label` (certs/<label>.pem) with this PIN.
void add_signer(const SigndServer& server, const std::string& id, const std::string& label, const std::string& pin);

/// `signctl --json audit list --after <sequence>`.
std::vector<nlohmann::json> audit_after(const SigndServer& server, int64_t sequence);
/// The newest audit record's sequence (0 when the log is empty).
int64_t last_audit_sequence(const SigndServer& server);
/// True when some record after `sequence` has this action and result (and subject, when given).
bool audited(const std::vector<nlohmann::json>& records, const std::string& action, const std::string& result,
             const std::optional<std::string>& subject = {});

/// pdfsig with the server's root trusted; requires `count` signatures, each valid and trusted,
/// and a clean `qpdf --check`. `document_timestamps` more (B-LTA's) must be there too, in fields
/// named Timestamp<n>: poppler 22.12 does not validate ETSI.RFC3161 time-stamps, so only seen.
void require_valid_pdf(const SigndServer& server, const std::string& pdf, std::size_t count,
                       std::size_t document_timestamps = 0);

/// Hex SHA-256 of bytes.
std::string sha256_hex(const std::string& bytes);

}  // namespace sign::test
