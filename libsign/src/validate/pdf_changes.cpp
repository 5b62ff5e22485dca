// Change analysis between a signed revision and the final file, reject-by-default: every object
// whose xref entry differs is compared with its signed version, and each difference must be
// explained by a rule (form filling, signing, document security store, metadata, annotations as
// the certification permits); whatever no rule explains is disallowed and named.

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>

#include <qpdf/QPDFAcroFormDocumentHelper.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>

#include "pdf_inspection.h"
#include "sign/error.h"

namespace sign::validate::detail {

namespace {

std::string id_text(QPDFObjGen id) { return std::to_string(id.getObj()) + " " + std::to_string(id.getGen()); }

// Keys that point back up a tree; following them would name objects by a detour.
bool back_pointer(const std::string& key) { return key == "/Parent" || key == "/P"; }

struct FieldInfo {
    std::string name;
    std::string type;  // /Tx, /Sig, /Btn, /Ch
    int flags = 0;
    QPDFObjGen field;
    bool widget = false;
};

// Where each object sits in one revision: its path and its roles.
struct DocumentMap {
    std::map<QPDFObjGen, std::string> paths;
    QPDFObjGen catalog, info, metadata, acroform, fields_array, dss;
    std::set<QPDFObjGen> pages, page_tree, annots_arrays, annotations, widgets, drawn, dss_objects, form_resources,
        signatures;
    std::map<QPDFObjGen, QPDFObjGen> appearance_owner;  // appearance object -> its annotation
    std::map<QPDFObjGen, FieldInfo> fields;             // field or widget -> its field
    std::map<QPDFObjGen, std::string> annotation_subtype;
};

class Budget {
public:
    explicit Budget(std::size_t limit) : left_(limit) {}
    void spend() {
        if (left_ == 0)
            throw Error(ErrorKind::invalid_input, "pdf_too_many_objects", "the PDF has more objects than the analysis reads");
        --left_;
    }

private:
    std::size_t left_;
};

// Every indirect object `root` reaches, not following back pointers.
void reach(QPDFObjectHandle root, std::set<QPDFObjGen>& into, Budget& budget) {
    std::vector<QPDFObjectHandle> stack{root};
    while (!stack.empty()) {
        auto object = stack.back();
        stack.pop_back();
        budget.spend();
        if (object.isIndirect()) {
            if (!into.insert(object.getObjGen()).second) continue;
        }
        if (object.isStream()) object = object.getDict();
        if (object.isDictionary()) {
            for (const auto& key : object.getKeys())
                if (!back_pointer(key)) stack.push_back(object.getKey(key));
        } else if (object.isArray()) {
            for (int i = 0; i < object.getArrayNItems(); ++i) stack.push_back(object.getArrayItem(i));
        }
    }
}

// Names every reachable object by its shortest path from the trailer ("/Root/Pages/Kids[0]").
void name_objects(QPDF& pdf, DocumentMap& map, Budget& budget) {
    std::deque<std::pair<QPDFObjectHandle, std::string>> queue;
    auto trailer = pdf.getTrailer();
    for (const char* key : {"/Root", "/Info"}) {
        auto value = trailer.getKey(key);
        if (value.isIndirect() && map.paths.emplace(value.getObjGen(), key).second) queue.push_back({value, key});
    }
    // Direct values are walked in place, in key order, so the queue names objects breadth-first.
    std::function<void(QPDFObjectHandle, const std::string&, int)> walk = [&](QPDFObjectHandle value,
                                                                               const std::string& where, int depth) {
        budget.spend();
        if (depth > 64) return;
        if (value.isIndirect() && depth > 0) {
            if (map.paths.emplace(value.getObjGen(), where).second) queue.push_back({value, where});
            return;
        }
        if (value.isStream()) value = value.getDict();
        if (value.isDictionary()) {
            for (const auto& key : value.getKeys())
                if (!back_pointer(key)) walk(value.getKey(key), where + key, depth + 1);
        } else if (value.isArray()) {
            for (int i = 0; i < value.getArrayNItems(); ++i)
                walk(value.getArrayItem(i), where + "[" + std::to_string(i) + "]", depth + 1);
        }
    };
    while (!queue.empty()) {
        auto [object, path] = queue.front();
        queue.pop_front();
        walk(object, path, 0);
    }
}

DocumentMap map_document(QPDF& pdf, std::size_t max_objects) {
    DocumentMap map;
    Budget budget(max_objects * 8);
    name_objects(pdf, map, budget);
    auto trailer = pdf.getTrailer();
    auto root = pdf.getRoot();
    map.catalog = root.getObjGen();
    if (trailer.getKey("/Info").isIndirect()) map.info = trailer.getKey("/Info").getObjGen();
    if (root.getKey("/Metadata").isIndirect()) map.metadata = root.getKey("/Metadata").getObjGen();
    auto dss = root.getKey("/DSS");
    if (dss.isIndirect()) map.dss = dss.getObjGen();
    if (dss.isDictionary()) reach(dss, map.dss_objects, budget);

    // The page tree's inner nodes, then the pages and what they draw.
    std::vector<QPDFObjectHandle> nodes{root.getKey("/Pages")};
    std::set<QPDFObjGen> seen;
    while (!nodes.empty()) {
        auto node = nodes.back();
        nodes.pop_back();
        budget.spend();
        if (!node.isDictionary() || !node.isIndirect() || !seen.insert(node.getObjGen()).second) continue;
        auto kids = node.getKey("/Kids");
        if (!kids.isArray()) continue;
        map.page_tree.insert(node.getObjGen());
        for (int i = 0; i < kids.getArrayNItems(); ++i) nodes.push_back(kids.getArrayItem(i));
    }
    for (QPDFObjectHandle page : pdf.getAllPages()) {
        budget.spend();
        map.pages.insert(page.getObjGen());
        map.page_tree.erase(page.getObjGen());
        for (const char* key : {"/Contents", "/Resources", "/Group", "/Thumb", "/B", "/PresSteps", "/VP"})
            reach(page.getKey(key), map.drawn, budget);
        // Attributes a page inherits draw too.
        for (auto parent = page.getKey("/Parent"); parent.isDictionary() && seen.count(parent.getObjGen());
             parent = parent.getKey("/Parent")) {
            reach(parent.getKey("/Resources"), map.drawn, budget);
            budget.spend();
            seen.erase(parent.getObjGen());
        }
        auto annots = page.getKey("/Annots");
        if (annots.isIndirect()) map.annots_arrays.insert(annots.getObjGen());
        if (!annots.isArray()) continue;
        for (int i = 0; i < annots.getArrayNItems(); ++i) {
            auto annotation = annots.getArrayItem(i);
            budget.spend();
            if (!annotation.isIndirect() || !annotation.isDictionary()) continue;
            map.annotations.insert(annotation.getObjGen());
            auto subtype = annotation.getKey("/Subtype");
            map.annotation_subtype[annotation.getObjGen()] = subtype.isName() ? subtype.getName() : "";
            std::set<QPDFObjGen> appearance;
            reach(annotation.getKey("/AP"), appearance, budget);
            for (auto id : appearance) map.appearance_owner.emplace(id, annotation.getObjGen());
        }
    }
    auto acroform = root.getKey("/AcroForm");
    if (acroform.isIndirect()) map.acroform = acroform.getObjGen();
    if (acroform.isDictionary()) {
        auto fields = acroform.getKey("/Fields");
        if (fields.isIndirect()) map.fields_array = fields.getObjGen();
        reach(acroform.getKey("/DR"), map.form_resources, budget);
        QPDFAcroFormDocumentHelper forms(pdf);
        for (auto& field : forms.getFormFields()) {
            budget.spend();
            FieldInfo info{field.getFullyQualifiedName(), field.getFieldType(), field.getFlags(),
                           field.getObjectHandle().getObjGen(), false};
            map.fields[info.field] = info;
            auto value = field.getObjectHandle().getKey("/V");
            if (info.type == "/Sig" && value.isIndirect()) map.signatures.insert(value.getObjGen());
            for (auto& widget : forms.getAnnotationsForField(field)) {
                budget.spend();
                auto id = widget.getObjectHandle().getObjGen();
                map.widgets.insert(id);
                FieldInfo w = info;
                w.widget = true;
                map.fields[id] = w;
            }
        }
    }
    return map;
}

// The objects of an xref table that differ between two revisions.
bool same_entry(const QPDFXRefEntry& a, const QPDFXRefEntry& b) {
    if (a.getType() != b.getType()) return false;
    if (a.getType() == 1) return a.getOffset() == b.getOffset();
    if (a.getType() == 2) return a.getObjStreamNumber() == b.getObjStreamNumber() && a.getObjStreamIndex() == b.getObjStreamIndex();
    return true;
}

bool same_object(QPDFObjectHandle before, QPDFObjectHandle after) {
    if (before.isStream() != after.isStream()) return false;
    if (!before.isStream()) return before.unparseResolved() == after.unparseResolved();
    if (before.getDict().unparse() != after.getDict().unparse()) return false;
    auto a = before.getRawStreamData();
    auto b = after.getRawStreamData();
    return a->getSize() == b->getSize() && std::equal(a->getBuffer(), a->getBuffer() + a->getSize(), b->getBuffer());
}

std::string unparse_or_empty(QPDFObjectHandle dictionary, const std::string& key) {
    if (!dictionary.isDictionary() || !dictionary.hasKey(key)) return {};
    return dictionary.getKey(key).unparse();
}

// Keys whose values differ between two dictionaries (either may be null).
std::vector<std::string> changed_keys(QPDFObjectHandle before, QPDFObjectHandle after) {
    std::set<std::string> keys;
    if (before.isDictionary())
        for (const auto& k : before.getKeys()) keys.insert(k);
    if (after.isDictionary())
        for (const auto& k : after.getKeys()) keys.insert(k);
    std::vector<std::string> result;
    for (const auto& key : keys)
        if (unparse_or_empty(before, key) != unparse_or_empty(after, key)) result.push_back(key);
    return result;
}

std::vector<QPDFObjGen> items_of(QPDFObjectHandle array) {
    std::vector<QPDFObjGen> ids;
    if (!array.isArray()) return ids;
    for (int i = 0; i < array.getArrayNItems(); ++i) {
        auto item = array.getArrayItem(i);
        ids.push_back(item.isIndirect() ? item.getObjGen() : QPDFObjGen());
    }
    return ids;
}

class Analysis {
public:
    Analysis(QPDF& before, QPDF& after, const AnalysisRules& rules)
        : before_(before), after_(after), rules_(rules), old_(map_document(before, rules.max_objects)),
          new_(map_document(after, rules.max_objects)), old_table_(before.getXRefTable()) {}

