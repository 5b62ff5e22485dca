// Change analysis after a signature: the Decree 30 number and date fill is allowed form filling;
// text drawn into a page, a new page, a locked field changed, anything after a "no changes"
// certification is not, and names the objects. Certified documents are refused for signing.

#include <boost/test/unit_test.hpp>

#include <qpdf/QPDF.hh>

#include "command.h"
#include "pdf_fixtures.h"
#include "pdf_updates.h"
#include "sign/error.h"
#include "sign/pades.h"
#include "sign/validate/pdf_signatures.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign;
using namespace sign::test;
using namespace sign::validate;

namespace {

std::string describe(const PdfChangeAnalysis& analysis) {
    std::string text = to_string(analysis.verdict);
    for (const auto& c : analysis.changes)
        text += "\n  " + std::to_string(c.object) + " " + std::to_string(c.generation) + " " + c.path + " " + c.kind +
                (c.allowed ? " allowed: " : " DISALLOWED: ") + c.reason;
    return text;
}

const PdfChange* find_change(const PdfChangeAnalysis& analysis, const std::string& kind) {
    for (const auto& c : analysis.changes)
        if (c.kind == kind) return &c;
    return nullptr;
}

bool all_allowed(const PdfChangeAnalysis& analysis) {
    for (const auto& c : analysis.changes)
        if (!c.allowed) return false;
    return true;
}

// The first page's content stream object, as qpdf finds it.
int page_contents_object(const std::filesystem::path& pdf) {
    QPDF q;
    q.processFile(pdf.c_str());
    QPDFObjectHandle page = q.getAllPages().front();
    return page.getKey("/Contents").getObjectID();
}

const std::vector<std::pair<std::string, std::string>> kNumberAndDate{{"so_van_ban", "Số: 15/QĐ-UBND"},
                                                                       {"ngay_ban_hanh", "Đà Nẵng, ngày 07 tháng 12 năm 2026"}};

}  // namespace

BOOST_AUTO_TEST_SUITE(pdf_changes)

// Decree 30: the leader signs, then the clerk's office fills in the number and date.
BOOST_AUTO_TEST_CASE(number_and_date_fill_after_the_leader_is_allowed) {
    TempDir dir("pdf-validation");
    write_file(dir / "plain.pdf", minimal_pdf({.text_fields = true}));
    qpdf_convert(dir / "plain.pdf", dir / "streams.pdf", {"--object-streams=generate"});
    for (std::string input : {"plain", "streams"}) {
        BOOST_TEST_CONTEXT(input) {
            auto leader = dir / (input + "-leader.pdf"), filled = dir / (input + "-filled.pdf");
            sign_as("leader", dir / (input + ".pdf"), leader, "lanh_dao");
            fill_form_fields(leader, filled, kNumberAndDate);
            auto result = inspect_pdf_signatures(filled);
            BOOST_REQUIRE_EQUAL(result.signatures.size(), 1u);
            const auto& analysis = result.signatures.front().changes;
            BOOST_TEST(analysis.verdict == ChangeVerdict::allowed_changes_only, describe(analysis));
            BOOST_TEST(all_allowed(analysis), describe(analysis));
            auto fill = find_change(analysis, "form_fill");
            BOOST_REQUIRE_MESSAGE(fill, describe(analysis));
            BOOST_TEST(fill->object == field_object(filled, "so_van_ban"));
            BOOST_TEST(fill->reason.find("so_van_ban") != std::string::npos);
            // Then the seal: the leader's signature still sees only allowed changes.
            sign_as("agency-seal", filled, dir / (input + "-sealed.pdf"), "con_dau");
            auto sealed = inspect_pdf_signatures(dir / (input + "-sealed.pdf"));
            BOOST_REQUIRE_EQUAL(sealed.signatures.size(), 2u);
            BOOST_TEST(sealed.signatures[0].changes.verdict == ChangeVerdict::allowed_changes_only,
                       describe(sealed.signatures[0].changes));
            BOOST_TEST(sealed.signatures[1].changes.verdict == ChangeVerdict::unchanged);
            require_valid_signatures(dir / (input + "-sealed.pdf"), 2);
        }
    }
}

