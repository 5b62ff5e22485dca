#pragma once
// signd's settings: built-in defaults, then the TOML config file
// (<data>/signd.toml unless --config names another), then command-line flags.
//
//   data = "/var/lib/city-sign"        # data folder
//   listen = "127.0.0.1"
//   port = 8443
//   threads = 2                        # I/O threads
//   workers = 16                       # handler threads
//   body_limit = 67108864              # bytes
//   header_limit = 16384               # bytes
//   max_concurrent = 64
//   header_timeout_ms = 10000
//   idle_timeout_ms = 30000
//   body_timeout_ms = 60000
//   shutdown_grace_ms = 30000
//   sad_lifetime_s = 300               # CSC SAD lifetime, 1 to 300 seconds
//   max_base64_document = 1048576      # largest document accepted as base64 in JSON, bytes
//   signature_request_expiry_s = 300   # default life of a mobile signature request, 30 to 86400
//   signature_request_max_expiry_s = 900  # the longest a client may ask for, 30 to 86400
//   signature_result_retention_h = 168    # how long signed results are kept, 1 to 8760 hours
//
//   audit_checkpoint_interval_s = 3600    # how often the audit chain's head is signed, 1 to 86400
//
//   [seals.agency-seal]                # per seal (its key label): how its PDF and CMS signatures are made
//   scheme = "rsa-pkcs1"               # rsa-pss (RSA's default), rsa-pkcs1 or ecdsa; XML takes rsa-pkcs1
//
//   [rate_limits]                      # 429 rate_limited with Retry-After (docs/signd.md)
//   enabled = true
//   max_tracked = 10000                # addresses and identities remembered per kind of attempt
//   client_authentication = { burst = 20, per_minute = 20 }   # failures per address and per client id
//   device_authentication = { burst = 20, per_minute = 20 }   # failures per address and per device id
//   activation_code = { burst = 5, per_minute = 5 }           # failed enrolments per address and per code
//   anonymous = { burst = 300, per_minute = 6000 }            # OCSP and TSA requests per address

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "sign/isolation/worker_process.h"
#include "sign/signature_scheme.h"

#include "app/rate_limit_settings.h"
#include "http/server.h"

namespace sign::signd {

struct SigndConfig {
    std::string data = "var";
    ServerOptions server;
    unsigned sad_lifetime_s = 300;
    std::size_t max_base64_document = 1u << 20;
    unsigned signature_request_expiry_s = 300;
    unsigned signature_request_max_expiry_s = 900;
    unsigned signature_result_retention_h = 168;
    /// Seal id (its key label) -> signature scheme, from [seals.<id>] scheme.
    std::map<std::string, SignatureScheme> seal_schemes;
    /// Bounds of the process that opens clients' PDFs and renders previews, from [document_worker].
    isolation::WorkerLimits document_worker;
    unsigned audit_checkpoint_interval_s = 3600;
    RateLimitSettings rate_limits;
};

/// Refuses a default request expiry above the maximum (invalid_input `invalid_config`, naming `origin`).
void check_request_expiry(const SigndConfig& config, const std::string& origin);

/// Overlays the keys of the TOML file at `path` onto `config`. Unknown keys and values of the
/// wrong type or range are refused (invalid_input `invalid_config`), so a typo fails at start.
void apply_config_file(SigndConfig& config, const std::string& path);

}  // namespace sign::signd
