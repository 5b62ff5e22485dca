// Runs a libFuzzer harness over files, as an ordinary program: each argument is a file or a
// folder of files (its seed corpus, its crash regressions). Built with g++ into the normal
// suite, so every harness and every input that once crashed are re-checked on each run.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // A copy of exactly the input's size, so reading past the end shows under a sanitizer.
    std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(input.empty() ? nullptr : input.data(), input.size());
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t inputs = 0;
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path path(argv[i]);
        if (!std::filesystem::exists(path)) continue;  // a harness may have no regressions yet
        if (std::filesystem::is_directory(path)) {
            std::vector<std::filesystem::path> files;
            for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
                if (entry.is_regular_file() && entry.path().filename() != "README.md") files.push_back(entry.path());
            std::sort(files.begin(), files.end());
            for (const auto& file : files) {
                run_file(file);
                ++inputs;
            }
        } else {
            run_file(path);
            ++inputs;
        }
    }
    std::cout << "replayed " << inputs << " inputs\n";
    // An empty corpus would make the test pass without checking anything.
    return inputs > 0 ? 0 : 1;
}
