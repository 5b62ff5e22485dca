#include "app/public_verification_routes.h"

#include "app/verification_body.h"
#include "sign/base64.h"
#include "sign/validate/checked_file.h"
#include "sign/validate/pdf_report.h"

namespace sign::signd {

void add_public_verification_routes(Router& router, const PublicVerificationServices& services) {
    router.add("POST", "/app/api/verifications", "app.verifications", Transport::tls_only,
               [services](const HttpRequest& request) {
                   // Spent before the body is looked at, so malformed requests cost a token too.
                   services.limits.spend(Attempt::anonymous_verification, request);
                   auto call = read_verification_call(request, services.max_base64_document);
                   call.request.offline = true;
                   call.request.requested_by = "anonymous";
                   call.request.client_address = request.client_address;
                   auto outcome = services.verifications.verify(call.request);
                   auto answer = verification_answer(outcome, call.language);
                   auto pdf = validate::render_pdf_report(outcome.report, call.language,
                                                          validate::CheckedFile::of(call.file_name, call.request.signed_file));
                   answer["pdfReport"] = encode_base64(pdf);
                   auto response = HttpResponse::json(200, answer);
                   response.headers.emplace_back("Cache-Control", "no-store");
                   response.client_id = "anonymous";
                   return response;
               });
}

}  // namespace sign::signd
