#include "sign/random_id.h"

#include <openssl/rand.h>

#include <cstdint>
#include <vector>

#include "sign/base64.h"
#include "sign/error.h"

namespace sign {

std::string random_id() {
    std::vector<std::uint8_t> bytes(16);
    std::string id;
    do {
        if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
            throw Error(ErrorKind::internal, "random_failed", "the system random generator failed");
        id = encode_base64url(bytes);
    } while (id.front() == '-');
    return id;
}

}  // namespace sign
