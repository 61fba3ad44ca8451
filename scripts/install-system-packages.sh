#!/usr/bin/env bash
# Debian packages the test suite needs: gettext (the translation check), poppler-utils (reading
# the PDFs Qorgan prints), the DejaVu fonts (Kazakh letters in PDFs), Java (the Nu HTML checker,
# vnu-jar from npm, that validates the staff pages) and Chromium for the
# browser tests (driven by Playwright with executable_path; Playwright's own browser download
# is never used).
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "DejaVuSans" || missing+=(fonts-dejavu-core)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}. Install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
