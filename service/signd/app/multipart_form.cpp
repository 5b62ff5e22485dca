#include "app/multipart_form.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "sign/error.h"

namespace sign::signd {

namespace {

constexpr std::size_t max_boundary_length = 70;  // RFC 2046 5.1.1

[[noreturn]] void refuse(const std::string& why) {
    throw Error(ErrorKind::invalid_input, "invalid_multipart", "the multipart/form-data body is malformed: " + why);
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

struct Parameter {
    std::string name;
    std::string value;
};

// "form-data; name=\"document\"; filename=\"a.pdf\"" -> the first token and its parameters.
std::pair<std::string, std::vector<Parameter>> split_header_value(std::string_view value) {
    std::vector<Parameter> parameters;
    auto semicolon = value.find(';');
    std::string token = lower(trim(value.substr(0, semicolon)));
    std::size_t at = semicolon == std::string_view::npos ? value.size() : semicolon + 1;
    while (at < value.size()) {
        while (at < value.size() && (value[at] == ' ' || value[at] == '\t')) ++at;
        auto equals = value.find('=', at);
        if (equals == std::string_view::npos) refuse("a header parameter has no value");
        std::string name = lower(trim(value.substr(at, equals - at)));
        at = equals + 1;
        std::string parameter_value;
        if (at < value.size() && value[at] == '"') {
            ++at;
            bool closed = false;
            while (at < value.size()) {
                char c = value[at++];
                if (c == '\\' && at < value.size()) {
                    parameter_value.push_back(value[at++]);
                } else if (c == '"') {
                    closed = true;
                    break;
                } else {
                    parameter_value.push_back(c);
                }
            }
            if (!closed) refuse("a quoted header parameter is not closed");
            while (at < value.size() && (value[at] == ' ' || value[at] == '\t')) ++at;
            if (at < value.size() && value[at] != ';') refuse("text follows a quoted header parameter");
            if (at < value.size()) ++at;
        } else {
            auto end = value.find(';', at);
            parameter_value = std::string(trim(value.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at)));
            at = end == std::string_view::npos ? value.size() : end + 1;
        }
        if (name.empty()) refuse("a header parameter has no name");
        parameters.push_back({name, parameter_value});
    }
    return {token, parameters};
}

const Parameter* find_parameter(const std::vector<Parameter>& parameters, const std::string& name) {
    const Parameter* found = nullptr;
    for (const auto& p : parameters) {
        if (p.name != name) continue;
        if (found) refuse("the parameter '" + name + "' is repeated");
        found = &p;
    }
    return found;
}

FormPart parse_part(std::string_view part) {
    auto headers_end = part.find("\r\n\r\n");
    if (headers_end == std::string_view::npos) refuse("a part has no blank line after its headers");
    FormPart result;
    bool has_disposition = false;
    bool has_type = false;
    std::string_view headers = part.substr(0, headers_end);
    std::size_t at = 0;
    while (at <= headers.size()) {
        auto end = headers.find("\r\n", at);
        std::string_view line = headers.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        at = end == std::string_view::npos ? headers.size() + 1 : end + 2;
        if (line.empty()) refuse("a part has an empty header line");
        if (line.front() == ' ' || line.front() == '\t') refuse("folded header lines are not accepted");
        auto colon = line.find(':');
        if (colon == std::string_view::npos) refuse("a part header has no ':'");
        std::string name = lower(line.substr(0, colon));
        std::string_view value = trim(line.substr(colon + 1));
        if (name == "content-disposition") {
            if (has_disposition) refuse("a part has two Content-Disposition headers");
            has_disposition = true;
            auto [token, parameters] = split_header_value(value);
            if (token != "form-data") refuse("a part's Content-Disposition is not form-data");
            const Parameter* field = find_parameter(parameters, "name");
            if (!field || field->value.empty()) refuse("a part has no name");
            result.name = field->value;
            if (const Parameter* file = find_parameter(parameters, "filename")) result.filename = file->value;
        } else if (name == "content-type") {
            if (has_type) refuse("a part has two Content-Type headers");
            has_type = true;
            result.content_type = split_header_value(value).first;
            if (result.content_type.empty()) refuse("a part's Content-Type is empty");
        }
        // Other headers (Content-Transfer-Encoding is deprecated by RFC 7578 4.7) carry nothing we use.
    }
    if (!has_disposition) refuse("a part has no Content-Disposition");
    if (!has_type) result.content_type = "text/plain";
    result.body = std::string(part.substr(headers_end + 4));
    return result;
}

}  // namespace

std::string multipart_boundary(std::string_view content_type) {
    auto [media_type, parameters] = split_header_value(content_type);
    if (media_type != "multipart/form-data") refuse("the Content-Type is not multipart/form-data");
    const Parameter* boundary = find_parameter(parameters, "boundary");
    if (!boundary || boundary->value.empty()) refuse("the Content-Type has no boundary");
    if (boundary->value.size() > max_boundary_length) refuse("the boundary is longer than 70 characters");
    if (boundary->value.find_first_of("\r\n") != std::string::npos) refuse("the boundary contains a line break");
    return boundary->value;
}

std::vector<FormPart> parse_multipart_form(std::string_view body, std::string_view content_type, std::size_t max_parts) {
    const std::string delimiter = "--" + multipart_boundary(content_type);
    if (body.substr(0, delimiter.size()) != delimiter) refuse("the body does not start with the boundary");
    std::vector<FormPart> parts;
    std::set<std::string> names;
    std::size_t at = delimiter.size();
    const std::string next = "\r\n" + delimiter;
    while (true) {
        if (body.substr(at, 2) == "--") {
            std::string_view rest = body.substr(at + 2);
            if (!rest.empty() && rest != "\r\n") refuse("text follows the closing boundary");
            break;
        }
        if (body.substr(at, 2) != "\r\n") refuse("a boundary is not followed by a line break");
        at += 2;
        auto end = body.find(next, at);
        if (end == std::string_view::npos) refuse("the closing boundary is missing");
        if (parts.size() == max_parts) refuse("more than " + std::to_string(max_parts) + " parts");
        FormPart part = parse_part(body.substr(at, end - at));
        if (!names.insert(part.name).second) refuse("the part '" + part.name + "' appears twice");
        parts.push_back(std::move(part));
        at = end + next.size();
    }
    if (parts.empty()) refuse("the body has no parts");
    return parts;
}

}  // namespace sign::signd
