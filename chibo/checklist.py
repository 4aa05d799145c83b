"""The secretary's month: the steps the rules set around each regular meeting (labels.MONTH_STEPS), the day each is
due — computed from the cell's meeting day and its meeting rules (meetings.DEFAULT_MEETING_RULES) —, what the data
says of each (done on time, when and by whom; done late; due; late; switched off), the reminders on the committee's
first screen, and the term's history month by month.

A step's fact comes from the record that already holds it: the draft and the chi ủy's agreement from the
resolution's lifecycle (the audit log says when and by whom; the secretary may give the real day), the meeting from
its record and its times, the documents issued from what was uploaded and sent (document_deliveries), the month's
close from its evaluation. The notice and the documents uploaded before the meeting have no other record: the
secretary marks them (month_steps)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pandas as pd

from chibo import audit, cell, documents, evaluations, meetings, months, validate
from chibo.db import Database, Transaction, memoised
from chibo.errors import InputError
from chibo.labels import MONTH_STEPS, STEP_STATES, vn_date
from chibo.permissions import Actor, require

# The steps the secretary marks done with a day. The first two are the lifecycle's (creating the draft, «Chi ủy đã
# thống nhất dự thảo»): marking them gives the day they were really taken, once the lifecycle holds them.
MARKED = ("draft", "agree", "notice", "uploaded_before")
# The audit log's words for the lifecycle steps the checklist reads (documents.insert, documents.agree).
_LIFECYCLE_ACTIONS = {"draft": documents.CREATED, "agree": documents.AGREED}
# How the term's history counts a month's steps.
HISTORY_BUCKETS = {"on_time": "Đúng hạn", "late": "Trễ hạn, chưa đạt", "missed": "Quá hạn, chưa làm", "pending": "Chưa đến hạn"}
_BUCKET_OF = {"done": "on_time", "done_late": "late", "short": "late", "late": "missed", "due": "pending"}


@dataclass(frozen=True)
class Step:
    key: str
    month: date
    due: date
    state: str
    done_on: date | None = None
    done_by: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        return MONTH_STEPS[self.key]

    @property
    def state_label(self) -> str:
        return STEP_STATES[self.state]

    @property
    def said(self) -> str:
        """'ngày 01/11/2026 (bithu) · the note'; the note alone, or nothing, while the step is not done."""
        parts = [self.note] if self.note else []
        if self.done_on:
            parts.insert(0, f"ngày {vn_date(self.done_on)}" + (f" ({self.done_by})" if self.done_by else ""))
        return " · ".join(parts)


def sees_checklist(actor: Actor) -> bool:
    """The checklist and its reminders are the committee's tool: not the members', not the projector's."""
    return actor.can("edit_plans")


# -- the days ------------------------------------------------------------------------------------------------------
def due_dates(meeting_on: date, next_meeting_on: date, rules: dict) -> dict[str, date]:
    """The day each step of a month is due, from the day of its regular meeting and of the next one."""
    dates = {step: meetings.due_before(meeting_on, step, rules) for step in meetings.DAYS_BEFORE}
    return dates | {"meeting": meeting_on, "issued": meeting_on + timedelta(days=rules["send_within_days"]),
                    "closed": next_meeting_on}


def meeting_day(db: Database, month: date) -> date:
    """The day of a month's regular meeting: as held, once recorded; else as the cell's meeting day plans it."""
    meeting_id = meetings.meeting_for_month(db, month)
    return meetings.get(db, meeting_id)["held_on"] if meeting_id else months.meeting_date(db, month)


def step_dates(db: Database, month: date) -> dict[str, date]:
    month = months.month_start(month)
    return due_dates(meeting_day(db, month), meeting_day(db, months.next_month(month)), meetings.meeting_rules(db))


def state_of(due: date, done_on: date | None, today: date) -> str:
    if done_on is not None:
        return "done" if done_on <= due else "done_late"
    return "due" if today <= due else "late"


# -- what the data says ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Done:
    on: date
    by: str = ""
    note: str = ""
    short: bool = False  # the meeting: held, but shorter than the minimum


@memoised
def done_facts(db: Database, month: date, today: date) -> dict[str, Done]:
    """Step -> when it was done and by whom, for each step the data shows done by `today`. A day the clock put after
    `today` (the app living on a fixed day, CHIBO_TODAY) reads as today: the step is done either way."""
    month = months.month_start(month)
    marked = {step: Done(done_on, who) for step, done_on, who in
              db.rows("SELECT step, done_on, username FROM month_steps WHERE month = ?", [month])}
    facts = {step: done for step, done in marked.items() if step not in _LIFECYCLE_ACTIONS}
    resolution = documents.monthly_resolution(db, month)
    if resolution is not None:  # a lifecycle step counts once the lifecycle holds it; a mark gives its real day
        facts |= {step: marked.get(step, done) for step, done in _lifecycle_facts(db, resolution.id).items()}
    facts |= _issued_fact(db, month) | _closed_fact(db, month)
    facts = {step: done if done.on <= today else Done(today, done.by, done.note) for step, done in facts.items()}
    return facts | _meeting_fact(db, month, today)


