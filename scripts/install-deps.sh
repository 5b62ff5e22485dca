#!/usr/bin/env bash
# Installs every Debian package the project builds, tests and runs with.
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config git
  # production crypto and the PKCS#11 key layer
  openssl libssl-dev libp11-dev libp11-kit-dev softhsm2 opensc
  # the independent second opinion in tests
  libbotan-2-dev botan
  # HTTP(S): signd's server (Boost.Beast/Asio), the HTTP client (cpprestsdk), curl for
  # tests and the demo; JSON, CLI parsing, configuration
  libboost1.74-dev libboost-system-dev libcpprest-dev curl nlohmann-json3-dev libcli11-dev libtomlplusplus-dev
  # tests and the certificate store
  libboost-test-dev libsqlite3-dev sqlite3
  # generated signature and seal images
  libcairo2-dev fonts-liberation2 fonts-dejavu-core
  # PDF (PAdES): reading PDFs, PNG images, font subsetting; poppler and NSS tools check the result
  libqpdf-dev qpdf libpng-dev zlib1g-dev libharfbuzz-dev poppler-utils libnss3-tools
  # mupdf's `mutool sign -v`: the viewer-compatibility test checks signatures as mupdf viewers do
  mupdf-tools
  # signd embeds docs/openapi.yaml as JSON at build time
  python3 python3-yaml
  # XML (XAdES): canonicalisation and XML-DSig; xmlsec1 checks the result
  libxml2-dev libxmlsec1-dev xmlsec1
  # mobile signing: activation QR codes, PDF page previews, the mobile SDK's HTTP client,
  # and the browser the web app's end-to-end test drives (playwright-core comes from npm)
  libqrencode-dev libpoppler-cpp-dev libcurl4-openssl-dev chromium
  # node runs the web app's end-to-end test (playwright-core needs node 20 or later; this
  # machine's nodejs package brings npm with it)
  nodejs
  # the signing benchmark's peers sign with the token key through the OpenSSL pkcs11 engine
  libengine-pkcs11-openssl
  # the long-term signature test runs pdfsig with the clock moved past every expiry; the
  # validation tests check the ETSI XML report with xmllint
  faketime libxml2-utils
  # signd-worker confines itself with a seccomp filter before it opens a client's document
  libseccomp-dev
  # the PostgreSQL store (libpq), and the servers its tests start in temporary folders
  libpq-dev postgresql
  # msgfmt compiles the command-line programs' translations (po/*.po) at build time
  gettext
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# playwright-core for the web app's end-to-end test, exactly as locked; it drives Debian's
# chromium and downloads no browser. Installed again only when the lock file changed.
webapp_tests="$(dirname "$0")/../tests/webapp"
lock_hash=$(sha256sum "$webapp_tests/package-lock.json" | cut -d' ' -f1)
stamp="$webapp_tests/node_modules/.package-lock.sha256"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  npm ci --prefix "$webapp_tests" --no-audit --no-fund --loglevel=error >/dev/null
  echo "$lock_hash" >"$stamp"
fi
