#pragma once
// What `signd-worker` writes on stdout: one line of JSON, then the payload.
//   {"ok":true,"bytes":N}\n<N bytes>
//   {"ok":false,"kind":"invalid_input","code":"not_a_pdf","message":"..."}\n

#include <string>

#include "sign/error.h"

namespace sign::isolation {

/// ErrorKind as the protocol spells it, and back (unknown spellings: internal).
std::string kind_name(ErrorKind kind);
ErrorKind kind_from_name(const std::string& name);

}  // namespace sign::isolation