def _lifecycle_facts(db: Database, document_id: int) -> dict[str, Done]:
    """When the draft was made and the chi ủy agreed it (first time), and by whom, as the audit log recorded it."""
    rows = db.rows("SELECT action, min(logged_at), arg_min(username, logged_at) FROM audit_log"
                   " WHERE entity = 'documents' AND entity_id = ? AND action IN (?, ?) GROUP BY action",
                   [document_id, *_LIFECYCLE_ACTIONS.values()])
    step_of = {action: step for step, action in _LIFECYCLE_ACTIONS.items()}
    return {step_of[action]: Done(logged_at.date(), who) for action, logged_at, who in rows}


def _meeting_fact(db: Database, month: date, today: date) -> dict[str, Done]:
    """The month's regular meeting, once held (a meeting set up for a later day is not), with how long it lasted."""
    meeting_id = meetings.meeting_for_month(db, month)
    if meeting_id is None or meetings.get(db, meeting_id)["held_on"] > today:
        return {}
    meeting = meetings.get(db, meeting_id)
    minutes, minimum = meetings.held_minutes(meeting), meetings.minimum_minutes(db, meeting)
    note = (f"chưa ghi giờ bắt đầu, kết thúc (tối thiểu {minimum} phút)" if minutes is None
            else f"sinh hoạt {minutes} phút (tối thiểu {minimum} phút)")
    return {"meeting": Done(meeting["held_on"], meeting["chair"] or "", note,
                            short=minutes is not None and minutes < minimum)}


def _issued_fact(db: Database, month: date) -> dict[str, Done]:
    """Done once the month's resolution is adopted and it and the report on the month before (if that month had a
    resolution) are each uploaded to Sổ tay and sent to the Đảng ủy: on the day the last of these was done."""
    resolution = documents.monthly_resolution(db, month)
    issued = meetings.issued_documents(db, month)
    wanted = 1 + (documents.monthly_resolution(db, months.previous_month(month)) is not None)
    if resolution is None or not resolution.locked or len(issued) < wanted:
        return {}
    ids = [doc.id for doc in issued]
    count, last, who = db.one(f"SELECT count(*), max(done_on), arg_max(username, done_on) FROM document_deliveries"
                              f" WHERE document_id IN ({', '.join('?' * len(ids))})", ids)
    if count < 2 * len(ids):
        return {}
    return {"issued": Done(last, who, "nghị quyết, báo cáo đã đăng Sổ tay và gửi Đảng ủy")}


def _closed_fact(db: Database, month: date) -> dict[str, Done]:
    evaluation = evaluations.get(db, month)
    if not evaluation or not evaluation["closed_at"]:
        return {}
    who = db.scalar("SELECT username FROM users WHERE id = ?", [evaluation["closed_by"]]) or ""
    return {"closed": Done(evaluation["closed_at"].date(), who)}


def month_checklist(db: Database, month: date, today: date) -> list[Step]:
    """The month's steps in order, each with its day and its state on `today`."""
    month = months.month_start(month)
    rules, dates, facts = meetings.meeting_rules(db), step_dates(db, month), done_facts(db, month, today)
    names = audit.shown_names(db)
    facts = {key: replace(done, by=names.get(done.by, done.by)) for key, done in facts.items()}
    return [_step(key, month, dates[key], facts.get(key), rules, today) for key in MONTH_STEPS]


def _step(key: str, month: date, due: date, done: Done | None, rules: dict, today: date) -> Step:
    if key in rules["off_steps"]:
        return Step(key, month, due, "off")
    if done is None:
        return Step(key, month, due, state_of(due, None, today))
    state = state_of(due, done.on, today)
    return Step(key, month, due, "short" if state == "done" and done.short else state, done.on, done.by, done.note)


# -- the first screen ----------------------------------------------------------------------------------------------
def followed_months(db: Database, today: date) -> list[date]:
    """The months whose checklist matters on `today`: the last one, this one and the next — from the first month the
    cell kept in chibo (else the first whose meeting is still ahead), so a cell that starts using chibo today is not
    told it missed what it did on paper."""
    current = months.month_start(today)
    kept = documents.resolution_months(db)
    first = min(kept) if kept else current if meeting_day(db, current) >= today else months.next_month(current)
    return [m for m in (months.previous_month(current), current, months.next_month(current)) if m >= first]


