// DocMDP (ISO 32000-2 12.8.2.2) and FieldMDP (12.8.2.4) as the signature dictionaries state them.

#include "pdf_permissions.h"

#include <algorithm>

namespace sign::validate {

bool FieldLock::locks(const std::string& full_name) const {
    // A name also locks the fields below it ("a" locks "a.b"), as field names form a tree.
    auto named = [&] {
        return std::any_of(fields.begin(), fields.end(), [&](const std::string& locked) {
            return full_name == locked ||
                   (full_name.size() > locked.size() && full_name.compare(0, locked.size(), locked) == 0 &&
                    full_name[locked.size()] == '.');
        });
    };
    switch (action) {
    case Action::all: return true;
    case Action::include: return named();
    case Action::exclude: return !named();
    }
    return true;
}

namespace detail {

namespace {

std::optional<DocMdpPermission> permission_from(QPDFObjectHandle params) {
    if (!params.isDictionary()) return DocMdpPermission::form_filling;
    auto p = params.getKey("/P");
    if (p.isNull()) return DocMdpPermission::form_filling;
    if (!p.isInteger()) return DocMdpPermission::no_changes;
    switch (p.getIntValue()) {
    case 2: return DocMdpPermission::form_filling;
    case 3: return DocMdpPermission::annotations;
    default: return DocMdpPermission::no_changes;
    }
}

std::optional<FieldLock> lock_from(QPDFObjectHandle params) {
    if (!params.isDictionary()) return std::nullopt;
    auto action = params.getKey("/Action");
    if (!action.isName()) return std::nullopt;
    FieldLock lock;
    if (action.getName() == "/All")
        lock.action = FieldLock::Action::all;
    else if (action.getName() == "/Include")
        lock.action = FieldLock::Action::include;
    else if (action.getName() == "/Exclude")
        lock.action = FieldLock::Action::exclude;
    else
        // An action we do not know locks everything: reject-by-default.
        lock.action = FieldLock::Action::all;
    auto fields = params.getKey("/Fields");
    if (fields.isArray())
        for (int i = 0; i < fields.getArrayNItems() && i < 10000; ++i) {
            auto name = fields.getArrayItem(i);
            if (name.isString()) lock.fields.push_back(name.getUTF8Value());
        }
    return lock;
}

}  // namespace

std::optional<DocMdpPermission> docmdp_of(QPDFObjectHandle signature) {
    if (!signature.isDictionary()) return std::nullopt;
    auto references = signature.getKey("/Reference");
    if (!references.isArray()) return std::nullopt;
    for (int i = 0; i < references.getArrayNItems() && i < 64; ++i) {
        auto reference = references.getArrayItem(i);
        if (!reference.isDictionary()) continue;
        auto method = reference.getKey("/TransformMethod");
        if (method.isName() && method.getName() == "/DocMDP") return permission_from(reference.getKey("/TransformParams"));
    }
    return std::nullopt;
}

bool is_certification(QPDF& pdf, QPDFObjectHandle signature) {
    auto perms = pdf.getRoot().getKey("/Perms");
    if (!perms.isDictionary()) return false;
    auto docmdp = perms.getKey("/DocMDP");
    return docmdp.isIndirect() && signature.isIndirect() && docmdp.getObjGen() == signature.getObjGen();
}

std::optional<DocMdpPermission> certification_permission(QPDF& pdf) {
    auto perms = pdf.getRoot().getKey("/Perms");
    if (!perms.isDictionary()) return std::nullopt;
    auto signature = perms.getKey("/DocMDP");
    if (!signature.isDictionary()) return std::nullopt;
    // /Perms /DocMDP without a DocMDP reference still certifies; its permission is the default.
    auto permission = docmdp_of(signature);
    return permission ? permission : DocMdpPermission::form_filling;
}

std::optional<FieldLock> field_lock_of(QPDFObjectHandle signature, QPDFObjectHandle field) {
    if (signature.isDictionary()) {
        auto references = signature.getKey("/Reference");
        if (references.isArray())
            for (int i = 0; i < references.getArrayNItems() && i < 64; ++i) {
                auto reference = references.getArrayItem(i);
                if (!reference.isDictionary()) continue;
                auto method = reference.getKey("/TransformMethod");
                if (method.isName() && method.getName() == "/FieldMDP") {
                    auto lock = lock_from(reference.getKey("/TransformParams"));
                    if (lock) return lock;
                }
            }
    }
    if (field.isDictionary()) return lock_from(field.getKey("/Lock"));
    return std::nullopt;
}

}  // namespace detail
}  // namespace sign::validate
