#!/bin/sh
# The README's pictures: the browser journeys' screenshots, and page 1 of an exported resolution and report.
set -e
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest -q tests/e2e
cp tests/e2e/screenshots/first-start-04.png docs/tong-quan.png
cp tests/e2e/screenshots/display-fits-tiep-1280x720-02.png docs/trinh-chieu.png  # the projector at 1280×720
tmp=$(mktemp -d)
.venv/bin/python -m chibo demo --db "$tmp/demo.duckdb" >/dev/null 2>&1
doc=$(.venv/bin/python - "$tmp/demo.duckdb" <<'PY'
import sys
from chibo.db import Database
db = Database(sys.argv[1])
print(db.scalar("SELECT id FROM documents WHERE kind = 'nq_thang' ORDER BY month DESC LIMIT 1"))
PY
)
.venv/bin/python -m chibo export resolution --db "$tmp/demo.duckdb" --id "$doc" --out "$tmp/nghi-quyet.docx"
.venv/bin/python -m chibo export report --db "$tmp/demo.duckdb" --id "$doc" --out "$tmp/bao-cao.docx"
for name in nghi-quyet bao-cao; do
  soffice "-env:UserInstallation=file://$tmp/lo" --headless --convert-to pdf --outdir "$tmp" "$tmp/$name.docx" >/dev/null
  pdftoppm -png -r 110 -f 1 -l 1 -singlefile "$tmp/$name.pdf" "docs/$name-trang-1"
done
rm -rf "$tmp"
echo "docs/tong-quan.png docs/trinh-chieu.png docs/nghi-quyet-trang-1.png docs/bao-cao-trang-1.png"