    PdfChangeAnalysis run() {
        result_.permission = rules_.permission;
        const auto& old_table = old_table_;
        auto new_table = after_.getXRefTable();
        compare_trailers();
        for (const auto& [id, entry] : new_table) {
            auto old_entry = old_table.find(id);
            if (old_entry == old_table.end()) {
                judge_new(id);
                continue;
            }
            if (same_entry(old_entry->second, entry)) continue;
            auto a = before_.getObject(id), b = after_.getObject(id);
            if (same_object(a, b)) continue;
            judge_changed(id, a, b);
        }
        for (const auto& [id, entry] : old_table) {
            if (new_table.count(id)) continue;
            bool used = old_.paths.count(id) > 0;
            add(id, old_path(id), "object_deleted", !used,
                used ? "an object the signed revision uses was deleted" : "an object no page or form used was deleted");
        }
        bool any = !result_.changes.empty();
        bool bad = std::any_of(result_.changes.begin(), result_.changes.end(), [](const PdfChange& c) { return !c.allowed; });
        result_.verdict = bad ? ChangeVerdict::disallowed_changes
                              : any ? ChangeVerdict::allowed_changes_only : ChangeVerdict::unchanged;
        return std::move(result_);
    }

private:
    QPDF& before_;
    QPDF& after_;
    const AnalysisRules& rules_;
    DocumentMap old_, new_;
    std::map<QPDFObjGen, QPDFXRefEntry> old_table_;
    PdfChangeAnalysis result_;

