#include "sign/hsm/pin.h"

#include <cstring>
#include <fstream>

#include <openssl/crypto.h>

#include "sign/error.h"

namespace sign::hsm {

Pin::Pin(std::string_view text) : data_(new char[text.size() + 1]), size_(text.size()) {
    std::memcpy(data_.get(), text.data(), text.size());
    data_[text.size()] = '\0';
}

Pin Pin::take(std::string& text) {
    Pin pin(text);
    OPENSSL_cleanse(text.data(), text.size());
    text.clear();
    return pin;
}

Pin Pin::from_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw sign::Error(ErrorKind::invalid_input, "pin_file_unreadable", "cannot read the PIN file " + path);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return take(line);
}

Pin::~Pin() { wipe(); }

Pin::Pin(Pin&& other) noexcept : data_(std::move(other.data_)), size_(other.size_) { other.size_ = 0; }

Pin& Pin::operator=(Pin&& other) noexcept {
    if (this != &other) {
        wipe();
        data_ = std::move(other.data_);
        size_ = other.size_;
        other.size_ = 0;
    }
    return *this;
}

void Pin::wipe() noexcept {
    if (data_) OPENSSL_cleanse(data_.get(), size_ + 1);
    data_.reset();
    size_ = 0;
}

}  // namespace sign::hsm
