#pragma once
// The certificate profiles shipped with the project (config/profiles.toml),
// built into signctl so that `signctl init` works wherever the binary is.

namespace sign::data_folder {

extern const char* const default_profiles_toml;

}  // namespace sign::data_folder