    bool may_fill_forms() const { return !rules_.permission || *rules_.permission != DocMdpPermission::no_changes; }
    bool may_sign() const { return may_fill_forms(); }
    bool may_annotate() const { return !rules_.permission || *rules_.permission == DocMdpPermission::annotations; }
    std::string permission_text() const {
        if (!rules_.permission) return "";
        switch (*rules_.permission) {
        case DocMdpPermission::no_changes: return " (the certification permits no changes)";
        case DocMdpPermission::form_filling: return " (the certification permits form filling and signing only)";
        case DocMdpPermission::annotations: return "";
        }
        return "";
    }
    bool locked(const std::string& name) const {
        return std::any_of(rules_.locks.begin(), rules_.locks.end(), [&](const FieldLock& l) { return l.locks(name); });
    }

    std::string path(QPDFObjGen id) const {
        auto at = new_.paths.find(id);
        if (at != new_.paths.end()) return at->second;
        return old_path(id);
    }
    std::string old_path(QPDFObjGen id) const {
        auto at = old_.paths.find(id);
        return at != old_.paths.end() ? at->second : "(object " + id_text(id) + ", not used by the document)";
    }

    void add(QPDFObjGen id, std::string where, std::string kind, bool allowed, std::string reason) {
        result_.changes.push_back({id.getObj(), id.getGen(), std::move(where), std::move(kind), allowed, std::move(reason)});
    }

