#!/usr/bin/env bash
# The test suite's system packages: Debian's Chromium for the browser test,
# PostgreSQL 15 for the production boot test, qpdf for the chatbot's fixtures. Installed with apt when missing
# and running as root; otherwise it says what to install.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
# qpdf encrypts the chatbot's PDF fixtures; apt-get download fetches a real manual.
command -v qpdf >/dev/null || missing+=(qpdf)
# promtool checks the alert rules.
command -v promtool >/dev/null || missing+=(prometheus)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> apt-get install ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
