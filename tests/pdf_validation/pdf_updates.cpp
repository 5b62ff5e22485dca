#include "pdf_updates.h"

#include <boost/test/unit_test.hpp>

#include <cstdio>

#include <qpdf/QPDF.hh>

#include "command.h"
#include "pdf_fixtures.h"
#include "sign/clock.h"
#include "sign/pades.h"
#include "temp_dir.h"
#include "token_pki.h"

namespace sign::test {

namespace {

std::unique_ptr<QPDF> open(const std::filesystem::path& pdf) {
    auto q = std::make_unique<QPDF>();
    q->setSuppressWarnings(true);
    q->processFile(pdf.c_str());
    return q;
}

}  // namespace

int next_object_number(const std::filesystem::path& pdf) {
    return open(pdf)->getTrailer().getKey("/Size").getIntValueAsInt();
}

int field_object(const std::filesystem::path& pdf, const std::string& name) {
    auto q = open(pdf);
    auto fields = q->getRoot().getKey("/AcroForm").getKey("/Fields");
    for (int i = 0; i < fields.getArrayNItems(); ++i) {
        auto field = fields.getArrayItem(i);
        if (field.getKey("/T").isString() && field.getKey("/T").getUTF8Value() == name) return field.getObjectID();
    }
    BOOST_FAIL("no field " << name);
    return 0;
}

std::string object_body(const std::filesystem::path& pdf, int object) {
    return open(pdf)->getObject(object, 0).unparseResolved();
}

std::string with_entries(std::string dictionary, const std::string& entries) {
    auto end = dictionary.rfind(">>");
    BOOST_REQUIRE(end != std::string::npos);
    dictionary.insert(end, " " + entries + " ");
    return dictionary;
}

void append_update(const std::filesystem::path& input, const std::filesystem::path& output,
                   const std::map<int, std::string>& bodies, const std::string& trailer_entries) {
    auto q = open(input);
    auto trailer = q->getTrailer();
    int size = trailer.getKey("/Size").getIntValueAsInt();
    std::string bytes = read_file(input);
    std::uint64_t previous = startxref(bytes);
    if (bytes.back() != '\n') bytes += '\n';
    std::map<int, std::size_t> offsets;
    for (const auto& [id, body] : bodies) {
        offsets[id] = bytes.size();
        bytes += std::to_string(id) + " 0 obj\n" + body + "\nendobj\n";
        size = std::max(size, id + 1);
    }
    std::size_t xref = bytes.size();
    bytes += "xref\n";
    for (const auto& [id, offset] : offsets) {
        char entry[48];
        std::snprintf(entry, sizeof entry, "%d 1\n%010zu 00000 n\r\n", id, offset);
        bytes += entry;
    }
    bytes += "trailer\n<< /Size " + std::to_string(size) + " /Root " + trailer.getKey("/Root").unparse() + " /Prev " +
             std::to_string(previous) + " " + trailer_entries + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    write_file(output, bytes);
}

const ThrowawayKey& throwaway_key() {
    static TempDir folder("pdf-validation-key");
    static ThrowawayKey key = [] {
        ThrowawayKey k{folder / "key.pem", folder / "certificate.pem"};
        auto made = run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                                 "/CN=Certifying Office", "-days", "2", "-keyout", k.key.string(), "-out",
                                 k.certificate.string()});
        BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.output);
        return k;
    }();
    return key;
}

void sign_with_openssl(const std::filesystem::path& input, const std::filesystem::path& output, const std::string& field,
                       const std::string& reference, bool certify) {
    constexpr std::size_t contents_size = 8192;
    int signature = next_object_number(input);
    int field_id = field_object(input, field);
    std::string dictionary = "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 "
                             "0000000000 0000000000 0000000000] /Contents <" +
                             std::string(contents_size * 2, '0') + "> /M (D:20261207000000Z) /Reference [" + reference +
                             "] >>";
    std::map<int, std::string> bodies{{signature, dictionary},
                                      {field_id, with_entries(object_body(input, field_id),
                                                              "/V " + std::to_string(signature) + " 0 R")}};
    if (certify) {
        auto q = open(input);
        int catalog = q->getRoot().getObjectID();
        bodies[catalog] = with_entries(object_body(input, catalog), "/Perms << /DocMDP " + std::to_string(signature) + " 0 R >>");
    }
    append_update(input, output, bodies);

    std::string bytes = read_file(output);
    auto object_at = bytes.rfind("\n" + std::to_string(signature) + " 0 obj\n");
    BOOST_REQUIRE(object_at != std::string::npos);
    auto range_at = bytes.find("[0 0000000000", object_at) + 3;
    auto contents_at = bytes.find("/Contents <", object_at) + 10;
    std::size_t after = contents_at + contents_size * 2 + 2;
    char range[40];
    std::snprintf(range, sizeof range, "%010zu %010zu %010zu", contents_at, after, bytes.size() - after);
    bytes.replace(range_at, 32, range);
    TempDir work("pdf-validation-sign");
    write_file(work / "signed.bin", bytes.substr(0, contents_at) + bytes.substr(after));
    auto signed_cms = run_command({"openssl", "cms", "-sign", "-binary", "-md", "sha256", "-in", (work / "signed.bin").string(),
                                   "-signer", throwaway_key().certificate.string(), "-inkey", throwaway_key().key.string(),
                                   "-outform", "DER", "-out", (work / "cms.der").string()});
    BOOST_REQUIRE_MESSAGE(signed_cms.exit_code == 0, signed_cms.output);
    std::string cms = read_file(work / "cms.der");
    BOOST_REQUIRE(cms.size() <= contents_size);
    static const char* hex = "0123456789abcdef";
    for (std::size_t i = 0; i < cms.size(); ++i) {
        bytes[contents_at + 1 + 2 * i] = hex[static_cast<unsigned char>(cms[i]) >> 4];
        bytes[contents_at + 2 + 2 * i] = hex[static_cast<unsigned char>(cms[i]) & 15];
    }
    write_file(output, bytes);
}

void sign_as(const std::string& label, const std::filesystem::path& in, const std::filesystem::path& out,
             const std::string& field) {
    auto signer = TokenPki::shared().signer(label);
    SystemClock clock;
    PadesOptions options;
    options.field_name = field;
    options.reason = "Ký ban hành";
    options.location = "Đà Nẵng";
    sign_pades(in, out, signer, clock, options);
}

}  // namespace sign::test
