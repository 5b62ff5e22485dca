#pragma once
// Where the parts of a DER CMS SignedData lie in its bytes, for what OpenSSL 3.0's CMS API does not
// reach: the OtherRevocationInfoFormat choices of `crls` (RFC 5940 OCSP responses), and the exact
// encodings an archive-time-stamp-v3 hashes (ETSI EN 319 122-1 5.5.2, 5.5.3). Every range points
// into the bytes it was read from. Internal.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <openssl/evp.h>

namespace sign::detail {

using DerRange = std::span<const std::uint8_t>;

/// id-ri-ocsp-response (RFC 5940), the OtherRevocationInfoFormat of an OCSPResponse.
inline constexpr const char* ocsp_response_format_oid = "1.3.6.1.5.5.7.16.2";

struct AttributeLayout {
    DerRange whole;                ///< the Attribute SEQUENCE
    DerRange type;                 ///< the attrType OBJECT IDENTIFIER, tag and length included
    std::vector<DerRange> values;  ///< each AttributeValue, tag and length included
};

struct SignerInfoLayout {
    DerRange whole;
    /// version, sid, digestAlgorithm, signedAttrs, signatureAlgorithm and signature, as one range:
    /// what the signer signed over and an archive time-stamp covers.
    DerRange signed_fields;
    DerRange signature_value;  ///< the signature OCTET STRING's content: which signer this is
    std::vector<AttributeLayout> unsigned_attributes;
};

struct SignedDataLayout {
    DerRange content_info_type;            ///< the ContentInfo's contentType (id-signedData)
    std::vector<DerRange> signed_data_fields;  ///< each field of the SignedData SEQUENCE, in order
    DerRange content_type;                 ///< encapContentInfo's eContentType, tag and length included
    std::optional<DerRange> certificates;  ///< the [0] field, when present
    std::optional<DerRange> crls;          ///< the [1] field, when present
    std::vector<DerRange> certificate_choices;  ///< each CertificateChoices of `certificates`
    std::vector<DerRange> revocation_choices;   ///< each RevocationInfoChoice of `crls`
    DerRange signer_infos;                 ///< the signerInfos SET
    std::vector<SignerInfoLayout> signers;
};

/// The layout of a ContentInfo holding a SignedData; nullopt when `der` is not that, in definite
/// lengths, with nothing after it.
std::optional<SignedDataLayout> read_signed_data_layout(std::span<const std::uint8_t> der);

/// The signer of `layout` whose signature value is `signature_value` (OpenSSL sorts the SET OF
/// SignerInfo when it encodes, so positions are not stable); null when none is.
const SignerInfoLayout* find_signer(const SignedDataLayout& layout, std::span<const std::uint8_t> signature_value);

/// One RevocationInfoChoice `choice` when it is an OtherRevocationInfoFormat: its format OID in
/// dotted form and its value's range; nullopt for a CRL or an unreadable choice.
struct OtherRevocationInfo {
    std::string format;
    DerRange value;
};
std::optional<OtherRevocationInfo> read_other_revocation_info(DerRange choice);

/// An OtherRevocationInfoFormat choice ([1] IMPLICIT SEQUENCE) carrying a DER OCSPResponse.
std::vector<std::uint8_t> ocsp_revocation_choice(std::span<const std::uint8_t> ocsp_response);

/// The ContentInfo `layout` was read from, with `extra` choices appended to the SignedData's crls field,
/// which is created when absent. Each item of `extra` is a whole RevocationInfoChoice.
std::vector<std::uint8_t> with_revocation_choices(const SignedDataLayout& layout,
                                                  const std::vector<std::vector<std::uint8_t>>& extra);

/// A DER TLV: `tag` (one identifier octet) around `content`.
std::vector<std::uint8_t> der_tlv(std::uint8_t tag, std::span<const std::uint8_t> content);

// ---- archive-time-stamp-v3 (EN 319 122-1 5.5.2, 5.5.3) ----------------------------------------

inline constexpr const char* archive_timestamp_v3_oid = "0.4.0.1733.2.4";
inline constexpr const char* ats_hash_index_v3_oid = "0.4.0.19122.1.5";

/// The ATSHashIndexV3 for signer `signer` of `layout`, hashed with `md` (SHA-256, the DEFAULT, is
/// left out): a hash of each certificate choice and each revocation choice of the SignedData, and
/// of each unsigned attribute value of the signer (attrType's encoding then the value's).
std::vector<std::uint8_t> ats_hash_index_v3(const SignedDataLayout& layout, const SignerInfoLayout& signer, const EVP_MD* md);

/// What the imprint of an archive-time-stamp-v3 is computed over: the eContentType's encoding, the
/// hash of the signed content (with the time-stamp's digest), the signer's signed fields, the
/// ATSHashIndexV3's encoding.
std::vector<std::uint8_t> archive_timestamp_input(const SignedDataLayout& layout, const SignerInfoLayout& signer,
                                                  std::span<const std::uint8_t> content_hash,
                                                  std::span<const std::uint8_t> hash_index);

/// How an ATSHashIndexV3 compares with what the signature holds now.
enum class HashIndexCheck {
    matches,     ///< every entry is the hash of an element present now
    unreadable,  ///< not an ATSHashIndexV3 in DER, or an unknown digest
    unmatched,   ///< an entry names an element that is not there (changed or removed since)
};
HashIndexCheck check_ats_hash_index_v3(std::span<const std::uint8_t> hash_index, const SignedDataLayout& layout,
                                       const SignerInfoLayout& signer);

}  // namespace sign::detail