// The same number written into the page's content stream instead: what the leader signed
// is not what the page shows any more.
BOOST_AUTO_TEST_CASE(text_drawn_into_the_page_after_signing_is_disallowed) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf({.text_fields = true}));
    sign_as("leader", dir / "in.pdf", dir / "signed.pdf", "lanh_dao");
    int contents = page_contents_object(dir / "signed.pdf");
    std::string drawn = "BT /F1 12 Tf 72 700 Td (So: 15/QD-UBND) Tj ET";
    append_update(dir / "signed.pdf", dir / "drawn.pdf",
                  {{contents, "<< /Length " + std::to_string(drawn.size()) + " >>\nstream\n" + drawn + "\nendstream"}});
    BOOST_TEST(qpdf_check(dir / "drawn.pdf").exit_code == 0);

    auto result = inspect_pdf_signatures(dir / "drawn.pdf");
    BOOST_REQUIRE_EQUAL(result.signatures.size(), 1u);
    const auto& s = result.signatures.front();
    BOOST_TEST(s.byte_range_valid);
    BOOST_TEST(!s.covers_whole_file);
    BOOST_TEST(s.changes.verdict == ChangeVerdict::disallowed_changes, describe(s.changes));
    BOOST_REQUIRE_EQUAL(s.changes.changes.size(), 1u);
    const auto& change = s.changes.changes.front();
    BOOST_TEST(change.object == contents);
    BOOST_TEST(change.generation == 0);
    BOOST_TEST(change.path == "/Root/Pages/Kids[0]/Contents");
    BOOST_TEST(change.kind == "page_content");
    BOOST_TEST(!change.allowed);
    // pdfsig checks the bytes only: valid, but not the whole document.
    auto seen = pdfsig(dir / "drawn.pdf");
    BOOST_TEST(seen.front().valid);
    BOOST_TEST(!seen.front().total_document);
}

BOOST_AUTO_TEST_CASE(a_new_page_is_disallowed) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf());
    sign_as("leader", dir / "in.pdf", dir / "signed.pdf");
    QPDF q;
    q.processFile((dir / "signed.pdf").c_str());
    auto pages = q.getRoot().getKey("/Pages");
    QPDFObjectHandle first = q.getAllPages().front();
    int first_page = first.getObjectID();
    int page = next_object_number(dir / "signed.pdf"), content = page + 1;
    std::string drawn = "BT /F1 12 Tf 72 700 Td (Added) Tj ET";
    append_update(dir / "signed.pdf", dir / "added.pdf",
                  {{pages.getObjectID(), "<< /Type /Pages /Kids [" + std::to_string(first_page) + " 0 R " +
                                             std::to_string(page) + " 0 R] /Count 2 >>"},
                   {page, "<< /Type /Page /Parent " + std::to_string(pages.getObjectID()) +
                              " 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents " + std::to_string(content) +
                              " 0 R >>"},
                   {content, "<< /Length " + std::to_string(drawn.size()) + " >>\nstream\n" + drawn + "\nendstream"}});
    BOOST_TEST(qpdf_check(dir / "added.pdf").exit_code == 0);
    auto s = inspect_pdf_signatures(dir / "added.pdf").signatures.front();
    BOOST_TEST(s.changes.verdict == ChangeVerdict::disallowed_changes, describe(s.changes));
    auto tree = find_change(s.changes, "page_tree");
    BOOST_REQUIRE_MESSAGE(tree, describe(s.changes));
    BOOST_TEST(tree->object == pages.getObjectID());
    BOOST_TEST(tree->path == "/Root/Pages");
    auto added = find_change(s.changes, "page_added");
    BOOST_REQUIRE_MESSAGE(added, describe(s.changes));
    BOOST_TEST(added->object == page);
    BOOST_TEST(added->path == "/Root/Pages/Kids[1]");
}

