#include "app/webapp_routes.h"

#include <string>

namespace sign::signd {

namespace {

HttpResponse with_app_headers(HttpResponse response) {
    response.headers.emplace_back("Content-Security-Policy", std::string(webapp_content_security_policy));
    response.headers.emplace_back("Cache-Control", "no-cache");
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    return response;
}

HttpResponse serve(std::string_view name) {
    for (const auto& file : webapp_files()) {
        if (file.name == name)
            return with_app_headers(HttpResponse::bytes(200, std::string(file.content_type), std::string(file.bytes)));
    }
    return with_app_headers(HttpResponse::problem(404, "unknown_file", "the app has no file '" + std::string(name) + "'"));
}

}  // namespace

void add_webapp_routes(Router& router) {
    // index.html names its files by absolute path, so /app and /app/ can both serve it.
    auto index = [](const HttpRequest&) { return serve("index.html"); };
    router.add("GET", "/app", "app.index", Transport::tls_only, index);
    router.add("GET", "/app/", "app.index", Transport::tls_only, index);
    // The public verification page: no device key, no PIN; anyone may open it.
    router.add("GET", "/app/verify", "app.verify", Transport::tls_only, [](const HttpRequest&) { return serve("verify.html"); });
    router.add("GET", "/app/{file}", "app.file", Transport::tls_only,
               [](const HttpRequest& request) { return serve(request.params.at("file")); });
}

}  // namespace sign::signd
