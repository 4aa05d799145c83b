"""Documents as .docx in the Party layout: the builders, and the format profile they read."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from datetime import date

from chibo import cell, documents, meetings, months, versions
from chibo.db import Database, Transaction
from chibo.docs import builders, pack, pdf, wording
from chibo.docs.profile import DEFAULT_PROFILE, PROFILE_LABELS, profile, profile_form, save_profile, validate_profile
from chibo.errors import InputError
from chibo.permissions import Actor, require

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"
DELIVERY_CHANNELS = pack.CHANNELS
KINDS = {
    "resolution": ("nghi-quyet", builders.resolution),
    "program": ("chuong-trinh-hanh-dong", builders.action_program),
    "report": ("bao-cao", builders.report),
    "minutes": ("bien-ban", builders.minutes),
}


def export_bytes(db: Database, actor: Actor, kind: str, document_id: int, today: date) -> bytes:
    """Build one document; any missing piece stops it with a Vietnamese message and no file."""
    require(actor, "export")
    if kind not in KINDS:
        raise InputError(f"Không có loại văn bản «{kind}». Chọn: {', '.join(KINDS)}.")
    if not cell.exists(db):
        raise InputError("Chưa có hồ sơ chi bộ.")
    if kind == "report":  # the report is a document of its own: made (and numbered once the month is closed) here
        documents.month_report(db, actor, months.previous_month(documents.get(db, int(document_id)).month))
    if kind == "minutes":  # so are the minutes, whose wording outlives the resolution's lock
        documents.month_minutes(db, actor, documents.get(db, int(document_id)).month)
    with _young_garbage_collected():
        return KINDS[kind][1](db, profile(db), int(document_id), today)


@contextmanager
def _young_garbage_collected():
    """python-docx leaves its package (parts, relationships, lxml trees) in reference cycles: ~20 MB per
    large export that only a full collection finds, and a server's full collections are rare. With the
    collector paused, nothing made during the export grows old, so collecting the youngest generation
    afterwards frees all of it at a cost proportional to the export, not to the whole process."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
        gc.collect(0)


def export_pdf(db: Database, actor: Actor, kind: str, document_id: int, today: date) -> bytes:
    """The same document as PDF (LibreOffice); the .docx stays the one to edit."""
    return pdf.from_docx(export_bytes(db, actor, kind, document_id, today))


# The month's upload pack and the record of what was uploaded and sent (chibo.docs.pack).
upload_pack, mark_delivered, deliveries, pack_made_at = pack.make, pack.mark, pack.deliveries, pack.made_at


MINUTES_FACTS = {"starts_at": "Giờ bắt đầu", "ends_at": "Giờ kết thúc", "guests": "Đại biểu dự",
                 "conclusion": "Kết luận của đồng chí chủ trì"}
_FACT_SECTIONS = {"guests": "bb_dai_bieu", "conclusion": "bb_ket_luan"}


def minutes_facts(db: Database, month: date) -> dict[str, str]:
    """What the meeting screen recorded for the minutes so far: guests and the chair's conclusion."""
    minutes_doc = documents.minutes_of(db, month)
    saved = documents.sections(db, minutes_doc.id) if minutes_doc else {}
    return {fact: saved.get(section, "") for fact, section in _FACT_SECTIONS.items()}


def _facts(db: Database, month: date, meeting_id: int) -> dict:
    meeting = meetings.get(db, meeting_id)
    return {"starts_at": meeting["starts_at"], "ends_at": meeting["ends_at"]} | minutes_facts(db, month)


def minutes_facts_form(db: Database, month: date, meeting_id: int) -> versions.Opened:
    """What the meeting screen's minutes form is opened on: times, guests and conclusion as recorded."""
    return versions.opened(_facts(db, month, meeting_id))


def record_minutes_facts(db: Database, actor: Actor, month: date, starts_at, ends_at, guests: str, conclusion: str,
                         today: date, opened: str | None = None, presenters: dict[str, int | None] | None = None) -> None:
    """From the meeting screen: when the meeting began and ended, who attended as a guest, who presented the report
    and the draft (`presenters`, None: unchanged), what the chair concluded — into the meeting record and the month's
    minutes, in one transaction. `opened`: the version of the form
    (minutes_facts_form); facts recorded since by someone else refuse the save."""
    from chibo import validate
    notes = {"guests": validate.text(guests, "Đại biểu dự", required=False, max_len=400),
             "conclusion": validate.long_text(conclusion, "Kết luận của chủ trì")}
    notes = {key: value for key, value in notes.items() if value}  # left empty: what is recorded stays
    if "guests" in notes and not notes["guests"].lower().startswith("đại biểu"):
        notes["guests"] = f"Đại biểu dự: {notes['guests'].rstrip('.')}."

    def work(cur):  # checked first; the minutes made (the first time) in the same transaction as the facts
        inside = Transaction(cur, db.path)
        minutes_doc = documents.month_minutes(inside, actor, month)
        versions.check(cur, opened, _facts(inside, month, minutes_doc.meeting_id),
                       {"starts_at": starts_at, "ends_at": ends_at} | notes, what="biên bản của buổi sinh hoạt",
                       labels=MINUTES_FACTS, entity="documents", entity_id=minutes_doc.id)
        meetings.record_times(inside, actor, minutes_doc.meeting_id, starts_at, ends_at)
        if presenters is not None:
            meetings.set_presenters(inside, actor, minutes_doc.meeting_id, presenters)
        if notes:
            documents.save_sections(inside, actor, minutes_doc.id,
                                    {_FACT_SECTIONS[fact]: value for fact, value in notes.items()})
    db.write(work)


