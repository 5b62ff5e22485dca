#pragma once
// The data folder (./var by default): configuration, the embedded SoftHSM2
// token, the PIN files, the certificate database, profiles and published
// certificates and CRLs. Everything signctl touches is found from here.

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "sign/audit/audit_log.h"
#include "sign/ca/ca_service.h"
#include "sign/certificate_profile.h"
#include "sign/hsm/token.h"
#include "sign/store/database.h"

namespace sign::data_folder {

/// The settings in <data>/signctl.toml.
struct Settings {
    std::string module = hsm::Module::default_path();
    std::string token_label = "city-ca";
    std::string pin_file = "secrets/user.pin";    ///< relative to the data folder unless absolute
    std::string softhsm_config;                   ///< set only for the embedded SoftHSM2 token
    std::string base_url = "http://127.0.0.1:8443";
    std::string digest = "sha256";
    std::string profiles = "profiles.toml";
    /// The database: an SQLite file (relative to the data folder unless absolute) or the
    /// postgresql:// URL of a server that several signd replicas share.
    std::string database = "sign.db";
};

/// What `signctl init` needs to know.
struct InitOptions {
    std::string token_label = "city-ca";
    std::string base_url = "http://127.0.0.1:8443";
    std::optional<std::string> module;    ///< an existing token in another module (a real HSM)
    std::optional<std::string> pin_file;  ///< its user PIN
};

class DataFolder {
public:
    /// `root` is the folder; nothing is opened until asked for.
    explicit DataFolder(std::string root, std::optional<std::string> pin_file_override = {});

    /// Creates the folder, the embedded SoftHSM2 token with random PINs (or records an existing
    /// token), the default profiles and the configuration. Refuses (conflict) when it exists.
    void init(const InitOptions& options);
    /// True when init() has run here.
    bool initialized() const;

    const std::string& root() const { return root_; }
    /// An absolute path inside the data folder.
    std::string path(const std::string& relative) const;
    const Settings& settings();
    /// Points the folder at another database (`database` in signctl.toml), for every program that
    /// opens the folder from now on; the old database is left as it was.
    void use_database(const std::string& location);

    /// The token, logged in (opened on first use).
    hsm::Token& token();
    /// The label of the token's PIN verifier key (an HMAC key; see pin_verifier_key()).
    static constexpr const char* pin_verifier_key_label = "pin-verifier";
    /// The secret key on the token under which PIN verifiers are made (sign.db keeps only HMACs
    /// of PINs under it). Made on the token on first need, under a lock file so that two
    /// processes on this host make one; `signctl init` and `signctl token check --fix` make it
    /// ahead. Thread-safe.
    const hsm::SecretKey& pin_verifier_key();
    /// Whether the token holds the PIN verifier key (looks without making it).
    bool has_pin_verifier_key();
    /// The configured PKCS#11 module, loaded without logging in: what only reads slots needs no PIN.
    hsm::Module module();
    /// The database: certificates and every durable store (opened on first use).
    store::Database& database();
    /// The certificate profiles in force.
    const ProfileCatalog& profiles();
    /// The CA workflows over the three above.
    ca::CaService& ca();

    /// The hash-chained audit log.
    audit::AuditLog& audit();

    /// Writes the CA certificates and chain to <data>/ca/ for relying parties.
    void publish_ca_certificates();

private:
    /// settings(), with the environment the PKCS#11 module reads set up first.
    const Settings& module_settings();
    void load_settings();
    /// Sets up the token part of init(); reports each path it is about to create to `create`.
    Settings create_token(const InitOptions& options, const std::function<void(const std::filesystem::path&)>& create);
    void write_settings(const Settings& settings);

    std::string root_;
    std::optional<std::string> pin_file_override_;
    std::optional<Settings> settings_;
    std::unique_ptr<hsm::Token> token_;
    std::unique_ptr<store::Database> database_;
    std::unique_ptr<ProfileCatalog> profiles_;
    std::unique_ptr<ca::CaService> ca_;
    std::unique_ptr<audit::AuditLog> audit_;
    std::mutex pin_key_mutex_;
    std::unique_ptr<hsm::SecretKey> pin_key_;
};

}  // namespace sign::data_folder
