#pragma once
// A fresh directory under the system temp folder, removed with everything in it
// when the test that made it ends.

#include <filesystem>
#include <string>

namespace sign::test {

class TempDir {
public:
    /// Creates a new, empty directory whose name starts with `prefix`.
    explicit TempDir(const std::string& prefix = "sign-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    /// `path() / name`, for brevity in tests.
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

}  // namespace sign::test