// DocMDP P 1: nothing may follow. Signing and filling are refused; a change made anyway is
// disallowed with the certification as the reason.
BOOST_AUTO_TEST_CASE(certified_without_changes_refuses_signing_and_disallows_changes) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf({.text_fields = true, .signature_field = true}));
    sign_with_openssl(dir / "in.pdf", dir / "certified.pdf", "chu_ky_lanh_dao",
                      "<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >>",
                      true);
    BOOST_TEST(qpdf_check(dir / "certified.pdf").exit_code == 0);
    BOOST_TEST(pdfsig(dir / "certified.pdf").front().valid);

    auto result = inspect_pdf_signatures(dir / "certified.pdf");
    BOOST_REQUIRE(result.certification.has_value());
    BOOST_TEST((*result.certification == DocMdpPermission::no_changes));
    BOOST_REQUIRE_EQUAL(result.signatures.size(), 1u);
    BOOST_TEST(result.signatures.front().certification.has_value());
    BOOST_TEST(result.signatures.front().sub_filter == "adbe.pkcs7.detached");
    BOOST_TEST(result.signatures.front().changes.verdict == ChangeVerdict::unchanged);
    BOOST_TEST((certification_permission(dir / "certified.pdf") == DocMdpPermission::no_changes));

    auto signer = TokenPki::shared().signer("agency-seal");
    SystemClock clock;
    try {
        sign_pades(dir / "certified.pdf", dir / "sealed.pdf", signer, clock, {});
        BOOST_FAIL("a document certified with no changes was signed");
    } catch (const Error& e) {
        BOOST_TEST((e.kind() == ErrorKind::policy));
        BOOST_TEST(e.code() == "document_certified_no_changes");
    }
    BOOST_TEST(!std::filesystem::exists(dir / "sealed.pdf"));
    try {
        prepare_pades(dir / "certified.pdf", dir / "prepared.pdf", signer, clock, {});
        BOOST_FAIL("a document certified with no changes was prepared for signing");
    } catch (const Error& e) {
        BOOST_TEST(e.code() == "document_certified_no_changes");
    }
    BOOST_TEST(!std::filesystem::exists(dir / "prepared.pdf"));
    try {
        fill_form_fields(dir / "certified.pdf", dir / "filled.pdf", kNumberAndDate);
        BOOST_FAIL("a document certified with no changes was filled in");
    } catch (const Error& e) {
        BOOST_TEST(e.code() == "document_certified_no_changes");
    }

    // A fill written by another tool is still a change the certification forbids.
    int field = field_object(dir / "certified.pdf", "so_van_ban");
    append_update(dir / "certified.pdf", dir / "changed.pdf",
                  {{field, with_entries(object_body(dir / "certified.pdf", field), "/V (15/QD-UBND)")}});
    auto changed = inspect_pdf_signatures(dir / "changed.pdf").signatures.front().changes;
    BOOST_TEST(changed.verdict == ChangeVerdict::disallowed_changes, describe(changed));
    auto fill = find_change(changed, "form_fill");
    BOOST_REQUIRE_MESSAGE(fill, describe(changed));
    BOOST_TEST(!fill->allowed);
    BOOST_TEST(fill->path == "/Root/AcroForm/Fields[0]/V");
    BOOST_TEST(fill->reason.find("certification") != std::string::npos);
}

// DocMDP P 2: filling in and signing are allowed; drawing on the page is not.
BOOST_AUTO_TEST_CASE(certified_for_form_filling_allows_fill_and_signature) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf({.text_fields = true, .signature_field = true}));
    sign_with_openssl(dir / "in.pdf", dir / "certified.pdf", "chu_ky_lanh_dao",
                      "<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 2 /V /1.2 >> >>",
                      true);
    fill_form_fields(dir / "certified.pdf", dir / "filled.pdf", kNumberAndDate);
    sign_as("agency-seal", dir / "filled.pdf", dir / "sealed.pdf", "con_dau");
    auto result = inspect_pdf_signatures(dir / "sealed.pdf");
    BOOST_REQUIRE(result.certification.has_value());
    BOOST_TEST((*result.certification == DocMdpPermission::form_filling));
    BOOST_REQUIRE_EQUAL(result.signatures.size(), 2u);
    const auto& certification = result.signatures[0].changes;
    BOOST_TEST(certification.verdict == ChangeVerdict::allowed_changes_only, describe(certification));
    BOOST_TEST(find_change(certification, "form_fill") != nullptr);
    BOOST_TEST(find_change(certification, "signature_added") != nullptr);
    BOOST_TEST((certification.permission == DocMdpPermission::form_filling));

    int contents = page_contents_object(dir / "sealed.pdf");
    std::string drawn = "BT /F1 12 Tf 72 700 Td (x) Tj ET";
    append_update(dir / "sealed.pdf", dir / "drawn.pdf",
                  {{contents, "<< /Length " + std::to_string(drawn.size()) + " >>\nstream\n" + drawn + "\nendstream"}});
    auto drawn_result = inspect_pdf_signatures(dir / "drawn.pdf");
    for (const auto& s : drawn_result.signatures) {
        BOOST_TEST(s.changes.verdict == ChangeVerdict::disallowed_changes, describe(s.changes));
        auto page = find_change(s.changes, "page_content");
        BOOST_REQUIRE(page);
        BOOST_TEST(page->object == contents);
    }
}

