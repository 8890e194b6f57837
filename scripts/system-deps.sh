#!/usr/bin/env bash
# The test suite's system packages: Debian's Chromium for the browser test,
# PostgreSQL 15 for the production boot test, qpdf for the chatbot's PDF
# fixtures, promtool (package prometheus) for the alert rules, yq for the
# platform chart check (scripts/check-platform-charts.sh), and apt lists
# from which the chatbot tests download a real manual (gnuplot-doc).
# Installed with apt when missing and running as root; otherwise it says what
# to install.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v qpdf >/dev/null || missing+=(qpdf)
command -v promtool >/dev/null || missing+=(prometheus)
command -v yq >/dev/null || missing+=(yq)
manual_cached=services/chatbot/test/fixtures/generated/gnuplot.pdf
need_lists=
[ -f "$(dirname "$0")/../$manual_cached" ] || apt-cache show gnuplot-doc >/dev/null 2>&1 || need_lists=yes
[ ${#missing[@]} -eq 0 ] && [ -z "$need_lists" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> apt-get update${missing[*]:+ && apt-get install ${missing[*]}}"
  apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
else
  echo "Missing system packages: ${missing[*]:-none}${need_lists:+ (and apt lists: run apt-get update)}." >&2
  echo "Install them with: sudo apt-get update${missing[*]:+ && sudo apt-get install ${missing[*]}}" >&2
  exit 1
fi
