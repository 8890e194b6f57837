#!/usr/bin/env bash
# The eval's manuals: real PDFs from Debian documentation packages, fetched
# with apt-get download (never committed) and checked against the checksums
# in set.json (or $EVAL_SET). Idempotent: a manual already in place with the right checksum
# is kept. Usage: bash eval/fetch-manuals.sh [target dir, default eval/manuals]
set -euo pipefail
# The set whose documents to fetch: EVAL_SET (as eval/run.ts reads it), or set.json.
set_file="$(realpath "${EVAL_SET:-$(dirname "$0")/set.json}")"
cd "$(dirname "$0")"
target="${1:-manuals}"
mkdir -p "$target/debs"
apt_state="$(cd "$target" && pwd)/apt"
private_apt() {
  mkdir -p "$apt_state/lists/partial" "$apt_state/cache/archives/partial"
  apt-get -o Dir::State::Lists="$apt_state/lists" -o Dir::Cache="$apt_state/cache" \
    -o Debug::NoLocking=1 "$@"
}
SET_FILE="$set_file" node -e '
  const set = require(process.env.SET_FILE);
  for (const d of set.documents)
    console.log([d.id, d.package, d.version, d.deb, d.debSha256, d.pathInDeb, d.pdfSha256].join("\t"));
' | while IFS=$'\t' read -r id pkg version deb debsha path pdfsha; do
  pdf="$target/$id.pdf"
  if [ -f "$pdf" ] && echo "$pdfsha  $pdf" | sha256sum -c --status; then
    continue
  fi
  # A fresh machine, or a pipeline pod that is not root, may have no usable
  # package lists: then fetch them into a private state directory (apt runs
  # there without root) and download from that.
  (cd "$target/debs" && { [ -f "$deb" ] || apt-get download "$pkg=$version" >/dev/null 2>&1 ||
    { private_apt update -qq >/dev/null && private_apt download "$pkg=$version" >/dev/null; }; })
  echo "$debsha  $target/debs/$deb" | sha256sum -c --status || {
    echo "checksum mismatch for $deb (expected $debsha)" >&2
    exit 1
  }
  work="$(mktemp -d)"
  dpkg-deb -x "$target/debs/$deb" "$work"
  case "$path" in
    *.gz) gunzip -c "$work/$path" >"$pdf" ;;
    *) cp "$work/$path" "$pdf" ;;
  esac
  rm -rf "$work"
  echo "$pdfsha  $pdf" | sha256sum -c --status || {
    echo "checksum mismatch for $pdf from $deb (expected $pdfsha)" >&2
    exit 1
  }
  echo "fetched $id: $pdf"
done
