#pragma once
// The ETSI baseline levels a signature is made at, shared by CAdES, PAdES and XAdES.

namespace sign {

enum class SignatureLevel { b_b, b_t };

}  // namespace sign