    void compare_trailers() {
        auto a = before_.getTrailer(), b = after_.getTrailer();
        auto id_of = [](QPDFObjectHandle h, const char* key) {
            auto v = h.getKey(key);
            return v.isIndirect() ? v.getObjGen() : QPDFObjGen();
        };
        if (id_of(a, "/Root") != id_of(b, "/Root"))
            add({}, "trailer/Root", "catalog_replaced", false, "the trailer points to another document catalog");
        if (unparse_or_empty(a, "/Encrypt") != unparse_or_empty(b, "/Encrypt"))
            add({}, "trailer/Encrypt", "encryption_changed", false, "the encryption dictionary changed");
        if (id_of(a, "/Info") != id_of(b, "/Info"))
            add({}, "trailer/Info", "metadata", true, "the document information dictionary was replaced");
    }

    // What a new or changed signature field holds: a document time-stamp is allowed at every
    // level (ISO 32000-2 12.8.2.2.2), a signature or an empty signature field when signing is.
    std::pair<bool, std::string> judge_signature_field(QPDFObjGen field_id, const std::string& name) {
        auto field = after_.getObject(field_id);
        auto value = field.getKey("/V");
        auto type = value.isDictionary() ? value.getKey("/Type") : QPDFObjectHandle::newNull();
        if (type.isName() && type.getName() == "/DocTimeStamp")
            return {true, "document time-stamp " + name + " added"};
        if (!may_sign()) return {false, "signature " + name + " added" + permission_text()};
        return {true, value.isDictionary() ? "signature " + name + " added" : "empty signature field " + name + " added"};
    }

    // A list of form fields or of a page's annotations: what it kept and what it gained.
    void judge_list(QPDFObjGen holder, const std::string& where, QPDFObjectHandle before, QPDFObjectHandle after,
                    bool annotations) {
        auto old_items = items_of(before), new_items = items_of(after);
        std::set<QPDFObjGen> old_set(old_items.begin(), old_items.end()), new_set(new_items.begin(), new_items.end());
        for (auto id : old_items) {
            if (new_set.count(id)) continue;
            bool widget = old_.widgets.count(id) || old_.fields.count(id);
            bool ok = annotations && !widget && may_annotate();
            add(id.getObj() ? id : holder, where, annotations ? "annotation_removed" : "field_removed", ok,
                std::string(widget ? "a form field or widget was removed" : "an annotation was removed") +
                    (ok ? "" : permission_text()));
        }
        for (std::size_t i = 0; i < new_items.size(); ++i) {
            auto id = new_items[i];
            if (old_set.count(id)) continue;
            auto at = where + "[" + std::to_string(i) + "]";
            if (id.getObj() == 0) {
                add(holder, at, annotations ? "annotation_added" : "field_added", false, "a direct object was added");
                continue;
            }
            auto field = new_.fields.find(id);
            bool is_new = !old_table_.count(id);
            if (field != new_.fields.end() && field->second.type == "/Sig" && is_new) {
                auto [ok, reason] = judge_signature_field(field->second.field, field->second.name);
                add(id, at, "signature_added", ok, reason);
            } else if (field != new_.fields.end() || new_.widgets.count(id)) {
                add(id, at, "field_added", false, "a form field that is not a signature field was added");
            } else if (annotations) {
                add(id, at, "annotation_added", may_annotate(),
                    "annotation " + new_.annotation_subtype[id] + " added" + (may_annotate() ? "" : permission_text()));
            } else {
                add(id, at, "field_added", false, "something that is not a form field was added to the form");
            }
        }
    }

    void judge_acroform(QPDFObjGen holder, const std::string& where, QPDFObjectHandle before, QPDFObjectHandle after) {
        for (const auto& key : changed_keys(before, after)) {
            auto at = where + key;
            if (key == "/Fields") {
                judge_list(holder, at, before.isDictionary() ? before.getKey(key) : QPDFObjectHandle::newNull(),
                           after.getKey(key), false);
            } else if (key == "/SigFlags" || key == "/NeedAppearances") {
                add(holder, at, "form_flags", true, "the form's " + key.substr(1) + " changed");
            } else if (key == "/DR" || key == "/DA") {
                add(holder, at, "form_resources", may_fill_forms(),
                    "the form's default " + std::string(key == "/DR" ? "resources" : "appearance") + " changed" +
                        (may_fill_forms() ? "" : permission_text()));
            } else {
                add(holder, at, "form_changed", false, "the form's " + key + " changed");
            }
        }
    }

