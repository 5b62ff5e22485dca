#pragma once
// A PIN held in memory only as long as needed and overwritten when released,
// so it does not linger in freed heap blocks or core dumps.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sign::hsm {

/// A move-only secret string that is wiped (OPENSSL_cleanse) when destroyed.
class Pin {
public:
    Pin() = default;
    /// Copies `text` into wiped-on-release storage; the caller should wipe its own copy.
    explicit Pin(std::string_view text);
    /// Takes the PIN from a string and wipes that string.
    static Pin take(std::string& text);
    /// Reads a PIN from the first line of a file (the file itself is left alone).
    static Pin from_file(const std::string& path);

    ~Pin();
    Pin(Pin&& other) noexcept;
    Pin& operator=(Pin&& other) noexcept;
    Pin(const Pin&) = delete;
    Pin& operator=(const Pin&) = delete;

    /// A NUL-terminated view for the PKCS#11 call; valid while this Pin lives.
    const char* c_str() const { return data_ ? data_.get() : ""; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    /// A separate copy, for the rare holder that must keep it (re-login after a token reset).
    Pin clone() const { return Pin(std::string_view(c_str(), size_)); }

private:
    void wipe() noexcept;
    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
};

}  // namespace sign::hsm
