#include "sign/subject_checks.h"

#include <algorithm>

#include "sign/error.h"

namespace sign {

void check_subject(const CertificateProfile& profile, const DistinguishedName& subject) {
    auto listed = [](const std::vector<std::string>& list, const std::string& item) {
        return std::find(list.begin(), list.end(), item) != list.end();
    };
    for (const auto& attribute : profile.required_attributes)
        if (!subject.get(attribute))
            throw Error(ErrorKind::invalid_input, "subject_attribute_missing",
                        "the subject must contain " + attribute + " for a '" + profile.name + "' certificate");
    for (const auto& rdn : subject.rdns()) {
        for (const auto& attribute : rdn) {
            if (!listed(profile.required_attributes, attribute.type) && !listed(profile.optional_attributes, attribute.type))
                throw Error(ErrorKind::invalid_input, "subject_attribute_not_allowed",
                            "a '" + profile.name + "' certificate may not have " + attribute.type + " in its subject");
            for (const auto& pattern : profile.attribute_patterns)
                if (pattern.attribute == attribute.type && !std::regex_match(attribute.value, pattern.compiled))
                    throw Error(ErrorKind::invalid_input, "subject_attribute_invalid",
                                attribute.type + " must be " + pattern.description + " (got '" + attribute.value + "')");
        }
    }
}

}  // namespace sign