def reminders(db: Database, actor: Actor, today: date) -> list[Step]:
    """Steps due within the cell's reminder days, or late — for the committee only, soonest first."""
    if not sees_checklist(actor) or not cell.exists(db):
        return []
    within = meetings.meeting_rules(db)["remind_within_days"]
    found = [step for month in followed_months(db, today) for step in month_checklist(db, month, today)
             if step.state == "late" or (step.state == "due" and (step.due - today).days <= within)]
    return sorted(found, key=lambda step: (step.due, list(MONTH_STEPS).index(step.key)))


def reminder_text(step: Step, today: date) -> str:
    """One line of the reminder: what, which month, and how late or how soon."""
    days = (step.due - today).days
    when = (f"quá hạn {-days} ngày (hạn {vn_date(step.due)})" if days < 0 else
            "hạn hôm nay" if days == 0 else f"còn {days} ngày (hạn {vn_date(step.due)})")
    return f"{step.label} — tháng {step.month.month}/{step.month.year}: {when}"


def table(steps: list[Step]) -> pd.DataFrame:
    """The checklist as a page shows it."""
    return pd.DataFrame([{"step": s.label, "due": s.due, "state": s.state_label, "done": s.said} for s in steps],
                        columns=["step", "due", "state", "done"])


# -- marking a step done ----------------------------------------------------------------------------------------------
def mark_done(db: Database, actor: Actor, month, step: str, done_on, today: date) -> None:
    """The secretary records the day a step was done (the notice, the documents uploaded before the meeting) or
    the real day of a lifecycle step (the draft made, the chi ủy's agreement). Marking again replaces the day."""
    require(actor, "edit_plans")
    month = months.month_start(validate.a_date(month, "Tháng"))
    step = validate.choice(step, {key: MONTH_STEPS[key] for key in MARKED}, "Bước")
    done_on = validate.a_date(done_on, "Ngày thực hiện")
    if done_on > today:
        raise InputError("Ngày thực hiện không thể ở tương lai.")
    if done_on < months.previous_month(month):
        raise InputError(f"Ngày {vn_date(done_on)} quá xa trước tháng {month.month}/{month.year}; hãy kiểm tra lại.")

    def work(cur):
        if step in _LIFECYCLE_ACTIONS:
            _require_lifecycle(cur, month, step)
        before = cur.execute("SELECT done_on, username FROM month_steps WHERE month = ? AND step = ?",
                             [month, step]).fetchone()
        cur.execute("INSERT INTO month_steps VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (month, step) DO UPDATE SET"
                    " done_on = excluded.done_on, user_id = excluded.user_id, username = excluded.username,"
                    " recorded_at = excluded.recorded_at",
                    [month, step, done_on, actor.user_id, actor.username, datetime.now()])
        audit.log(cur, actor, "ghi nhận bước công việc tháng", "month_steps", None,
                  {"month": month, "step": step, "done_on": before[0]} if before else None,
                  {"month": month, "step": step, "done_on": done_on})
    db.write(work)


def _require_lifecycle(cur, month: date, step: str) -> None:
    inside = Transaction(cur)
    resolution = documents.monthly_resolution(inside, month)
    if resolution is None:
        raise InputError(f"Tháng {month.month}/{month.year} chưa có dự thảo nghị quyết; hãy lập dự thảo trước.")
    if step == "agree" and "agree" not in _lifecycle_facts(inside, resolution.id):
        raise InputError("Dự thảo chưa được ghi nhận chi ủy thống nhất; hãy bấm «Chi ủy đã thống nhất dự thảo» ở thẻ "
                         "«Thông qua» trước.")


# -- the term's history ------------------------------------------------------------------------------------------------
def term_months(db: Database, today: date) -> list[date]:
    """The months of the current term up to this one, from the first month the cell kept in chibo."""
    term = cell.current_term(db, today)
    kept = documents.resolution_months(db)
    if term is None or not kept:
        return []
    first = max(months.month_start(term.start_date), min(kept))
    last = min(months.month_start(term.end_date), months.month_start(today))
    found, month = [], first
    while month <= last:
        found.append(month)
        month = months.next_month(month)
    return found


@memoised
def history(db: Database, today: date) -> pd.DataFrame:
    """Per month of the term: how many steps were done on time, late (or short of the minimum), missed, are still
    pending, or are switched off — what the term review and the cell's annual rating cite."""
    rows = []
    for month in term_months(db, today):
        states = [step.state for step in month_checklist(db, month, today)]
        counts = {bucket: 0 for bucket in HISTORY_BUCKETS}
        for state in states:
            if state in _BUCKET_OF:
                counts[_BUCKET_OF[state]] += 1
        rows.append({"month": month, **counts, "off": states.count("off")})
    return pd.DataFrame(rows, columns=["month", *HISTORY_BUCKETS, "off"])
