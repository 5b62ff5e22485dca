#pragma once
// The document a sealing request carries, in any of the three forms the API
// accepts: the raw body (application/pdf, application/xml, text/xml,
// application/octet-stream), multipart/form-data with a part named
// "document", or JSON {"document": "<base64>"} for small documents only.

#include <cstdint>
#include <vector>

#include "http/http_request.h"

namespace sign::signd {

/// The document's bytes. Throws invalid_input `unsupported_media_type`, `invalid_json`,
/// `missing_document`, `invalid_base64`, `invalid_multipart`, `empty_document`, or
/// `base64_document_too_large` when base64 would decode to more than `max_base64_document` bytes
/// (checked before decoding).
std::vector<std::uint8_t> read_document(const HttpRequest& request, std::size_t max_base64_document);

/// The media type of a Content-Type header, lower-cased, without parameters.
std::string media_type(const std::string& content_type);

}  // namespace sign::signd
