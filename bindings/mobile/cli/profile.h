#pragma once
// The device profile: a folder with device.json {server, ca, deviceId, signer},
// the server's root certificate (ca.pem) and the device key (device-key.pem, 0600).

#include <string>

#include <nlohmann/json.hpp>

namespace signmobile::cli {

struct Profile {
    std::string dir;
    std::string server;
    std::string ca_file;    ///< absolute path
    std::string device_id;
    nlohmann::json signer;  ///< {"id": ..., "name": ...} as enrolment answered

    std::string key_file() const { return dir + "/device-key.pem"; }
    static std::string device_file(const std::string& dir) { return dir + "/device.json"; }
};

/// The profile folder: --profile, else $SIGNMOBILE_PROFILE, else ~/.config/signmobile.
std::string default_profile_dir();

/// Reads device.json; throws CliError (invalid input) naming what is missing.
Profile load_profile(const std::string& dir);

/// Writes device.json atomically (temporary file, sync, rename), mode 0600.
void save_profile(const Profile& profile);

/// Writes `bytes` to `path` atomically with `mode`.
void write_file_atomically(const std::string& path, const std::string& bytes, unsigned mode);

}  // namespace signmobile::cli