def _wording_of(db: Database, kind: str, document_id: int, today: date, as_saved: bool) -> list:
    doc = documents.get(db, int(document_id))
    if kind == "resolution":
        return wording.resolution(db, doc, today, as_saved)
    if kind == "report":
        return wording.report(db, doc, today, as_saved)
    if kind == "minutes":
        return wording.minutes(db, doc, today, as_saved)
    raise InputError("Chỉ nghị quyết, báo cáo và biên bản có lời văn sửa được trong ứng dụng.")


def rewordable(db: Database, actor: Actor, kind: str, document_id: int, today: date) -> list:
    """The parts of a document the committee may reword, each with the text it now reads: read by those who may
    export it, as it states what only they see (absence reasons, reminders)."""
    require(actor, "export")
    return wording.editable(_wording_of(db, kind, document_id, today, as_saved=True))


def wording_form(db: Database, actor: Actor, kind: str, document_id: int, today: date) -> versions.Opened:
    """What a document's wording form is opened on: its rewordable parts as they read now; the version is of the
    wording kept for them."""
    parts = rewordable(db, actor, kind, document_id, today)
    return versions.Opened(parts, documents.sections_form(db, int(document_id), [p.key for p in parts]).version)


def save_wording(db: Database, actor: Actor, kind: str, document_id: int, edited: dict[str, str], today: date,
                 opened: str | None = None) -> None:
    """Keep the committee's wording of each part; a part left as pre-filled (or emptied) follows the data again.
    `opened`: the version of the form (wording_form): wording kept since by someone else refuses the save."""
    parts = wording.editable(_wording_of(db, kind, document_id, today, as_saved=False))
    prefilled = {p.key: p.text for p in parts}
    unknown = set(edited) - set(prefilled)
    if unknown:
        raise InputError("Có phần lời văn không thuộc văn bản này; hãy tải lại trang.")
    kept = {key: "" if value.strip() == prefilled[key].strip() else value.strip() for key, value in edited.items()}
    documents.save_sections(db, actor, int(document_id), kept, opened, {p.key: p.label for p in parts})


def implementation_template(db: Database) -> str:
    """The cell's own wording of the resolution's «Tổ chức thực hiện», before any document rewords it."""
    return wording.with_superior_mark(cell.setting(db, "implementation_text", wording.DEFAULT_IMPLEMENTATION))


def implementation_form(db: Database):
    """What the form of the «Tổ chức thực hiện» wording is opened on."""
    stored = cell.setting_form(db, "implementation_text", wording.DEFAULT_IMPLEMENTATION)
    return versions.Opened(wording.with_superior_mark(stored.values), stored.version)


def save_implementation_template(db: Database, actor: Actor, text: str, opened: str | None = None) -> None:
    """The cell's «Tổ chức thực hiện». `opened`: the version of its form (implementation_form)."""
    from chibo import validate
    cell.save_setting(db, actor, "implementation_text", validate.long_text(text, "Tổ chức thực hiện", required=True),
                      opened, {"implementation_text": "Tổ chức thực hiện"}, "lời văn mẫu «Tổ chức thực hiện»")


def filename(db: Database, kind: str, document_id: int, today: date, extension: str = "docx") -> str:
    """The file a person would save: NQ-06-CB-2026-11.docx, BC-05-CB-2026-10.pdf, BB-2026-11.docx; a program by
    its kind and day."""
    doc = documents.get(db, document_id)
    named = documents.issued_with(db, doc, kind) if doc.kind == "nq_thang" else None
    if named is not None:
        return f"{pack.file_stem(named)}.{extension}"
    stamp = f"{doc.month:%Y-%m}" if doc.month else f"{doc.issued_on or today:%Y-%m-%d}"
    return f"{KINDS[kind][0]}-{stamp}.{extension}"


__all__ = ["DEFAULT_PROFILE", "DELIVERY_CHANNELS", "DOCX_MIME", "MINUTES_FACTS", "PDF_MIME", "PROFILE_LABELS",
           "deliveries", "export_bytes", "export_pdf", "filename", "implementation_form", "implementation_template",
           "mark_delivered", "minutes_facts", "minutes_facts_form", "pack_made_at", "profile", "profile_form",
           "record_minutes_facts", "rewordable", "save_implementation_template", "save_profile", "save_wording",
           "upload_pack", "validate_profile", "wording_form"]
