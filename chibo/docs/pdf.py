"""A document as PDF, beside its .docx: converted by LibreOffice, headless, one conversion at a time, each with
its own profile and a time limit. Without LibreOffice the .docx still works and the message says how to install."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from chibo.errors import InputError

TIME_LIMIT_SECONDS = 90
INSTALL_HINT = ("Máy chủ chưa cài LibreOffice nên chưa tạo được tệp PDF; tệp Word (.docx) vẫn tải được. "
                "Người quản trị cài bằng lệnh: sudo apt install libreoffice-writer-nogui fonts-liberation2")
_one_at_a_time = threading.Lock()  # LibreOffice runs one instance per profile; conversions wait their turn


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def from_docx(data: bytes) -> bytes:
    """The PDF of a .docx, or a Vietnamese sentence saying why not."""
    program = _soffice()
    if program is None:
        raise InputError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="chibo-pdf-") as folder:
        work = Path(folder)
        source = work / "van-ban.docx"
        source.write_bytes(data)
        command = [program, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--convert-to", "pdf",
                   "--outdir", str(work), str(source)]
        with _one_at_a_time:
            try:
                subprocess.run(command, capture_output=True, timeout=TIME_LIMIT_SECONDS, check=False)
            except subprocess.TimeoutExpired:
                raise InputError(f"LibreOffice không chuyển xong sang PDF trong {TIME_LIMIT_SECONDS} giây; "
                                 "hãy thử lại hoặc dùng tệp .docx.") from None
        made = work / "van-ban.pdf"
        if not made.exists():
            raise InputError("LibreOffice không tạo được tệp PDF từ văn bản này; hãy dùng tệp .docx.")
        return made.read_bytes()