    void judge_catalog(QPDFObjGen id, QPDFObjectHandle before, QPDFObjectHandle after) {
        auto where = path(id);
        for (const auto& key : changed_keys(before, after)) {
            auto at = where + key;
            if (key == "/AcroForm") {
                judge_acroform(id, at, before.getKey(key), after.getKey(key));
            } else if (key == "/DSS" || key == "/Extensions") {
                add(id, at, "dss", true, "the document security store (validation data) was updated");
            } else if (key == "/Metadata") {
                add(id, at, "metadata", true, "the XMP metadata was replaced");
            } else {
                add(id, at, "catalog_changed", false, "the document catalog's " + key + " changed");
            }
        }
    }

    void judge_page(QPDFObjGen id, QPDFObjectHandle before, QPDFObjectHandle after) {
        auto where = path(id);
        for (const auto& key : changed_keys(before, after)) {
            auto at = where + key;
            if (key == "/Annots") {
                judge_list(id, at, before.getKey(key), after.getKey(key), true);
            } else {
                bool content = key == "/Contents" || key == "/Resources";
                add(id, at, content ? "page_content" : "page_changed", false,
                    "the page's " + key + " changed, which changes what the page shows");
            }
        }
    }

    void judge_field(QPDFObjGen id, const FieldInfo& info, QPDFObjectHandle before, QPDFObjectHandle after) {
        auto where = path(id);
        bool signature = info.type == "/Sig";
        auto old_field = before_.getObject(info.field), new_field = after_.getObject(info.field);
        bool newly_signed = signature && !old_field.getKey("/V").isDictionary() && new_field.getKey("/V").isDictionary();
        bool is_locked = locked(info.name);
        bool read_only = (info.flags & 1) != 0;
        for (const auto& key : changed_keys(before, after)) {
            auto at = where + key;
            if (signature) {
                if (newly_signed && (key == "/V" || key == "/AP" || key == "/AS" || key == "/Rect" || key == "/F" ||
                                     key == "/MK")) {
                    auto [ok, reason] = judge_signature_field(info.field, info.name);
                    if (is_locked && ok) ok = false, reason = "the signature field " + info.name + " is locked";
                    add(id, at, "signature_added", ok, reason);
                } else {
                    add(id, at, "signature_field_changed", false,
                        "the signature field " + info.name + "'s " + key + " changed after it was signed or created");
                }
                continue;
            }
            if (key == "/V" || key == "/AP" || key == "/AS") {
                if (is_locked)
                    add(id, at, "locked_field_changed", false, "the field " + info.name + " is locked (FieldMDP) but its " +
                                                                   key + " changed");
                else if (read_only && key == "/V")
                    add(id, at, "field_changed", false, "the read-only field " + info.name + " changed its value");
                else
                    add(id, at, "form_fill", may_fill_forms(),
                        "the field " + info.name + " was filled in (" + key + ")" + (may_fill_forms() ? "" : permission_text()));
            } else {
                add(id, at, "field_changed", false, "the field " + info.name + "'s " + key + " changed");
            }
        }
    }

    // Appearance objects follow their annotation: a form field's when its filling is allowed,
    // never a signed signature's.
    std::pair<bool, std::string> appearance_rule(QPDFObjGen owner) {
        auto field = new_.fields.find(owner);
        if (field != new_.fields.end()) {
            const auto& info = field->second;
            if (info.type == "/Sig") {
                bool was_signed = before_.getObject(info.field).getKey("/V").isDictionary();
                if (was_signed) return {false, "the appearance of the signed field " + info.name + " changed"};
                return judge_signature_field(info.field, info.name);
            }
            if (locked(info.name)) return {false, "the appearance of the locked field " + info.name + " changed"};
            return {may_fill_forms(), "the appearance of the field " + info.name + " changed" +
                                          (may_fill_forms() ? "" : permission_text())};
        }
        return {may_annotate(), "the appearance of an annotation changed" + (may_annotate() ? "" : permission_text())};
    }

