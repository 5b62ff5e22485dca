#pragma once
// Maps method and path to a handler. Patterns are literal segments and
// "{name}" segments that match one non-empty segment; a last "{name*}" segment
// matches the rest of the path, slashes included (OCSP GET carries base64 with
// '/' in it). Each route has a name
// for metrics and logs, and says whether it may be reached over plain HTTP:
// only the trust-service endpoints (CRL, OCSP, TSA, CA certificates, health)
// may, because relying parties fetch them from the http:// URLs in our
// certificates; everything else needs TLS.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/http_request.h"
#include "http/http_response.h"

namespace sign::signd {

enum class Transport { tls_only, plain_or_tls };

using Handler = std::function<HttpResponse(const HttpRequest&)>;

class Router {
public:
    struct Route {
        std::string method;
        std::string pattern;
        std::string name;  ///< e.g. "csc.signHash"; the metrics label
        Transport transport;
        Handler handler;
    };

    /// Adds a route; a later route never shadows an earlier one with the same pattern and method.
    void add(std::string method, std::string pattern, std::string name, Transport transport, Handler handler);

    /// The route for this method and path, filling `params`; null when none matches.
    /// `path_matched` is set when the path matches with another method (for 405).
    const Route* match(const std::string& method, const std::string& path, std::map<std::string, std::string>& params,
                       bool& path_matched) const;

    /// The methods of every route whose pattern matches `path`, for the Allow header of a 405.
    std::vector<std::string> allowed_methods(const std::string& path) const;

    const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace sign::signd
