// signd's TOML configuration file.
#include "app/signd_config.h"
#include "fuzz_input.h"
#include "sign/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    sign::fuzz::InputFile file(data, size, ".toml");
    sign::signd::SigndConfig config;
    try {
        sign::signd::apply_config_file(config, file.path().string());
    } catch (const sign::Error&) {
    }
    return 0;
}