// A FieldMDP lock on the number: filling the date stays allowed, the number does not.
BOOST_AUTO_TEST_CASE(field_locked_by_fieldmdp_must_not_change) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf({.text_fields = true, .signature_field = true}));
    sign_with_openssl(dir / "in.pdf", dir / "locked.pdf", "chu_ky_lanh_dao",
                      "<< /Type /SigRef /TransformMethod /FieldMDP /TransformParams << /Type /TransformParams "
                      "/Action /Include /Fields [(so_van_ban)] /V /1.2 >> >>",
                      false);
    auto locked = inspect_pdf_signatures(dir / "locked.pdf");
    BOOST_REQUIRE_EQUAL(locked.signatures.size(), 1u);
    BOOST_REQUIRE(locked.signatures.front().field_lock.has_value());
    BOOST_TEST((locked.signatures.front().field_lock->action == FieldLock::Action::include));
    BOOST_TEST(locked.signatures.front().field_lock->locks("so_van_ban"));
    BOOST_TEST(!locked.signatures.front().field_lock->locks("ngay_ban_hanh"));

    fill_form_fields(dir / "locked.pdf", dir / "date.pdf", {kNumberAndDate[1]});
    auto date = inspect_pdf_signatures(dir / "date.pdf").signatures.front().changes;
    BOOST_TEST(date.verdict == ChangeVerdict::allowed_changes_only, describe(date));

    fill_form_fields(dir / "locked.pdf", dir / "number.pdf", {kNumberAndDate[0]});
    auto number = inspect_pdf_signatures(dir / "number.pdf").signatures.front().changes;
    BOOST_TEST(number.verdict == ChangeVerdict::disallowed_changes, describe(number));
    auto change = find_change(number, "locked_field_changed");
    BOOST_REQUIRE_MESSAGE(change, describe(number));
    BOOST_TEST(change->object == field_object(dir / "number.pdf", "so_van_ban"));
    BOOST_TEST(change->reason.find("so_van_ban") != std::string::npos);
}


// Validation data and metadata may follow any signature, a "no changes" certification included
// (ISO 32000-2 12.8.2.2.2 does not count a document security store as a change).
BOOST_AUTO_TEST_CASE(dss_and_metadata_updates_are_allowed_even_after_no_changes_certification) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf({.signature_field = true}));
    sign_with_openssl(dir / "in.pdf", dir / "certified.pdf", "chu_ky_lanh_dao",
                      "<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >>",
                      true);
    auto der = run_command({"openssl", "x509", "-in", throwaway_key().certificate.string(), "-outform", "DER", "-out",
                            (dir / "cert.der").string()});
    BOOST_REQUIRE(der.exit_code == 0);
    std::string certificate = read_file(dir / "cert.der");
    QPDF q;
    q.processFile((dir / "certified.pdf").c_str());
    int catalog = q.getRoot().getObjectID();
    int dss = next_object_number(dir / "certified.pdf"), cert = dss + 1, info = dss + 2;
    append_update(dir / "certified.pdf", dir / "ltv.pdf",
                  {{catalog, with_entries(object_body(dir / "certified.pdf", catalog), "/DSS " + std::to_string(dss) + " 0 R")},
                   {dss, "<< /Certs [" + std::to_string(cert) + " 0 R] >>"},
                   {cert, "<< /Length " + std::to_string(certificate.size()) + " >>\nstream\n" + certificate + "\nendstream"},
                   {info, "<< /Producer (city-sign) >>"}},
                  "/Info " + std::to_string(info) + " 0 R");
    BOOST_TEST(qpdf_check(dir / "ltv.pdf").exit_code == 0);
    auto analysis = inspect_pdf_signatures(dir / "ltv.pdf").signatures.front().changes;
    BOOST_TEST(analysis.verdict == ChangeVerdict::allowed_changes_only, describe(analysis));
    auto added = find_change(analysis, "dss");
    BOOST_REQUIRE_MESSAGE(added, describe(analysis));
    BOOST_TEST(find_change(analysis, "metadata") != nullptr, describe(analysis));
}

