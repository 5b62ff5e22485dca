#include "certificate_urls.h"

#include <openssl/x509v3.h>

#include <memory>

#include "sign/openssl_ptr.h"

namespace sign::validate {

namespace {

using AccessDescriptionsPtr = std::unique_ptr<AUTHORITY_INFO_ACCESS, OpenSslDeleter<AUTHORITY_INFO_ACCESS_free>>;
using DistPointsPtr = std::unique_ptr<CRL_DIST_POINTS, OpenSslDeleter<CRL_DIST_POINTS_free>>;

std::string text_of(const ASN1_IA5STRING* uri) {
    return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)), static_cast<std::size_t>(ASN1_STRING_length(uri))};
}

}  // namespace

std::vector<std::string> access_urls(const X509* certificate, int method) {
    std::vector<std::string> out;
    AccessDescriptionsPtr access(static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(certificate, NID_info_access, nullptr, nullptr)));
    for (int i = 0; access && i < sk_ACCESS_DESCRIPTION_num(access.get()); ++i) {
        const ACCESS_DESCRIPTION* description = sk_ACCESS_DESCRIPTION_value(access.get(), i);
        if (OBJ_obj2nid(description->method) != method || description->location->type != GEN_URI) continue;
        out.push_back(text_of(description->location->d.uniformResourceIdentifier));
    }
    return out;
}

std::vector<std::string> crl_urls(const X509* certificate) {
    std::vector<std::string> out;
    DistPointsPtr points(static_cast<CRL_DIST_POINTS*>(X509_get_ext_d2i(certificate, NID_crl_distribution_points, nullptr, nullptr)));
    for (int i = 0; points && i < sk_DIST_POINT_num(points.get()); ++i) {
        const DIST_POINT* point = sk_DIST_POINT_value(points.get(), i);
        if (!point->distpoint || point->distpoint->type != 0) continue;
        const GENERAL_NAMES* names = point->distpoint->name.fullname;
        for (int j = 0; names && j < sk_GENERAL_NAME_num(names); ++j) {
            const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, j);
            if (name->type == GEN_URI) out.push_back(text_of(name->d.uniformResourceIdentifier));
        }
    }
    return out;
}

}  // namespace sign::validate
