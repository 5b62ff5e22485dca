#include "document_formats.h"

#include <dlfcn.h>

#include "sign/error.h"
#include "sign/install_paths.h"

namespace sign::signctl {

namespace {

constexpr const char* module_name = "signctl-documents.so";

const DocumentFormats& load() {
    // Beside the program in the build tree; under the prefix once installed.
    std::filesystem::path candidates[] = {install_paths::program_dir() / module_name,
                                          install_paths::under_prefix(SIGNCTL_MODULE_DIR) / module_name};
    std::string failures;
    for (const auto& candidate : candidates) {
        if (!std::filesystem::exists(candidate)) continue;
        // Never closed: the functions it hands out are used until the program ends.
        void* module = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (module == nullptr) {
            failures += std::string("; ") + dlerror();
            continue;
        }
        using Entry = const DocumentFormats* (*)();
        auto entry = reinterpret_cast<Entry>(dlsym(module, "signctl_document_formats"));
        if (entry == nullptr) {
            failures += "; " + candidate.string() + " has no signctl_document_formats";
            continue;
        }
        return *entry();
    }
    throw Error(ErrorKind::internal, "module_not_loadable",
                std::string("cannot load ") + module_name + ", which signctl needs for PDF, XML and QR codes: looked in " +
                    candidates[0].parent_path().string() + " and " + candidates[1].parent_path().string() + failures);
}

}  // namespace

const DocumentFormats& document_formats() {
    static const DocumentFormats& formats = load();
    return formats;
}

}  // namespace sign::signctl
