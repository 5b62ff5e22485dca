#include "sign/openssl_ptr.h"

#include <openssl/err.h>

namespace sign {

std::string drain_openssl_errors() {
    std::string text;
    while (unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.empty()) text += "; ";
        text += buffer;
    }
    return text.empty() ? "no further detail from OpenSSL" : text;
}

}  // namespace sign
