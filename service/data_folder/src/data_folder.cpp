#include "sign/data_folder/data_folder.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <toml++/toml.h>

#include "sign/atomic_file.h"
#include "sign/data_folder/default_profiles.h"
#include "sign/data_folder/hidden_input.h"
#include "sign/error.h"
#include "sign/messages.h"

namespace sign::data_folder {

namespace fs = std::filesystem;

namespace {

constexpr const char* config_name = "signctl.toml";

// A PIN of 16 digits: entropy enough for a file-held secret, and accepted by every token.
std::string random_pin() {
    std::string pin;
    while (pin.size() < 16) {
        unsigned char byte;
        RAND_bytes(&byte, 1);
        if (byte < 250) pin += static_cast<char>('0' + byte % 10);
    }
    return pin;
}

hsm::Pin prompt_pin(const std::string& token_label) {
    if (!isatty(STDIN_FILENO))
        throw Error(ErrorKind::authentication, "pin_required",
                    "the PIN of token '" + token_label + "' is needed: give --pin-file or set pin_file in signctl.toml");
    std::string line = read_hidden_line(i18n::format(i18n::tr("PIN for token '{}': "), {token_label}));
    return hsm::Pin::take(line);
}

}  // namespace

DataFolder::DataFolder(std::string root, std::optional<std::string> pin_file_override)
    : root_(fs::absolute(root).lexically_normal().string()), pin_file_override_(std::move(pin_file_override)) {}

std::string DataFolder::path(const std::string& relative) const {
    fs::path candidate(relative);
    return candidate.is_absolute() ? candidate.string() : (fs::path(root_) / candidate).string();
}

bool DataFolder::initialized() const { return fs::exists(path(config_name)); }

void DataFolder::init(const InitOptions& options) {
    if (initialized())
        throw Error(ErrorKind::conflict, "already_initialized", "the data folder " + root_ + " is already initialised");
    // What this call creates is removed again if it fails, so that a second attempt starts clean.
    std::vector<fs::path> created;
    auto create = [&](const fs::path& where) {
        if (!fs::exists(where)) created.push_back(where);
    };
    try {
        create(root_);
        create(path("secrets"));
        fs::create_directories(path("secrets"));
        fs::permissions(path("secrets"), fs::perms::owner_all, fs::perm_options::replace);
        Settings settings = create_token(options, create);
        create(path(settings.profiles));
        if (!fs::exists(path(settings.profiles))) write_file_atomically(path(settings.profiles), default_profiles_toml);
        write_settings(settings);
        settings_ = settings;
        pin_verifier_key();
    } catch (...) {
        std::error_code ignored;
        for (auto it = created.rbegin(); it != created.rend(); ++it) fs::remove_all(*it, ignored);
        throw;
    }
}

Settings DataFolder::create_token(const InitOptions& options, const std::function<void(const fs::path&)>& create) {
    Settings settings;
    settings.token_label = options.token_label;
    settings.base_url = options.base_url;
    if (options.module) {
        // An existing token (a real HSM): it is initialised with the vendor's tools, not here.
        if (!options.pin_file)
            throw Error(ErrorKind::invalid_input, "pin_file_required", "--token-pin-file is needed with --module");
        settings.module = *options.module;
        settings.pin_file = fs::absolute(*options.pin_file).string();
        hsm::Token(settings.module, settings.token_label, hsm::Pin::from_file(settings.pin_file));  // checks PIN and label
        return settings;
    }
    settings.softhsm_config = "softhsm2.conf";
    for (const char* created : {"tokens", "softhsm2.conf", "secrets/so.pin", "secrets/user.pin"}) create(path(created));
    fs::create_directories(path("tokens"));
    write_file_atomically(path(settings.softhsm_config),
                          "# The embedded default token; a real HSM needs no file like this.\n"
                          "directories.tokendir = " + path("tokens") + "\n"
                          "objectstore.backend = file\nlog.level = ERROR\n");
    std::string so_pin = random_pin();
    std::string user_pin = random_pin();
    write_file_atomically(path("secrets/so.pin"), so_pin + "\n", 0600);
    write_file_atomically(path(settings.pin_file), user_pin + "\n", 0600);
    setenv("SOFTHSM2_CONF", path(settings.softhsm_config).c_str(), 1);
    hsm::Module(settings.module).initialize_token(settings.token_label, hsm::Pin::take(so_pin), hsm::Pin::take(user_pin));
    return settings;
}

void DataFolder::write_settings(const Settings& settings) {
    toml::table token{{"module", settings.module}, {"label", settings.token_label}, {"pin_file", settings.pin_file}};
    if (!settings.softhsm_config.empty()) token.insert("softhsm_config", settings.softhsm_config);
    toml::table config{
        {"token", token},
        {"ca", toml::table{{"base_url", settings.base_url}, {"digest", settings.digest}, {"profiles", settings.profiles}}},
    };
    if (settings.database != Settings{}.database) config.insert("database", settings.database);
    std::ostringstream text;
    text << "# signctl configuration, written by `signctl init`. Paths are relative to this folder.\n" << config << "\n";
    // Written last: its presence means the folder is complete.
    write_file_atomically(path(config_name), text.str());
}

void DataFolder::load_settings() {
    if (!initialized())
        throw Error(ErrorKind::not_found, "not_initialized",
                    "no data folder at " + root_ + ": run `signctl init` first (or pass --data DIR)");
    toml::table config;
    try {
        config = toml::parse_file(path(config_name));
    } catch (const toml::parse_error& error) {
        throw Error(ErrorKind::invalid_input, "invalid_config", path(config_name) + ": " + std::string(error.description()));
    }
    Settings settings;
    settings.module = config["token"]["module"].value_or(settings.module);
    settings.token_label = config["token"]["label"].value_or(settings.token_label);
    settings.pin_file = config["token"]["pin_file"].value_or(settings.pin_file);
    settings.softhsm_config = config["token"]["softhsm_config"].value_or(std::string());
    settings.base_url = config["ca"]["base_url"].value_or(settings.base_url);
    settings.digest = config["ca"]["digest"].value_or(settings.digest);
    settings.profiles = config["ca"]["profiles"].value_or(settings.profiles);
    settings.database = config["database"].value_or(settings.database);
    settings_ = settings;
}

void DataFolder::use_database(const std::string& location) {
    Settings changed = settings();
    changed.database = location;
    database_.reset();
    write_settings(changed);
    settings_ = changed;
}

const Settings& DataFolder::settings() {
    if (!settings_) load_settings();
    return *settings_;
}

const Settings& DataFolder::module_settings() {
    const Settings& s = settings();
    // SoftHSM2 reads its token folder from this variable when the module loads.
    if (!s.softhsm_config.empty()) setenv("SOFTHSM2_CONF", path(s.softhsm_config).c_str(), 1);
    return s;
}

hsm::Module DataFolder::module() {
    if (token_) return token_->module();
    return hsm::Module(module_settings().module);
}

hsm::Token& DataFolder::token() {
    if (!token_) {
        const Settings& s = module_settings();
        std::string pin_file = pin_file_override_ ? *pin_file_override_ : (s.pin_file.empty() ? "" : path(s.pin_file));
        hsm::Pin pin = pin_file.empty() ? prompt_pin(s.token_label) : hsm::Pin::from_file(pin_file);
        token_ = std::make_unique<hsm::Token>(s.module, s.token_label, std::move(pin));
    }
    return *token_;
}

const hsm::SecretKey& DataFolder::pin_verifier_key() {
    std::lock_guard lock(pin_key_mutex_);
    if (pin_key_) return *pin_key_;
    hsm::Token& on = token();
    auto found = on.secret_key(pin_verifier_key_label);
    if (!found) {
        // Another signctl or signd of this folder may be making it right now: one of them does.
        std::string lock_path = path(".pin-verifier-key.lock");
        int descriptor = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (descriptor < 0 || ::flock(descriptor, LOCK_EX) != 0) {
            if (descriptor >= 0) ::close(descriptor);
            throw Error(ErrorKind::internal, "lock_failed", "cannot lock " + lock_path);
        }
        try {
            found = on.secret_key(pin_verifier_key_label);
            if (!found) found = on.generate_secret_key(pin_verifier_key_label);
        } catch (...) {
            ::close(descriptor);
            throw;
        }
        ::close(descriptor);
    }
    pin_key_ = std::make_unique<hsm::SecretKey>(*found);
    return *pin_key_;
}

bool DataFolder::has_pin_verifier_key() {
    std::lock_guard lock(pin_key_mutex_);
    return pin_key_ || token().secret_key(pin_verifier_key_label).has_value();
}

store::Database& DataFolder::database() {
    if (!database_) {
        const std::string& location = settings().database;
        database_ = std::make_unique<store::Database>(store::is_postgresql(location) ? location : path(location),
                                                      [this]() -> const MacKey& { return pin_verifier_key(); });
    }
    return *database_;
}

const ProfileCatalog& DataFolder::profiles() {
    if (!profiles_) profiles_ = std::make_unique<ProfileCatalog>(ProfileCatalog::load(path(settings().profiles)));
    return *profiles_;
}

ca::CaService& DataFolder::ca() {
    if (!ca_) {
        ca::PublicationUrls urls;
        urls.base_url = settings().base_url;
        ca_ = std::make_unique<ca::CaService>([this]() -> hsm::Token& { return token(); }, database().certificates(),
                                              [this]() -> const ProfileCatalog& { return profiles(); }, urls,
                                              settings().digest);
    }
    return *ca_;
}

audit::AuditLog& DataFolder::audit() {
    if (!audit_) audit_ = std::make_unique<audit::AuditLog>(database().write_queue());
    return *audit_;
}

void DataFolder::publish_ca_certificates() {
    fs::create_directories(path("ca"));
    auto root = ca().root();
    auto issuing = ca().issuing_ca();
    write_file_atomically(path("ca/root-ca.pem"), root.pem);
    write_file_atomically(path("ca/issuing-ca.pem"), issuing.pem);
    write_file_atomically(path("ca/chain.pem"), ca().chain_pem());
}

}  // namespace sign::data_folder
