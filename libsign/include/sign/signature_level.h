#pragma once
// The ETSI baseline levels a signature is made at, shared by CAdES, PAdES and XAdES.
// B-LT and B-LTA are B-T plus what is added around the signature: for PAdES the /DSS and a
// document time-stamp (sign/pades_long_term.h), for CAdES and XAdES the validation data and an
// archive time-stamp inside the signature (sign/cades_long_term.h, sign/xades_long_term.h).

#include <optional>
#include <string_view>

namespace sign {

enum class SignatureLevel { b_b, b_t, b_lt, b_lta };

/// True for B-T and above: the signature carries a signature time-stamp.
constexpr bool has_signature_timestamp(SignatureLevel level) { return level != SignatureLevel::b_b; }

/// "b-b", "b-t", "b-lt", "b-lta".
constexpr const char* to_string(SignatureLevel level) {
    switch (level) {
        case SignatureLevel::b_b: return "b-b";
        case SignatureLevel::b_t: return "b-t";
        case SignatureLevel::b_lt: return "b-lt";
        case SignatureLevel::b_lta: return "b-lta";
    }
    return "b-b";
}

/// The level to_string() names `text`; nullopt for anything else.
inline std::optional<SignatureLevel> signature_level_named(std::string_view text) {
    for (auto level : {SignatureLevel::b_b, SignatureLevel::b_t, SignatureLevel::b_lt, SignatureLevel::b_lta})
        if (text == to_string(level)) return level;
    return std::nullopt;
}

}  // namespace sign
