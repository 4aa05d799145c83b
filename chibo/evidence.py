"""Evidence of a progress entry as a photo or a file: what may be uploaded (its kind, judged by its content as well
as its name, and its size), the small picture a photo shows in the task's history, and the reads that hand a file
to whoever may see the task's progress. Files live in the database (table progress_evidence), so a backup carries
them and a restore brings them back."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

import pandas as pd

from chibo import validate
from chibo.db import Database
from chibo.errors import InputError
from chibo.labels import vn_number
from chibo.permissions import Actor, require

# extension -> media type. A phone's camera gives JPEG or HEIC; a scanned paper, a PDF; a report, Word or Excel.
KINDS = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "heic": "image/heic", "webp": "image/webp",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = list(KINDS)
KINDS_SAID = "ảnh (JPG, PNG, HEIC, WEBP), PDF, Word (.docx) hoặc Excel (.xlsx)"
PICTURES = {"jpg", "jpeg", "png", "webp"}  # what the server can read to make a thumbnail (HEIC it cannot)
THUMBNAIL_PIXELS = 320  # the longer side: sharp at 160 CSS pixels on a phone's screen
MAX_NAME = 120


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it: the name it had on the device, and its bytes."""
    name: str
    data: bytes


@dataclass(frozen=True)
class Evidence:
    """An upload found acceptable, ready to store."""
    file_name: str
    media_type: str
    data: bytes
    sha256: str
    thumbnail: bytes | None

    def said(self) -> str:
        """What the audit log keeps of a file: never its bytes."""
        return _said(self.file_name, len(self.data), self.sha256)


def _said(file_name: str, size: int, sha256: str) -> str:
    """A file as the audit log names it: enough to tell later which file it was."""
    return f"{file_name} ({size_said(size)}, SHA-256 {sha256})"


def limit_said(max_mb: int) -> str:
    """The sentence under the upload box."""
    return f"Ảnh chụp hoặc tệp {KINDS_SAID}; mỗi tệp tối đa {max_mb} MB."


def size_said(size: int) -> str:
    """A file's size as a person reads it: «2,4 MB», «830 kB»."""
    if size >= 1024 * 1024:
        return f"{vn_number(size / (1024 * 1024), 1)} MB"
    return f"{max(round(size / 1024), 1)} kB"


def checked(upload: Upload | None, max_mb: int) -> Evidence | None:
    """The upload as evidence, or an InputError that says why it is refused: too big, empty, a kind not taken, a
    content that is not what its name says (a renamed file), a picture that cannot be read."""
    if upload is None:
        return None
    problem = refusal(upload, max_mb)
    if problem:
        raise InputError(problem)
    name = _file_name(upload.name)
    extension = _extension(name)
    thumbnail = _thumbnail(upload.data) if extension in PICTURES else None
    if extension in PICTURES and thumbnail is None:
        raise InputError(f"Không đọc được ảnh «{name}» (ảnh hỏng hoặc không đầy đủ); hãy chụp hoặc chọn lại.")
    return Evidence(name, KINDS[extension], upload.data, hashlib.sha256(upload.data).hexdigest(), thumbnail)


def refusal(upload: Upload, max_mb: int) -> str | None:
    """Why an upload is refused, judged without reading the picture (the form says it as soon as a file is chosen);
    None when it may go on to `checked`."""
    name = _file_name(upload.name)
    extension = _extension(name)
    if extension not in KINDS:
        return f"Tệp «{name}» không thuộc loại được nhận làm minh chứng; chỉ nhận {KINDS_SAID}."
    if not upload.data:
        return f"Tệp «{name}» rỗng (0 byte); hãy chọn lại tệp."
    if len(upload.data) > max_mb * 1024 * 1024:
        return (f"Tệp «{name}» nặng {size_said(len(upload.data))}, quá giới hạn {max_mb} MB của một tệp minh chứng; "
                "hãy chụp ảnh với kích thước nhỏ hơn hoặc nén tệp rồi chọn lại.")
    if not _content_is(extension, upload.data):
        return f"Nội dung tệp «{name}» không phải tệp .{extension} (tệp hỏng hoặc bị đổi tên); hãy chọn đúng tệp."
    return None


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _file_name(raw: str) -> str:
    """The name without a folder, one line, not too long (the end, with the extension, kept)."""
    name = " ".join(validate.clean(raw).replace("\\", "/").rsplit("/", 1)[-1].split()) or "minh-chung"
    if len(name) <= MAX_NAME:
        return name
    stem, dot, extension = name.rpartition(".")
    return stem[:MAX_NAME - len(extension) - 1] + dot + extension if dot else name[:MAX_NAME]