// A comment (a /Text annotation) on the page: allowed on a document that is not certified, or
// certified with P 3; not with P 2.
BOOST_AUTO_TEST_CASE(annotations_follow_the_certification_level) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf({.signature_field = true}));
    struct Case {
        std::string name;
        std::string reference;  // empty: an approval signature, no certification
        bool allowed;
    };
    for (const Case& c : {Case{"not certified", "", true},
                          Case{"P 2", "<< /TransformMethod /DocMDP /TransformParams << /P 2 >> >>", false},
                          Case{"P 3", "<< /TransformMethod /DocMDP /TransformParams << /P 3 >> >>", true}}) {
        BOOST_TEST_CONTEXT(c.name) {
            sign_with_openssl(dir / "in.pdf", dir / "signed.pdf", "chu_ky_lanh_dao", c.reference, !c.reference.empty());
            QPDF q;
            q.processFile((dir / "signed.pdf").c_str());
            QPDFObjectHandle page = q.getAllPages().front();
            int note = next_object_number(dir / "signed.pdf");
            std::string page_body = page.unparseResolved();
            auto annots = page_body.find("/Annots [");
            BOOST_REQUIRE(annots != std::string::npos);
            page_body.insert(annots + 9, std::to_string(note) + " 0 R ");
            append_update(dir / "signed.pdf", dir / "noted.pdf",
                          {{page.getObjectID(), page_body},
                           {note, "<< /Type /Annot /Subtype /Text /Rect [100 100 120 120] /Contents (Xem lai) >>"}});
            BOOST_TEST(qpdf_check(dir / "noted.pdf").exit_code == 0);
            auto analysis = inspect_pdf_signatures(dir / "noted.pdf").signatures.front().changes;
            BOOST_TEST((analysis.verdict == (c.allowed ? ChangeVerdict::allowed_changes_only
                                                      : ChangeVerdict::disallowed_changes)),
                       describe(analysis));
            auto added = find_change(analysis, "annotation_added");
            BOOST_REQUIRE_MESSAGE(added, describe(analysis));
            BOOST_TEST(added->object == note);
            BOOST_TEST(added->path == "/Root/Pages/Kids[0]/Annots[0]");
        }
    }
}

// A later revision that drops the signed field from the form and the page: the signature is still
// found in the revision it signed, and its removal is a disallowed change.
BOOST_AUTO_TEST_CASE(a_signature_dropped_from_the_form_is_still_found_and_its_removal_named) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf());
    sign_as("leader", dir / "in.pdf", dir / "signed.pdf", "lanh_dao");
    QPDF q;
    q.processFile((dir / "signed.pdf").c_str());
    auto acroform = q.getRoot().getKey("/AcroForm");
    BOOST_REQUIRE(acroform.isIndirect());
    QPDFObjectHandle page = q.getAllPages().front();
    int field = field_object(dir / "signed.pdf", "lanh_dao");
    append_update(dir / "signed.pdf", dir / "dropped.pdf",
                  {{acroform.getObjectID(), "<< /Fields [] >>"},
                   {page.getObjectID(), "<< /Type /Page /Parent " + page.getKey("/Parent").unparse() +
                                            " /MediaBox [0 0 595 842] /Contents " + page.getKey("/Contents").unparse() +
                                            " /Resources " + page.getKey("/Resources").unparse() + " >>"}});
    BOOST_TEST(qpdf_check(dir / "dropped.pdf").exit_code == 0);
    auto result = inspect_pdf_signatures(dir / "dropped.pdf");
    BOOST_REQUIRE_EQUAL(result.signatures.size(), 1u);
    const auto& s = result.signatures.front();
    BOOST_TEST(s.field_name == "lanh_dao");
    BOOST_TEST(s.revision == 1);
    BOOST_TEST(s.byte_range_valid);
    BOOST_TEST(s.changes.verdict == ChangeVerdict::disallowed_changes, describe(s.changes));
    auto removed = find_change(s.changes, "field_removed");
    BOOST_REQUIRE_MESSAGE(removed, describe(s.changes));
    BOOST_TEST(removed->object == field);
    // pdfsig only sees the final form: no signature at all.
    BOOST_TEST(pdfsig(dir / "dropped.pdf").empty());
}

BOOST_AUTO_TEST_SUITE_END()
