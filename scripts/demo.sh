#!/usr/bin/env bash
# README command 1: installs, builds, creates the embedded default in ./var (a SoftHSM2
# token, the SQLite certificate database, the demo CA hierarchy), lists it, and starts
# signd --demo in the background on https://127.0.0.1:8443 (log: var/signd.log).
# Safe to run again: what exists is kept, nothing is issued twice, and a signd already
# running is left alone. Stop it with: kill "$(cat var/signd.pid)"
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
certs-test/make-test-pki var --build build
echo
build/service/signctl/signctl --data var ca show
echo
build/service/signctl/signctl --data var cert list
echo

if [[ -f var/signd.pid ]] && kill -0 "$(cat var/signd.pid)" 2>/dev/null; then
  echo "signd is already running (pid $(cat var/signd.pid))"
else
  nohup build/service/signd/signd --demo >>var/signd.log 2>&1 &
  echo $! >var/signd.pid
  for _ in $(seq 1 100); do
    curl --silent --fail --cacert var/certs/root-ca.pem https://localhost:8443/healthz >/dev/null 2>&1 && break
    kill -0 "$(cat var/signd.pid)" 2>/dev/null || { echo "signd did not start; see var/signd.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "signd started in the background (pid $(cat var/signd.pid)); its log is var/signd.log"
fi
echo "\$ curl --cacert var/certs/root-ca.pem https://localhost:8443/healthz"
curl --silent --show-error --cacert var/certs/root-ca.pem https://localhost:8443/healthz
echo
echo

# A demo document-system client that may apply the agency seal. signctl shows an API key only
# once, so it is kept in var/secrets/demo-dms.key (the folder is private to its owner).
signctl() { build/service/signctl/signctl --data var "$@"; }
if [[ ! -s var/secrets/demo-dms.key ]]; then
  signctl --json client add demo-dms --name "Hệ thống quản lý văn bản (demo)" --seal agency-seal |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["api_key"])' >var/secrets/demo-dms.key.tmp
  chmod 600 var/secrets/demo-dms.key.tmp
  mv var/secrets/demo-dms.key.tmp var/secrets/demo-dms.key
  echo "Demo client demo-dms added; its API key is in var/secrets/demo-dms.key"
fi

# The agency seal on a small XML document through the REST API, checked by xmlsec1.
printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
  '<ToTrinh><TrichYeu>Báo cáo tình hình triển khai chính quyền điện tử</TrichYeu></ToTrinh>' >var/demo-document.xml
echo "\$ curl ... --data-binary @var/demo-document.xml https://localhost:8443/api/v1/seals/agency-seal/xml"
curl --silent --show-error --fail-with-body --cacert var/certs/root-ca.pem \
  -H "Authorization: Bearer $(cat var/secrets/demo-dms.key)" -H "Content-Type: application/xml" \
  --data-binary @var/demo-document.xml https://localhost:8443/api/v1/seals/agency-seal/xml -o var/demo-document.sealed.xml
xmlsec1 --verify --trusted-pem var/certs/root-ca.pem --untrusted-pem var/certs/issuing-ca.pem \
  --id-attr:Id "http://uri.etsi.org/01903/v1.3.2#:SignedProperties" --enabled-reference-uris empty,same-doc \
  var/demo-document.sealed.xml
echo "Sealed: var/demo-document.sealed.xml"
echo

# Mobile signing: the demo leader approves on a phone. The reference phone client (signmobile,
# on the mobile SDK) enrols once with the activation code signctl printed, into var/demo-phone.
signmobile() { build/bindings/mobile/signmobile --profile var/demo-phone "$@"; }
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)'"$1"')'; }
printf '%s\n' 246810 >var/secrets/demo-phone.pin
chmod 600 var/secrets/demo-phone.pin
if ! signctl signer list | grep -q '^demo-leader '; then
  leader_serial=$(signctl --json cert list | python3 -c '
import json, sys
print(next(c["serial"] for c in json.load(sys.stdin)
           if c["profile"] == "leader" and "object=leader;" in c["key_uri"] and c["status"] == "good"))')
  signctl --json signer add demo-leader --name "Nguyễn Văn An" --cert "$leader_serial" --no-pin \
    --image var/images/leader-signature.png --activation-qr var/demo-activation.png |
    json_field '["activation"]["code"]' >var/secrets/demo-activation.code
  echo "Signer demo-leader added; activation code QR: var/demo-activation.png"
fi
if [[ ! -s var/secrets/demo-portal.key ]]; then
  signctl --json client add demo-portal --name "Cổng dịch vụ công (demo)" --signer demo-leader |
    json_field '["api_key"]' >var/secrets/demo-portal.key.tmp
  chmod 600 var/secrets/demo-portal.key.tmp
  mv var/secrets/demo-portal.key.tmp var/secrets/demo-portal.key
fi
if [[ ! -f var/demo-phone/device.json ]]; then
  echo "\$ signmobile enrol --server https://localhost:8443 --ca var/certs/root-ca.pem --code ..."
  signmobile enrol --server https://localhost:8443 --ca var/certs/root-ca.pem \
    --code "$(cat var/secrets/demo-activation.code)" --pin-file var/secrets/demo-phone.pin --name "Điện thoại demo"
fi
echo "\$ curl ... https://localhost:8443/api/v1/signature-requests   (the portal asks demo-leader to sign)"
request_id=$(python3 - <<'PY' | curl --silent --show-error --fail-with-body --cacert var/certs/root-ca.pem \
  -H "Authorization: Bearer $(cat var/secrets/demo-portal.key)" -H "Content-Type: application/json" \
  --data-binary @- https://localhost:8443/api/v1/signature-requests | json_field '["id"]'
import base64, json
document = base64.b64encode(open("var/demo-document.xml", "rb").read()).decode()
print(json.dumps({"signer": "demo-leader", "displayText": "Ký tờ trình về chính quyền điện tử",
                  "documents": [{"title": "Tờ trình.xml", "type": "xml", "content": document}]}))
PY
)
echo "\$ signmobile requests list"
signmobile requests list
echo "\$ signmobile request approve $request_id --pin-file var/secrets/demo-phone.pin"
signmobile request approve "$request_id" --pin-file var/secrets/demo-phone.pin
curl --silent --show-error --fail-with-body --cacert var/certs/root-ca.pem \
  -H "Authorization: Bearer $(cat var/secrets/demo-portal.key)" \
  "https://localhost:8443/api/v1/signature-requests/$request_id/documents/0" -o var/demo-document.leader.xml
xmlsec1 --verify --trusted-pem var/certs/root-ca.pem --untrusted-pem var/certs/issuing-ca.pem \
  --id-attr:Id "http://uri.etsi.org/01903/v1.3.2#:SignedProperties" --enabled-reference-uris empty,same-doc \
  var/demo-document.leader.xml
echo "Signed by the leader on the phone: var/demo-document.leader.xml"
echo "The same approval in a browser: https://localhost:8443/app"
echo
echo "Stop signd with: kill \"\$(cat var/signd.pid)\""
