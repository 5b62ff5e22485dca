#include "sign/xades.h"

// Why the references and SignedInfo are built here with libxml2's C14N and OpenSSL digests rather
// than by xmlsec's xmlSecDSigCtxSign: xmlsec 1.2 runs the whole signature in one call (references,
// SignedInfo, then the private key through its own xmlSecKey), with no point at which it hands
// out the SignedInfo digest and takes a signature value made elsewhere. Our key must stay behind
// sign::SigningKey (a token, or a phone-approved remote signature), so we do the hash-split
// ourselves: the same exclusive C14N (libxml2's xmlC14NExecute, which xmlsec uses underneath) and
// the same XML-DSig structure, and the tests check every signature with `xmlsec1 --verify`.

#include <algorithm>
#include <array>
#include <cctype>

#include <libxml/tree.h>
#include <openssl/ec.h>
#include <openssl/x509.h>

#include "sign/base64.h"
#include "sign/error.h"
#include "sign/hex.h"
#include "sign/key_policy.h"
#include "sign/signer_checks.h"
#include "sign/utc_time.h"
#include "sign/xades_long_term.h"
#include "xml_document.h"

namespace sign {

namespace {

constexpr const char* ds_ns = "http://www.w3.org/2000/09/xmldsig#";
constexpr const char* xades_ns = "http://uri.etsi.org/01903/v1.3.2#";
constexpr const char* exc_c14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
constexpr const char* enveloped_transform = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
constexpr const char* signed_properties_type = "http://uri.etsi.org/01903#SignedProperties";
constexpr std::string_view state_magic = "city-sign-xades/1\n";

const xmlChar* to_xml(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

// What XML-DSig calls the digest and the signature method, for a policy-checked digest.
struct Algorithms {
    const EVP_MD* digest;
    std::string digest_name;    // "sha256": what PreparedSignature and TimestampSource take
    std::string digest_uri;
    std::string signature_uri;
};

Algorithms algorithms_for(SignatureScheme scheme, std::string_view digest_name) {
    const EVP_MD* digest = check_digest(digest_name);
    if (scheme == SignatureScheme::rsa_pss)
        throw Error(ErrorKind::invalid_input, "unsupported_scheme_for_format",
                    "XAdES signatures are made with rsa-pkcs1 or ecdsa: XML-DSig verifiers in use (xmlsec1 1.2) "
                    "cannot check RSA-PSS");
    const char* bits = nullptr;
    std::string digest_uri;
    switch (EVP_MD_get_type(digest)) {
    case NID_sha256: bits = "256"; digest_uri = "http://www.w3.org/2001/04/xmlenc#sha256"; break;
    case NID_sha384: bits = "384"; digest_uri = "http://www.w3.org/2001/04/xmldsig-more#sha384"; break;
    case NID_sha512: bits = "512"; digest_uri = "http://www.w3.org/2001/04/xmlenc#sha512"; break;
    default:
        throw Error(ErrorKind::invalid_input, "unsupported_digest_for_format",
                    "XAdES signatures use sha256, sha384 or sha512, not " + std::string(digest_name));
    }
    std::string method = scheme == SignatureScheme::ecdsa ? "ecdsa-sha" : "rsa-sha";
    return {digest, std::string("sha") + bits, digest_uri, "http://www.w3.org/2001/04/xmldsig-more#" + method + bits};
}

std::vector<uint8_t> hash(const EVP_MD* digest, std::string_view data) {
    std::vector<uint8_t> out(static_cast<size_t>(EVP_MD_get_size(digest)));
    unsigned length = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &length, digest, nullptr) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "hashing failed: " + drain_openssl_errors());
    return out;
}

std::string_view as_text(std::span<const uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::vector<uint8_t> unbase64(std::string_view text) {
    auto bytes = decode_base64(text, {.ignore_whitespace = true});
    if (!bytes) throw Error(ErrorKind::invalid_input, "invalid_base64", "malformed base64 in the signature");
    return std::move(*bytes);
}

// DER tag-length-value with definite length.
std::vector<uint8_t> der(uint8_t tag, std::span<const uint8_t> content) {
    std::vector<uint8_t> out{tag};
    size_t length = content.size();
    if (length < 0x80) {
        out.push_back(static_cast<uint8_t>(length));
    } else {
        std::vector<uint8_t> digits;
        for (; length > 0; length >>= 8) digits.insert(digits.begin(), static_cast<uint8_t>(length & 0xff));
        out.push_back(static_cast<uint8_t>(0x80 | digits.size()));
        out.insert(out.end(), digits.begin(), digits.end());
    }
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

template <typename T, typename Encoder>
std::vector<uint8_t> i2d(const T* object, Encoder encoder) {
    int length = encoder(object, nullptr);
    if (length <= 0) throw Error(ErrorKind::internal, "openssl_failure", "DER encoding failed: " + drain_openssl_errors());
    std::vector<uint8_t> out(static_cast<size_t>(length));
    unsigned char* cursor = out.data();
    encoder(object, &cursor);
    return out;
}

// RFC 5035 IssuerSerial { issuer GeneralNames (one directoryName), serialNumber }, DER: the
// content of xades:IssuerSerialV2.
std::vector<uint8_t> issuer_serial_v2(const Certificate& certificate) {
    auto name = i2d(X509_get_issuer_name(certificate.native()),
                    [](const X509_NAME* n, unsigned char** out) { return i2d_X509_NAME(n, out); });
    auto serial = i2d(X509_get0_serialNumber(certificate.native()),
                      [](const ASN1_INTEGER* i, unsigned char** out) { return i2d_ASN1_INTEGER(i, out); });
    auto general_names = der(0x30, der(0xa4, name));  // SEQUENCE OF GeneralName, directoryName [4] EXPLICIT
    general_names.insert(general_names.end(), serial.begin(), serial.end());
    return der(0x30, general_names);
}

bool valid_id(std::string_view id) {
    if (id.empty() || !(std::isalpha(static_cast<unsigned char>(id[0])) || id[0] == '_')) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

// An RFC 3986 URI reference that names a document, not a fragment of this one: file names with
// spaces or diacritics must come percent-encoded ("%C4%91%C6%A1n.pdf"), as verifiers decode them.
bool valid_detached_uri(std::string_view uri) {
    if (uri.empty() || uri.front() == '#') return false;
    static constexpr std::string_view allowed = "-._~:/?#[]@!$&'()*+,;=";
    for (size_t i = 0; i < uri.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(uri[i]);
        if (c == '%') {
            if (i + 2 >= uri.size() || !std::isxdigit(static_cast<unsigned char>(uri[i + 1])) ||
                !std::isxdigit(static_cast<unsigned char>(uri[i + 2])))
                return false;
            i += 2;
        } else if (c >= 0x80 || !(std::isalnum(c) || allowed.find(static_cast<char>(c)) != std::string_view::npos)) {
            return false;
        }
    }
    return true;
}

xmlNode* append(xmlNode* parent, xmlNs* ns, const char* name, std::string_view text = {}) {
    return xml::append_element(parent, ns, name, text);
}

xmlNode* append_with_algorithm(xmlNode* parent, xmlNs* ns, const char* name, std::string_view algorithm) {
    xmlNode* element = append(parent, ns, name);
    xml::set_attribute(element, "Algorithm", algorithm);
    return element;
}

void set_text(xmlNode* element, std::string_view text) {
    std::string copy(text);
    xmlNodeAddContent(element, to_xml(copy.c_str()));
}

// The state between prepare and finalize: a header of fields, one per line, then the document
// with the unsigned ds:Signature in place.
struct State {
    SignatureLevel level;
    SignatureScheme scheme;
    std::string digest_name;
    std::string signature_id;
    std::string document;

    std::vector<uint8_t> encode() const {
        std::string text(state_magic);
        text += (level == SignatureLevel::b_t ? "b-t" : "b-b");
        text += '\n' + to_string(scheme) + '\n' + digest_name + '\n' + signature_id + '\n' + document;
        return {text.begin(), text.end()};
    }

    static State decode(std::span<const uint8_t> bytes) {
        std::string_view text = as_text(bytes);
        auto invalid = [] {
            return Error(ErrorKind::invalid_input, "invalid_prepared_state", "the prepared XAdES state is damaged or not one");
        };
        if (!text.starts_with(state_magic)) throw invalid();
        text.remove_prefix(state_magic.size());
        std::array<std::string, 4> fields;
        for (auto& field : fields) {
            size_t end = text.find('\n');
            if (end == std::string_view::npos) throw invalid();
            field = text.substr(0, end);
            text.remove_prefix(end + 1);
        }
        if (fields[0] != "b-b" && fields[0] != "b-t") throw invalid();
        return {fields[0] == "b-t" ? SignatureLevel::b_t : SignatureLevel::b_b, parse_signature_scheme(fields[1]),
                fields[2], fields[3], std::string(text)};
    }
};

// XML-DSig carries ECDSA as r||s, each as long as the curve order; sign_digest gives DER.
std::vector<uint8_t> ecdsa_der_to_raw(std::span<const uint8_t> der_signature, EVP_PKEY* key) {
    const unsigned char* cursor = der_signature.data();
    ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_signature.size()));
    std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG_free>> signature(parsed);
    if (!signature || cursor != der_signature.data() + der_signature.size())
        throw Error(ErrorKind::invalid_input, "signature_value_mismatch", "the ECDSA signature value is not DER (r, s)");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(signature.get(), &r, &s);
    int size = (EVP_PKEY_get_bits(key) + 7) / 8;
    std::vector<uint8_t> raw(static_cast<size_t>(2 * size));
    if (BN_bn2binpad(r, raw.data(), size) != size || BN_bn2binpad(s, raw.data() + size, size) != size)
        throw Error(ErrorKind::invalid_input, "signature_value_mismatch", "the ECDSA signature value does not fit the curve");
    return raw;
}

bool signature_verifies(EVP_PKEY* key, SignatureScheme scheme, const EVP_MD* digest, std::span<const uint8_t> hashed,
                        std::span<const uint8_t> signature) {
    EvpPkeyCtxPtr context(EVP_PKEY_CTX_new(key, nullptr));
    if (!context || EVP_PKEY_verify_init(context.get()) <= 0 || EVP_PKEY_CTX_set_signature_md(context.get(), digest) <= 0)
        throw Error(ErrorKind::internal, "openssl_failure", "cannot set up verification: " + drain_openssl_errors());
    configure_padding(context.get(), scheme, digest);
    bool ok = EVP_PKEY_verify(context.get(), signature.data(), signature.size(), hashed.data(), hashed.size()) == 1;
    drain_openssl_errors();
    return ok;
}

}  // namespace

PreparedSignature prepare_xades(const Signer& signer, std::span<const uint8_t> document, const XadesOptions& options,
                                std::chrono::system_clock::time_point signing_time) {
    // The hash-split makes B-B or B-T; B-LT and B-LTA are added around the result (extend_xades()).
    if (options.level != SignatureLevel::b_b && options.level != SignatureLevel::b_t)
        throw Error(ErrorKind::invalid_input, "unsupported_signature_level",
                    std::string("a prepared XAdES signature is made at b-b or b-t, then extended, not made at ") + to_string(options.level));
    signing_time = std::chrono::time_point_cast<std::chrono::seconds>(signing_time);
    check_signer(signer, options.registry, signing_time);
    Algorithms algorithms = algorithms_for(signer.scheme, signer.digest);
    const bool enveloped = options.packaging == XadesPackaging::enveloped;

    xml::XmlDocPtr doc;
    if (enveloped) {
        doc = xml::parse(document, "the document");
        // Its enveloped-signature transform removes only its own ds:Signature, so an earlier one
        // would lose a valid signature the moment we add ours. Further signers sign detached.
        if (xml::find_element(doc.get(), ds_ns, "Signature") != nullptr)
            throw Error(ErrorKind::invalid_input, "document_already_signed",
                        "the document already carries an XML signature, which a second enveloped signature would "
                        "invalidate; sign it with a detached signature instead");
    } else {
        if (options.detached_uri.empty())
            throw Error(ErrorKind::invalid_input, "detached_uri_required",
                        "a detached XAdES signature needs the URI (file name) of the signed file");
        if (!valid_detached_uri(options.detached_uri))
            throw Error(ErrorKind::invalid_input, "invalid_detached_uri",
                        "'" + options.detached_uri + "' is not a URI naming the signed file: percent-encode spaces and "
                        "non-ASCII letters (RFC 3986), and do not start it with '#'");
        doc.reset(xmlNewDoc(to_xml("1.0")));
        if (!doc) throw Error(ErrorKind::internal, "out_of_memory", "cannot create an XML document");
    }

    std::string id = options.signature_id;
    if (id.empty()) {
        std::string seed(as_text(document));
        seed += format_utc(signing_time) + signer.certificate.fingerprint_sha256() + options.detached_uri;
        id = "xades-" + to_hex(hash(EVP_sha256(), seed)).substr(0, 16);
    }
    if (!valid_id(id))
        throw Error(ErrorKind::invalid_input, "invalid_signature_id",
                    "'" + id + "' cannot be an XML Id: use letters, digits, '_', '-', '.', starting with a letter");
    const std::string signed_properties_id = id + "-signedprops";
    const std::string reference_id = id + "-ref-0";
    for (const std::string& taken : {id, signed_properties_id, reference_id, id + "-value", id + "-ts"})
        if (xml::id_in_use(doc.get(), taken))
            throw Error(ErrorKind::invalid_input, "signature_id_in_use", "the document already has an element with Id '" + taken + "'");

    xmlNode* signature = xmlNewDocNode(doc.get(), nullptr, to_xml("Signature"), nullptr);
    if (enveloped)
        xmlAddChild(xmlDocGetRootElement(doc.get()), signature);
    else
        xmlDocSetRootElement(doc.get(), signature);
    xmlNs* ds = xmlNewNs(signature, to_xml(ds_ns), to_xml("ds"));
    xmlSetNs(signature, ds);
    xml::set_attribute(signature, "Id", id);

    xmlNode* signed_info = append(signature, ds, "SignedInfo");
    append_with_algorithm(signed_info, ds, "CanonicalizationMethod", exc_c14n);
    append_with_algorithm(signed_info, ds, "SignatureMethod", algorithms.signature_uri);

    xmlNode* content_reference = append(signed_info, ds, "Reference");
    xml::set_attribute(content_reference, "Id", reference_id);
    xml::set_attribute(content_reference, "URI", enveloped ? "" : options.detached_uri);
    if (enveloped) {
        xmlNode* transforms = append(content_reference, ds, "Transforms");
        append_with_algorithm(transforms, ds, "Transform", enveloped_transform);
        append_with_algorithm(transforms, ds, "Transform", exc_c14n);
    }
    append_with_algorithm(content_reference, ds, "DigestMethod", algorithms.digest_uri);
    xmlNode* content_digest = append(content_reference, ds, "DigestValue");

    xmlNode* properties_reference = append(signed_info, ds, "Reference");
    xml::set_attribute(properties_reference, "Type", signed_properties_type);
    xml::set_attribute(properties_reference, "URI", "#" + signed_properties_id);
    append_with_algorithm(append(properties_reference, ds, "Transforms"), ds, "Transform", exc_c14n);
    append_with_algorithm(properties_reference, ds, "DigestMethod", algorithms.digest_uri);
    xmlNode* properties_digest = append(properties_reference, ds, "DigestValue");

    xml::set_attribute(append(signature, ds, "SignatureValue"), "Id", id + "-value");

    xmlNode* x509_data = append(append(signature, ds, "KeyInfo"), ds, "X509Data");
    append(x509_data, ds, "X509Certificate", encode_base64(signer.certificate.to_der()));
    for (const Certificate& certificate : signer.chain) append(x509_data, ds, "X509Certificate", encode_base64(certificate.to_der()));

    xmlNode* qualifying = append(append(signature, ds, "Object"), nullptr, "QualifyingProperties");
    xmlNs* xades = xmlNewNs(qualifying, to_xml(xades_ns), to_xml("xades"));
    xmlSetNs(qualifying, xades);
    xml::set_attribute(qualifying, "Target", "#" + id);
    xmlNode* signed_properties = append(qualifying, xades, "SignedProperties");
    xml::set_attribute(signed_properties, "Id", signed_properties_id);
    xmlNode* signature_properties = append(signed_properties, xades, "SignedSignatureProperties");
    append(signature_properties, xades, "SigningTime", format_utc(signing_time));
    xmlNode* cert = append(append(signature_properties, xades, "SigningCertificateV2"), xades, "Cert");
    xmlNode* cert_digest = append(cert, xades, "CertDigest");
    append_with_algorithm(cert_digest, ds, "DigestMethod", algorithms.digest_uri);
    auto certificate_der = signer.certificate.to_der();
    append(cert_digest, ds, "DigestValue", encode_base64(hash(algorithms.digest, as_text(certificate_der))));
    append(cert, xades, "IssuerSerialV2", encode_base64(issuer_serial_v2(signer.certificate)));
    xmlNode* data_format = append(append(signed_properties, xades, "SignedDataObjectProperties"), xades, "DataObjectFormat");
    xml::set_attribute(data_format, "ObjectReference", "#" + reference_id);
    std::string mime_type = !options.mime_type.empty() ? options.mime_type : enveloped ? "text/xml" : "application/octet-stream";
    append(data_format, xades, "MimeType", mime_type);

    // The content reference first (enveloped: the whole document minus this signature), then the
    // signed properties, then SignedInfo over both.
    set_text(content_digest, encode_base64(hash(algorithms.digest, enveloped ? xml::exclusive_c14n(doc.get(), nullptr, signature)
                                                                       : std::string(as_text(document)))));
    set_text(properties_digest, encode_base64(hash(algorithms.digest, xml::exclusive_c14n(doc.get(), signed_properties))));

    PreparedSignature prepared;
    prepared.digest = hash(algorithms.digest, xml::exclusive_c14n(doc.get(), signed_info));
    prepared.digest_name = algorithms.digest_name;
    prepared.scheme = signer.scheme;
    prepared.state = State{options.level, signer.scheme, algorithms.digest_name, id, xml::serialize(doc.get())}.encode();
    return prepared;
}

PreparedSignature prepare_xades(const Signer& signer, std::span<const uint8_t> document, const XadesOptions& options,
                                const Clock& clock) {
    return prepare_xades(signer, document, options, clock.now());
}

std::vector<uint8_t> finalize_xades(const PreparedSignature& prepared, std::span<const uint8_t> signature_value,
                                    TimestampSource* timestamps) {
    State state = State::decode(prepared.state);
    if (state.level == SignatureLevel::b_t && timestamps == nullptr)
        throw Error(ErrorKind::invalid_input, "timestamp_source_required", "a XAdES B-T signature needs a time-stamp source");
    Algorithms algorithms = algorithms_for(state.scheme, state.digest_name);
    auto damaged = [](const std::string& what) {
        return Error(ErrorKind::invalid_input, "invalid_prepared_state", "the prepared XAdES state is damaged: " + what);
    };

    xml::XmlDocPtr doc = xml::parse({reinterpret_cast<const uint8_t*>(state.document.data()), state.document.size()},
                                    "the prepared XAdES state");
    xmlNode* signature = xml::find_element_by_id(doc.get(), ds_ns, "Signature", state.signature_id);
    if (signature == nullptr) throw damaged("no ds:Signature with Id " + state.signature_id);
    xmlNode* signed_info = xml::child_element(signature, ds_ns, "SignedInfo");
    xmlNode* value = xml::child_element(signature, ds_ns, "SignatureValue");
    xmlNode* key_info = xml::child_element(signature, ds_ns, "KeyInfo");
    xmlNode* x509_data = key_info ? xml::child_element(key_info, ds_ns, "X509Data") : nullptr;
    xmlNode* certificate_element = x509_data ? xml::child_element(x509_data, ds_ns, "X509Certificate") : nullptr;
    xmlNode* object = xml::child_element(signature, ds_ns, "Object");
    xmlNode* qualifying = object ? xml::child_element(object, xades_ns, "QualifyingProperties") : nullptr;
    if (!signed_info || !value || !certificate_element || !qualifying) throw damaged("an element of ds:Signature is missing");
    if (!xml::text_of(value).empty()) throw damaged("it is already signed");

    std::vector<uint8_t> signed_info_digest = hash(algorithms.digest, xml::exclusive_c14n(doc.get(), signed_info));
    if (signed_info_digest != prepared.digest) throw damaged("its SignedInfo does not match the digest to sign");

    // A value made for another document or by another key would give a signature that never
    // verifies; refuse it here rather than hand out a broken document.
    Certificate certificate = Certificate::from_der(unbase64(xml::text_of(certificate_element)));
    EvpPkeyPtr public_key = certificate.public_key();
    if (!signature_verifies(public_key.get(), state.scheme, algorithms.digest, signed_info_digest, signature_value))
        throw Error(ErrorKind::invalid_input, "signature_value_mismatch",
                    "the signature value does not verify over this signature's SignedInfo with the signer's certificate");
    set_text(value, encode_base64(state.scheme == SignatureScheme::ecdsa ? ecdsa_der_to_raw(signature_value, public_key.get())
                                                                   : std::vector<uint8_t>(signature_value.begin(), signature_value.end())));

    if (state.level == SignatureLevel::b_t) {
        auto imprint = hash(algorithms.digest, xml::exclusive_c14n(doc.get(), value));
        std::vector<uint8_t> token = timestamps->timestamp(algorithms.digest_name, imprint);
        xmlNs* ds = xmlSearchNsByHref(doc.get(), signature, to_xml(ds_ns));
        xmlNs* xades = xmlSearchNsByHref(doc.get(), qualifying, to_xml(xades_ns));
        xmlNode* time_stamp = append(append(append(qualifying, xades, "UnsignedProperties"), xades, "UnsignedSignatureProperties"),
                                     xades, "SignatureTimeStamp");
        xml::set_attribute(time_stamp, "Id", state.signature_id + "-ts");
        append_with_algorithm(time_stamp, ds, "CanonicalizationMethod", exc_c14n);
        append(time_stamp, xades, "EncapsulatedTimeStamp", encode_base64(token));
    }

    std::string output = xml::serialize(doc.get());
    return {output.begin(), output.end()};
}

std::vector<uint8_t> sign_xades(const Signer& signer, std::span<const uint8_t> document, const XadesOptions& options,
                                const Clock& clock, TimestampSource* timestamps) {
    if (has_signature_timestamp(options.level) && timestamps == nullptr)
        throw Error(ErrorKind::invalid_input, "timestamp_source_required",
                    std::string("a XAdES ") + to_string(options.level) + " signature needs a time-stamp source");
    if (options.level == SignatureLevel::b_lt || options.level == SignatureLevel::b_lta) {
        if (!options.validation_sources)
            throw Error(ErrorKind::invalid_input, "validation_sources_missing", "a B-LT or B-LTA signature needs sources of validation data");
        // Circular 15: the signer's status is checked before the key signs.
        require_signer_in_good_standing(signer, *options.validation_sources);
        XadesOptions b_t = options;
        b_t.level = SignatureLevel::b_t;
        std::vector<uint8_t> signed_b_t = sign_xades(signer, document, b_t, clock, timestamps);
        return extend_xades(signed_b_t,
                            options.packaging == XadesPackaging::detached ? validate::SignedContent::detached(document)
                                                                          : validate::SignedContent::attached(),
                            options.level, *options.validation_sources, timestamps);
    }
    PreparedSignature prepared = prepare_xades(signer, document, options, clock);
    std::vector<uint8_t> value = sign_digest(signer.key, prepared.scheme, prepared.digest_name, prepared.digest);
    return finalize_xades(prepared, value, timestamps);
}

}  // namespace sign