def _content_is(extension: str, data: bytes) -> bool:
    """Whether the bytes are the kind their name says: each kind starts its own way; Word and Excel are zip
    packages holding their main part."""
    if extension in ("jpg", "jpeg"):
        return data[:3] == b"\xff\xd8\xff"
    if extension == "png":
        return data[:8] == b"\x89PNG\r\n\x1a\n"
    if extension == "webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if extension == "heic":
        return data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis",
                                                         b"mif1", b"msf1")
    if extension == "pdf":
        return data[:5] == b"%PDF-"
    main = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[extension]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return main in package.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def _thumbnail(data: bytes) -> bytes | None:
    """A small JPEG of a photo, upright as the phone held it; None when the picture cannot be read. Made once, at
    upload: the history shows it without reading the photo again, and a phone is not sent megabytes."""
    from PIL import Image, ImageOps  # local: only an upload needs it

    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture = ImageOps.exif_transpose(picture)
            picture.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            out = io.BytesIO()
            picture.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


# -- stored with an entry ---------------------------------------------------------------------------------------
def store(cur, update_id: int, evidence: Evidence) -> None:
    """The entry's file, replacing the one it had: in the caller's transaction."""
    cur.execute("DELETE FROM progress_evidence WHERE update_id = ?", [update_id])
    cur.execute("INSERT INTO progress_evidence VALUES (?, ?, ?, ?, ?, ?, ?)",
                [update_id, evidence.file_name, evidence.media_type, len(evidence.data), evidence.sha256,
                 evidence.data, evidence.thumbnail])


def stored(cur, update_id: int) -> str | None:
    """What the audit log says of an entry's file (Evidence.said), read in the caller's transaction."""
    found = cur.execute("SELECT file_name, size_bytes, sha256 FROM progress_evidence WHERE update_id = ?",
                        [update_id]).fetchone()
    return _said(*found) if found else None


def remove(cur, update_id: int) -> None:
    cur.execute("DELETE FROM progress_evidence WHERE update_id = ?", [update_id])


def delete_for_task(cur, task_id: int) -> None:
    """A task deleted: its entries' files first (DuckDB does not cascade)."""
    cur.execute("DELETE FROM progress_evidence WHERE update_id IN (SELECT id FROM progress_updates WHERE task_id = ?)",
                [task_id])


# -- read by whoever may see the task's progress -------------------------------------------------------------------
def files(db: Database, actor: Actor, task_id: int) -> pd.DataFrame:
    """The files of a task's entries, newest first, with a photo's thumbnail (never the file itself): for those who
    see the task's progress (permission view_evidence); nothing for others (the projector)."""
    if not actor.can("view_evidence"):
        return pd.DataFrame(columns=["update_id", "recorded_at", "progress", "withdrawn", "file_name", "media_type",
                                     "size_bytes", "thumbnail"])
    return db.query(
        "SELECT p.id AS update_id, p.recorded_at, p.progress, p.withdrawn_at IS NOT NULL AS withdrawn, e.file_name,"
        " e.media_type, e.size_bytes, e.thumbnail FROM progress_updates p JOIN progress_evidence e"
        " ON e.update_id = p.id WHERE p.task_id = ? ORDER BY p.id DESC", [task_id])


def content(db: Database, actor: Actor, update_id: int) -> bytes:
    """A file's bytes, for the download button: read afresh each time, never kept among the reads (a few files of
    ten megabytes would fill that memory)."""
    require(actor, "view_evidence")
    found = db.fresh_one("SELECT content FROM progress_evidence WHERE update_id = ?", [update_id])
    if found is None:
        raise InputError("Không tìm thấy tệp minh chứng; có thể cập nhật đã được sửa. Hãy tải lại trang.")
    return bytes(found[0])
