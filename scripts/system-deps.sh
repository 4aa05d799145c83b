#!/bin/sh
# Installs the Debian packages the test suite needs, once: Chromium for the browser
# journeys, LibreOffice (writer) and metric-compatible Times New Roman for documents.
set -e
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui"
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need="$need fonts-liberation2"
command -v pdftotext >/dev/null 2>&1 || need="$need poppler-utils"
# Emoji icons in screenshots (the README's pictures come from the browser journeys).
[ -d /usr/share/fonts/truetype/noto ] || need="$need fonts-noto-color-emoji"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Cần cài các gói hệ thống:$need (chạy bằng quyền root: apt-get install -y$need)" >&2
  exit 1
fi
echo "Installing system packages:$need"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
