"""The upload pack of a month: the resolution, the report to the Đảng ủy and the minutes, each as PDF and .docx,
in one .zip named as a person would name them; when it was made, and when each document was uploaded to Sổ tay
đảng viên or sent to the Đảng ủy."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pandas as pd

from chibo import audit, documents, months, validate
from chibo.db import Database
from chibo.docs import builders, pdf
from chibo.docs.profile import profile
from chibo.errors import InputError
from chibo.permissions import Actor, require

CHANNELS = {"so_tay": "Đã đăng Sổ tay đảng viên", "dang_uy": "Đã gửi Đảng ủy"}
BUILDERS = {"resolution": builders.resolution, "report": builders.report, "minutes": builders.minutes}


def file_stem(doc: documents.Document) -> str:
    """'NQ-06-CB-2026-11', 'BC-05-CB-2026-10', 'BB-2026-11'; a draft says so instead of a number."""
    code = {"nq_thang": "NQ", "bao_cao": "BC", "bien_ban": "BB"}[doc.kind]
    month = f"{doc.month:%Y-%m}"
    if doc.kind == "bien_ban":
        return f"{code}-{month}"
    number = f"{doc.number:02d}" if doc.number and doc.locked else "DuThao"
    return f"{code}-{number}-CB-{month}"


def pack_documents(db: Database, actor: Actor, month: date) -> list[tuple[str, documents.Document]]:
    """(kind for export, document) of the month's resolution, the report on the month before, and the minutes."""
    resolution = documents.monthly_resolution(db, month)
    if resolution is None:
        raise InputError(f"Chưa có nghị quyết tháng {month.month}/{month.year}.")
    found = [("resolution", resolution)]
    if documents.monthly_resolution(db, months.previous_month(month)):
        found.append(("report", documents.month_report(db, actor, months.previous_month(month))))
    if resolution.meeting_id:
        found.append(("minutes", documents.month_minutes(db, actor, month)))
    return found


def make(db: Database, actor: Actor, month: date, today: date) -> tuple[str, bytes]:
    """(file name, .zip bytes) of the month's pack; the time it was made is recorded."""
    require(actor, "export")
    month = months.month_start(validate.a_date(month, "Tháng"))
    resolution = documents.monthly_resolution(db, month)
    layout = profile(db)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind, doc in pack_documents(db, actor, month):
            word = BUILDERS[kind](db, layout, resolution.id, today)
            archive.writestr(f"{file_stem(doc)}.docx", word)
            archive.writestr(f"{file_stem(doc)}.pdf", pdf.from_docx(word))
    _record_pack(db, actor, month)
    return f"goi-so-tay-{month:%Y-%m}.zip", buffer.getvalue()


def _record_pack(db: Database, actor: Actor, month: date) -> None:
    def work(cur):
        cur.execute("INSERT INTO upload_packs VALUES (?, ?, ?, ?) ON CONFLICT (month) DO UPDATE SET"
                    " made_at = excluded.made_at, user_id = excluded.user_id, username = excluded.username",
                    [month, datetime.now(), actor.user_id, actor.username])
        audit.log(cur, actor, "tạo gói tải lên Sổ tay", "documents", None, None, {"month": month})
    db.write(work)


def made_at(db: Database, month: date) -> datetime | None:
    return db.scalar("SELECT made_at FROM upload_packs WHERE month = ?", [months.month_start(month)])


def mark(db: Database, actor: Actor, document_id: int, channel: str, done_on, today: date) -> None:
    """The secretary marks a document uploaded to Sổ tay đảng viên or sent to the Đảng ủy, on a day."""
    require(actor, "export")
    channel = validate.choice(channel, CHANNELS, "Việc đã làm")
    done_on = validate.a_date(done_on, "Ngày")
    if done_on > today:
        raise InputError("Ngày đăng, gửi văn bản không thể ở tương lai.")

    def work(cur):
        doc = documents.get_in(cur, document_id)
        if doc.issued_on and done_on < doc.issued_on:
            raise InputError(f"Văn bản ban hành ngày {doc.issued_on:%d/%m/%Y}; không thể đăng, gửi trước ngày đó.")
        cur.execute("INSERT INTO document_deliveries VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (document_id, channel)"
                    " DO UPDATE SET done_on = excluded.done_on, user_id = excluded.user_id,"
                    " username = excluded.username, recorded_at = excluded.recorded_at",
                    [document_id, channel, done_on, actor.user_id, actor.username, datetime.now()])
        audit.log(cur, actor, CHANNELS[channel].lower(), "documents", document_id, None, {"done_on": done_on})
    db.write(work)


def deliveries(db: Database, month: date) -> pd.DataFrame:
    """The month's documents with when each was uploaded and sent, and by whom; `label` names each as a person
    does ("Nghị quyết thường kỳ số 06", "Biên bản")."""
    frame = _deliveries(db, month)
    names = audit.shown_names(db)  # who did it, by the name they go by
    frame = frame.assign(uploaded_by=frame["uploaded_by"].map(names.get).fillna(frame["uploaded_by"]),
                         sent_by=frame["sent_by"].map(names.get).fillna(frame["sent_by"]))
    return frame.assign(label=[_label(kind, number, status) for kind, number, status in
                               zip(frame["kind"], frame["number"], frame["status"])],
                        said=[_said(row) for row in frame.itertuples()])


def _said(row) -> str:
    """'đăng Sổ tay ngày 04/11/2026 (Lê Thu Nga); gửi Đảng ủy ngày 05/11/2026 (Lê Thu Nga)', or that neither is
    done."""
    from chibo.labels import vn_date
    done = [f"{verb} ngày {vn_date(day)} ({who})" for verb, day, who in
            (("đăng Sổ tay", row.uploaded_on, row.uploaded_by), ("gửi Đảng ủy", row.sent_on, row.sent_by))
            if isinstance(who, str)]
    return "; ".join(done) or "chưa đăng, chưa gửi"


def _label(kind: str, number, status: str) -> str:
    from chibo.labels import DOC_KINDS, missing
    numbered = not missing(number) and number and status != "draft"
    return DOC_KINDS[kind] + (f" số {int(number):02d}" if numbered else "")


def _deliveries(db: Database, month: date) -> pd.DataFrame:
    month = months.month_start(month)
    return db.query(
        "SELECT d.id, d.kind, d.number, d.status, d.month, s.done_on AS uploaded_on, s.username AS uploaded_by,"
        " u.done_on AS sent_on, u.username AS sent_by"
        " FROM documents d LEFT JOIN document_deliveries s ON s.document_id = d.id AND s.channel = 'so_tay'"
        " LEFT JOIN document_deliveries u ON u.document_id = d.id AND u.channel = 'dang_uy'"
        " WHERE (d.kind IN ('nq_thang', 'bien_ban') AND d.month = ?) OR (d.kind = 'bao_cao' AND d.month = ?)"
        " ORDER BY CASE d.kind WHEN 'nq_thang' THEN 0 WHEN 'bao_cao' THEN 1 ELSE 2 END",
        [month, months.previous_month(month)])