    void judge_changed(QPDFObjGen id, QPDFObjectHandle before, QPDFObjectHandle after) {
        auto where = path(id);
        if (id == new_.catalog) return judge_catalog(id, before, after);
        if (old_.signatures.count(id))
            return add(id, where, "signature_changed", false, "a signature dictionary changed after signing");
        if (new_.pages.count(id)) return judge_page(id, before, after);
        if (new_.page_tree.count(id))
            return add(id, where, "page_tree", false, "the page tree changed (pages added, removed or reordered)");
        if (new_.annots_arrays.count(id)) return judge_list(id, where, before, after, true);
        if (id == new_.acroform) return judge_acroform(id, where, before, after);
        if (id == new_.fields_array) return judge_list(id, where, before, after, false);
        if (auto field = new_.fields.find(id); field != new_.fields.end()) return judge_field(id, field->second, before, after);
        if (new_.drawn.count(id))
            return add(id, where, "page_content", false, "an object a page draws changed");
        if (new_.dss_objects.count(id) || id == new_.dss)
            return add(id, where, "dss", true, "the document security store (validation data) was updated");
        if (id == new_.info) return add(id, where, "metadata", true, "the document information dictionary changed");
        if (id == new_.metadata) return add(id, where, "metadata", true, "the XMP metadata changed");
        if (auto owner = new_.appearance_owner.find(id); owner != new_.appearance_owner.end()) {
            auto [ok, reason] = appearance_rule(owner->second);
            return add(id, where, "appearance", ok, reason);
        }
        if (new_.annotations.count(id))
            return add(id, where, "annotation_changed", may_annotate(),
                       "an annotation changed" + (may_annotate() ? "" : permission_text()));
        if (new_.form_resources.count(id))
            return add(id, where, "form_resources", may_fill_forms(), "the form's default resources changed");
        if (!new_.paths.count(id))
            return add(id, where, "unreferenced_object", true, "an object the document no longer uses changed");
        add(id, where, "other", false, "an object changed that no rule allows to change");
    }

    void judge_new(QPDFObjGen id) {
        auto where = path(id);
        if (!new_.paths.count(id))
            return add(id, where, "unreferenced_object", true, "a new object the document does not use");
        if (new_.pages.count(id)) return add(id, where, "page_added", false, "a page was added");
        if (new_.page_tree.count(id)) return add(id, where, "page_tree", false, "the page tree changed");
        if (new_.drawn.count(id)) return add(id, where, "page_content", false, "a new object is drawn on a page");
        if (new_.signatures.count(id)) {
            for (const auto& [fid, info] : new_.fields)
                if (info.type == "/Sig" && after_.getObject(info.field).getKey("/V").isIndirect() &&
                    after_.getObject(info.field).getKey("/V").getObjGen() == id) {
                    auto [ok, reason] = judge_signature_field(info.field, info.name);
                    return add(id, where, "signature_added", ok, reason);
                }
        }
        if (auto field = new_.fields.find(id); field != new_.fields.end()) {
            if (field->second.type == "/Sig") {
                auto [ok, reason] = judge_signature_field(field->second.field, field->second.name);
                return add(id, where, "signature_added", ok, reason);
            }
            return add(id, where, "field_added", false, "a form field that is not a signature field was added");
        }
        if (new_.dss_objects.count(id) || id == new_.dss)
            return add(id, where, "dss", true, "validation data added to the document security store");
        if (id == new_.info || id == new_.metadata) return add(id, where, "metadata", true, "new document metadata");
        if (auto owner = new_.appearance_owner.find(id); owner != new_.appearance_owner.end())
            return add(id, where, "appearance", true, "a new appearance (its annotation's change is judged on its own)");
        if (new_.annotations.count(id))
            return add(id, where, "annotation_added", may_annotate(),
                       "annotation " + new_.annotation_subtype[id] + " added" + (may_annotate() ? "" : permission_text()));
        if (new_.annots_arrays.count(id) || id == new_.acroform || id == new_.fields_array)
            return add(id, where, "form_structure", true, "a new list of fields or annotations (its items are judged)");
        if (new_.form_resources.count(id))
            return add(id, where, "form_resources", may_fill_forms(), "new default resources for the form");
        add(id, where, "other", false, "a new object that no rule allows");
    }
};

}  // namespace

PdfChangeAnalysis analyse_changes(QPDF& signed_revision, QPDF& final_revision, const AnalysisRules& rules) {
    return Analysis(signed_revision, final_revision, rules).run();
}

}  // namespace sign::validate::detail
