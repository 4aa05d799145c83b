"""What the meeting display shows: each agenda item of the regular meeting on display, one block of HTML per page,
made once per write. The projector asks for it every few seconds; between writes the answer cannot change, and a
single block is one element for Streamlit to send instead of a dozen. Every text that people typed (names, task
titles, remarks) is escaped.

The projected screen never scrolls. Its type is sized in a unit that is 16 px on the smallest screen it must fill —
1024×720 CSS pixels, which a 1024×768 projector and a 1280×720 one both hold — and grows with larger screens (STYLE),
so one layout, computed here from the length of each row, fits every projector: a long list is cut into pages
(`layout`), a short one gets larger type. Every screen of the meeting shows the same page, held on the server with
the item (meetings.display_position): the secretary's «Tiếp ▶» turns it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from chibo import audit, dashboard, evaluations, meetings, members, plans, tasks
from chibo.db import Database, memoised
from chibo.labels import ATTENDANCE, FIELDS, TASK_STATUSES, missing, vn_date, vn_percent, vn_weekday
from chibo.permissions import Actor

SECTIONS = meetings.AGENDA

# The display is projected to the room: it shows what the projector's role may see (permissions.PERSONAL_DATA, and
# the reads that take an actor), whoever drives it — never an absence's or an extension request's reason.
ROOM = Actor(None, "man_chieu", "trinh_chieu")

# -- the layout, in `em` of the display's unit (16 px on a 1024×720 screen) ------------------------------------------
WIDTH = 61.0    # the body's width: 64 em less the page's margins (2 em) and 1 em for a font that runs wider
HEIGHT = 36.0   # the body's height: 45 em less the header (1.875), the title (3.19), the footer (2.75) and the top
#                 margin (0.5), with 0.69 em to spare (the estimate of a row errs long: `lines`, CHAR)
SIZES = (2.5, 2.25, 2.0, 1.75)  # a row's type, largest first. 1.75 em is 28 px on a 720 px screen, 3.9 % of its
#                 height — about a 21-point line on a slide, the smallest the back of a classroom reads
LINE = 1.25     # a row's line height, in its own type
GAP = 0.3       # between two rows, in the rows' type
CHAR = 0.46     # a character's average width in Source Sans, Streamlit's font (measured on the demo's titles and
#                 names: 0.444 regular, 0.454 semibold; a short name up to 0.52, which a long row averages out)
CHIP = 0.7      # a status chip's type, in the rows' type; its padding is 0.5 em each side
GROUP = 0.75    # a group's heading, in the rows' type, line height 1.3
REMARK = 0.85   # a remark, in the rows' type, with a 0.85 em rule and gap on its left
TILES = 6.1     # the figures' tiles: a 3.5 em number (line 1.1), a 1.375 em label (line 1.25), 0.5 em under them
LEAD = 1.5      # a sentence above the rows, line height 1.3, 0.4 em under it

# A status chip's colour: white type on a dark colour (contrast 7:1 or more, so a washed-out projector still shows it),
# and always the status's name in it — never the colour alone.
TONES = {"done": "#1b5e20", "late": "#8a4500", "overdue": "#a51818", "failed": "#6d0f0f", "doing": "#0d47a1",
         "waiting": "#455a64", "paused": "#5e35b1", "pending": "#6d4c41"}
STATUS_TONES = {"done": "done", "done_late": "late", "overdue": "overdue", "not_done": "failed", "in_progress": "doing",
                "not_started": "waiting", "paused": "paused"}
BAND_TONES = {"xanh": "done", "vang": "late", "do": "overdue", "chua_co": "waiting"}
ABSENCE_TONES = {"absent_excused": "waiting", "absent_unexcused": "overdue"}
PENDING = "Chờ quyết định"

STYLE = "<style>" + """
.chibo-agenda {--u: clamp(10px, 2.6vw, 16px); font-size: var(--u); color: #111; line-height: 1.25}
.chibo-agenda * {box-sizing: border-box}
.st-key-display_controls kbd {display: none}
.chibo-agenda .where {display: flex; flex-wrap: wrap; justify-content: space-between; column-gap: 1em;
  font-size: 1.25em; line-height: 1.3; margin: 0 0 0.2em}
.chibo-agenda .where .position {font-weight: 700; white-space: nowrap}
.chibo-agenda h2 {font-size: 2.5em; line-height: 1.15; font-weight: 700; margin: 0 0 0.125em; padding: 0;
  letter-spacing: normal}
.chibo-agenda .tiles {display: flex; gap: 1.5em; margin: 0 0 0.5em}
.chibo-agenda .tile {flex: 1 1 0}
.chibo-agenda .tile .value {font-size: 3.5em; font-weight: 700; line-height: 1.1}
.chibo-agenda .tile .label {font-size: 1.375em; line-height: 1.25; color: #222}
.chibo-agenda .lead {font-size: 1.5em; line-height: 1.3; margin: 0 0 0.4em}
.chibo-agenda .rows {display: grid; grid-template-columns: max-content 1fr; column-gap: 0.5em; row-gap: 0.3em;
  align-items: baseline; line-height: 1.25}
.chibo-agenda .rows.plain {grid-template-columns: 1fr}
.chibo-agenda .rows .group {grid-column: 1 / -1; font-size: 0.75em; line-height: 1.3; font-weight: 700; color: #7a1010}
.chibo-agenda .rows .remark {grid-column: 1 / -1; font-size: 0.85em; font-style: italic; border-left: 0.25em solid #b71c1c;
  padding-left: 0.6em}
.chibo-agenda .chip {font-size: 0.7em; font-weight: 600; color: #fff; padding: 0.08em 0.5em; border-radius: 0.3em;
  white-space: nowrap; justify-self: start}
.chibo-agenda .what, .chibo-agenda .remark {min-width: 0; overflow-wrap: anywhere}
.chibo-agenda .detail {color: #333}
.chibo-agenda .note {font-size: 1.75em; line-height: 1.3; padding: 0.4em 0.7em; border-radius: 0.3em; margin: 0;
  background: #e3eefa}
.chibo-agenda .note.good {background: #e1f3e5}
.chibo-agenda .foot {display: flex; align-items: center; min-height: 2.75em; font-size: 1em; color: #333;
  white-space: nowrap}
.chibo-agenda .foot span {font-size: 1.125em; min-width: 0; overflow: hidden; text-overflow: ellipsis}
.chibo-agenda .foot .short {color: #b71c1c; font-weight: 700}
@media (max-width: 640px) {.chibo-agenda .rows {grid-template-columns: 1fr; row-gap: 0.15em}
  .chibo-agenda .rows .what {margin-bottom: 0.3em}}
""" + "".join(f".chibo-agenda .tone-{name} {{background: {colour}}}\n" for name, colour in TONES.items()) + "</style>"

# The projected screen: the agenda fills the window (no sidebar, no header), its type grows with the window — the
# unit is 16 px at 1024×720 and scales with whichever side is shorter in proportion —, and the controls sit small in
# the bottom-right corner, over the footer's free end.
PROJECTED = """<style>
[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], [data-testid='stHeader'] {display: none}
[data-testid='stMainBlockContainer'] {padding: 8px 16px 0 !important; max-width: 100% !important}
.chibo-agenda {--u: min(2.2222vh, 1.5625vw)}
.chibo-agenda.screen {height: calc(100vh - 8px); display: flex; flex-direction: column; overflow: hidden}
.chibo-agenda.screen .where {flex-wrap: nowrap; white-space: nowrap}
.chibo-agenda.screen .where .meeting, .chibo-agenda.screen h2 {overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap}
.chibo-agenda.screen .body {flex: 1 1 0; min-height: 0; overflow: hidden}
.chibo-agenda.screen .foot {padding-right: 30em}
:has(> .st-key-display_controls) {position: fixed; right: 12px; bottom: 4px; z-index: 100; width: auto !important;
  opacity: 0.8; background: #fff; border-radius: 0.5rem}
:has(> .st-key-display_controls):hover, :has(> .st-key-display_controls):focus-within {opacity: 1}
</style>"""

# The secretary's own device, full screen: no sidebar (the toggle under «Thư ký»).
NO_SIDEBAR = "<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] {display: none}</style>"


# -- pages: rows in, pages out (pure) ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One line of a list on the display; texts as plain text (escaped when drawn)."""
    main: str
    detail: str = ""       # after the main text, lighter
    chip: str = ""         # a status, by its name
    tone: str = ""         # the chip's colour (TONES)
    group: str = ""        # the heading the row sits under
    remark: bool = False   # a remark recorded for the item

    @property
    def text(self) -> str:
        return self.main + self.detail


@dataclass(frozen=True)
class Layout:
    size: float                           # the rows' type, em
    pages: tuple[tuple[int, ...], ...]    # indexes of the rows on each page; at least one page, maybe empty


def lines(text: str, per_line: int) -> int:
    """How many lines `text` takes wrapped at word boundaries, `per_line` characters a line; a word longer than a
    line is broken across lines, as the browser does (overflow-wrap)."""
    count, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > per_line:
            count, used = count + 1, 0
        if used:
            used += 1 + len(word)
        else:
            count += (len(word) - 1) // per_line
            used = (len(word) - 1) % per_line + 1
    return count


def chip_width(rows: tuple[Row, ...]) -> float:
    """The chips' column, in em of the rows' type (0 when no row has a chip): the longest chip and the column gap."""
    longest = max((len(row.chip) for row in rows), default=0)
    return CHIP * (longest * CHAR + 1.0) + 0.5 if longest else 0.0


def row_height(row: Row, size: float, chips: float, width: float = WIDTH) -> float:
    """A row's height in em of the display's unit at type `size`, with a `chips` column (chip_width) beside it; a
    group's heading is a row of its own (group_height)."""
    if row.remark:
        per_line = int((width / size - 0.85) / (REMARK * CHAR))
        return lines("💬 " + row.text, per_line) * size * REMARK * LINE + size * GAP
    per_line = int((width / size - chips) / CHAR)
    return lines(row.text, max(per_line, 1)) * size * LINE + size * GAP


def group_height(size: float) -> float:
    return size * (GROUP * 1.3 + GAP)


def pack(rows: tuple[Row, ...], size: float, room: float, width: float = WIDTH) -> list[list[int]]:
    """Rows in their order onto pages of height `room` (em), each as full as it goes. A group's heading comes before
    its first row and again at the top of a page it continues on; a row taller than a page has a page to itself."""
    chips = chip_width(rows)
    pages: list[list[int]] = [[]]
    used, group = 0.0, None
    for index, row in enumerate(rows):
        needs = row_height(row, size, chips, width)
        if row.group and (row.group != group or not pages[-1]):
            needs += group_height(size)
        if pages[-1] and used + needs > room:
            pages.append([])
            needs = row_height(row, size, chips, width) + (group_height(size) if row.group else 0.0)
            used = 0.0
        pages[-1].append(index)
        used, group = used + needs, row.group
    return pages


def layout(rows: tuple[Row, ...], room: float = HEIGHT, width: float = WIDTH, sizes: tuple[float, ...] = SIZES) -> Layout:
    """The rows' type and pages in a body of `room` × `width` em: the largest type that shows them on one page; else
    as few pages as the smallest type needs, with the largest type that still needs no more, the rows spread evenly
    over them (no last page with a single row)."""
    for size in sizes:
        pages = pack(rows, size, room, width)
        if len(pages) == 1:
            return Layout(size, (tuple(pages[0]),))
    fewest = len(pack(rows, sizes[-1], room, width))
    size = next(s for s in sizes if len(pack(rows, s, room, width)) == fewest)
    low, high = 0.0, room  # the smallest page height that still needs no more pages: every page about as full
    for _ in range(30):
        middle = (low + high) / 2
        low, high = (low, middle) if len(pack(rows, size, middle, width)) <= fewest else (middle, high)
    return Layout(size, tuple(tuple(page) for page in pack(rows, size, high, width)))


# -- what each agenda item says ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Body:
    """An agenda item's content: what every page shows above the rows, its height (em), the rows, and the sentence
    said when there are none."""
    top: str = ""
    top_height: float = 0.0
    rows: tuple[Row, ...] = ()
    empty: str = ""
    good: bool = False  # the empty sentence is good news


@memoised
def body(db: Database, today: date, month: date, index: int) -> tuple[Body, Layout]:
    """Agenda item `index` of `month`'s regular meeting (dashboard.display_meeting), with its remarks, and its pages."""
    context = dashboard.display_meeting(db, today, month)
    found = _BODIES[SECTIONS[index][0]](db, context)
    rows = found.rows + _remarks(db, context, SECTIONS[index][0])
    found = Body(found.top, found.top_height, rows, found.empty, found.good)
    return found, layout(rows, HEIGHT - found.top_height)


def pages_of(db: Database, today: date, month: date, index: int) -> int:
    """How many pages agenda item `index` of `month`'s meeting has."""
    return len(body(db, today, month, index)[1].pages)


def page_counts(db: Database, today: date, month: date) -> tuple[int, ...]:
    """How many pages each agenda item has: what «Tiếp ▶» walks through (meetings.step_position)."""
    return tuple(pages_of(db, today, month, index) for index in range(len(SECTIONS)))


def move(db: Database, actor: Actor, today: date, month: date, step: int, now: datetime) -> tuple[int, int]:
    """«Tiếp ▶» / «◀ Trước» on the display: `step` pages on through the agenda, item after item."""
    return meetings.move_display(db, actor, month, step, now, page_counts(db, today, month))


def can_step(db: Database, today: date, month: date) -> tuple[bool, bool]:
    """Whether «◀ Trước» and «Tiếp ▶» have somewhere to go from where the display of `month`'s meeting is. Every
    page run asks, after any write during the meeting: only the first and the last item are laid out for it (all six
    take ~0.1 s), the others only when the display moves."""
    item, page = meetings.display_position(db, month)
    last = len(SECTIONS) - 1
    back = item > 0 or min(page, pages_of(db, today, month, 0) - 1) > 0
    return back, item < last or page < pages_of(db, today, month, last) - 1


@memoised
def section_html(db: Database, today: date, month: date, index: int, page: int) -> str:
    """Page `page` of agenda item `index` (kept within its pages) of `month`'s meeting: a header naming the meeting
    and where the display is, the item's title, its body. The footer (screen_html) is added on each refresh."""
    context = dashboard.display_meeting(db, today, month)
    found, laid = body(db, today, month, index)
    page = min(max(page, 0), len(laid.pages) - 1)
    where = f"Mục {index + 1}/{len(SECTIONS)}" + (f" · Trang {page + 1}/{len(laid.pages)}" if len(laid.pages) > 1 else "")
    rows = [found.rows[i] for i in laid.pages[page]]
    content = _rows_html(rows, laid.size, any(row.chip for row in found.rows)) if rows else (
        _note(found.empty, found.good) if found.empty else "")
    return (f"<div class='where'><span class='meeting'>{escape(meeting_line(context))}</span>"
            f"<span class='position'>{where}</span></div>"
            f"<h2>{index + 1}. {escape(SECTIONS[index][1])}</h2><div class='body'>{found.top}{content}</div>")


NOTHING_SCHEDULED = ("Chi bộ chưa có buổi sinh hoạt nào sắp tới trong nhiệm kỳ. Các buổi đã họp: chi ủy mở bằng nút "
                     "«📅 Buổi sinh hoạt» trên trang này.")


def screen(db: Database, today: date, month: date | None, now: datetime, refresh_seconds: int) -> str:
    """The whole display as one block, made on each refresh: the page of the item every screen of `month`'s meeting
    is on (a device's pick; None: today's meeting or the next, dashboard.display_meeting) and the footer — the
    meeting's clock once it is held (running today), the day the figures are as of. Between meetings with none to
    come, that is said plainly."""
    context = dashboard.display_meeting(db, today, month)
    if context is None:
        return (f"<div class='chibo-agenda screen'><div class='where'><span class='meeting'>Trình chiếu</span></div>"
                f"<h2>Chưa có lịch sinh hoạt tiếp theo</h2><div class='body'>{_note(NOTHING_SCHEDULED)}</div></div>")
    item, page = meetings.display_position(db, context["month"])
    meeting = context["meeting"]
    clock = meetings.clock(db, meeting["id"], now) if meeting and context["held_on"] <= today else None
    return (f"<div class='chibo-agenda screen'>{section_html(db, today, context['month'], item, page)}"
            f"<div class='foot'>{footer_html(context, clock, refresh_seconds)}</div></div>")


def meeting_line(context: dict) -> str:
    """The meeting on display, as the header names it: when (today, to come, held), its day, time and place."""
    day, today = context["held_on"], context["today"]
    when = ("Sinh hoạt chi bộ hôm nay" if day == today else "Buổi sinh hoạt tới" if day > today
            else "Buổi sinh hoạt đã họp")
    return f"{when}: {particulars(context)}"


def particulars(context: dict) -> str:
    """A meeting's day, time and place; for one to come, what is not set yet is said."""
    meeting, day, today = context["meeting"], context["held_on"], context["today"]
    if meeting is None:
        return f"{vn_weekday(day)}, {vn_date(day)} · ngày sinh hoạt định kỳ; giờ, địa điểm chưa ghi"
    starts, place = meeting["starts_at"], meeting["place"]
    parts = [f"{vn_weekday(day)}, {vn_date(day)}", f"{starts:%H:%M}" if starts else "giờ chưa ghi" if day > today else "",
             place or ("địa điểm chưa ghi" if day > today else "")]
    return " · ".join(part for part in parts if part)


def footer_html(context: dict, clock: dict | None, refresh_seconds: int) -> str:
    """The day the figures are as of (a meeting not today's), the meeting's clock, the refresh: in that order, so what
    the controls' corner may cut off is the least needed."""
    parts = [] if context["held_on"] == context["today"] else [f"Số liệu tính đến {vn_date(context['as_of'])}"]
    parts += [clock_text(clock)] if clock else []
    return "<span>" + " · ".join([*parts, f"tự làm mới mỗi {refresh_seconds} giây"]) + "</span>"


def clock_text(clock: dict) -> str:
    """The meeting's clock (meetings.clock): when it began, how long it has run, the minimum; the minutes held are
    red while short of the minimum."""
    minimum = f"tối thiểu {clock['minimum']} phút"
    if clock["starts_at"] is None:
        return f"🕑 Chưa bắt đầu tính giờ · {minimum}"
    parts = [f"🕑 Bắt đầu {clock['starts_at']:%H:%M}"]
    if clock["elapsed"] is not None:
        short = " class='short'" if clock["elapsed"] < clock["minimum"] else ""
        parts.append(f"{'đã sinh hoạt' if clock['running'] else 'sinh hoạt'} <strong{short}>{clock['elapsed']} phút</strong>")
    if clock["ends_at"] is not None:
        parts.append(f"kết thúc {clock['ends_at']:%H:%M}")
    return " · ".join([*parts, minimum])


def _rows_html(rows: list[Row], size: float, chips: bool) -> str:
    parts, group = [], None
    for row in rows:
        if row.group and row.group != group:
            parts.append(f"<div class='group'>{escape(row.group)}</div>")
        group = row.group
        detail = f"<span class='detail'>{escape(row.detail)}</span>" if row.detail else ""
        if row.remark:
            parts.append(f"<div class='remark'>💬 {escape(row.main)}{detail}</div>")
            continue
        if chips:
            parts.append(f"<span class='chip tone-{row.tone}'>{escape(row.chip)}</span>" if row.chip else "<span></span>")
        parts.append(f"<div class='what'>{escape(row.main)}{detail}</div>")
    return (f"<div class='rows{'' if chips else ' plain'}' style='font-size: {size}em'>" + "".join(parts) + "</div>")


def _note(text: str, good: bool = False) -> str:
    return f"<p class='note{' good' if good else ''}'>{escape(text)}</p>"


def _tiles(pairs: list[tuple[str, object]]) -> str:
    return "<div class='tiles'>" + "".join(
        f"<div class='tile'><div class='value'>{escape(str(value))}</div><div class='label'>{escape(label)}</div></div>"
        for label, value in pairs) + "</div>"


def _lead(html: str, text_length: int) -> tuple[str, float]:
    """A sentence above the rows (already HTML) and its height: its lines at 1.5 em."""
    return f"<p class='lead'>{html}</p>", lines("x" * text_length, int(WIDTH / (LEAD * CHAR))) * LEAD * 1.3 + LEAD * 0.4


def _text(value) -> str:
    return "" if missing(value) else str(value)


def _remarks(db: Database, context: dict, key: str) -> tuple[Row, ...]:
    if context["meeting"] is None:
        return ()
    notes = meetings.remarks(db, context["meeting"]["id"])
    return tuple(Row(row.text, f" — {row.speaker}" if isinstance(row.speaker, str) else "", remark=True)
                 for row in notes[notes["section"] == key].itertuples())


def _programme() -> tuple[Row, ...]:
    return tuple(Row(f"{number}. {title}") for number, (_, title) in enumerate(SECTIONS, start=1))


def _opening(db: Database, context: dict) -> Body:
    meeting = context["meeting"]
    summary = meetings.attendance_summary(db, meeting["id"]) if meeting else None
    if not summary or not summary["total"]:  # not called yet: when and where, and what it will discuss
        said = (f"{particulars(context)}. Chương trình:" if context["held_on"] > context["today"]
                else "Chưa điểm danh. Chương trình buổi sinh hoạt:")
        lead, height = _lead(f"<strong>{escape(said)}</strong>", len(said))
        return Body(lead, height, _programme())
    # Names and whether excused, never the reason: the display is projected to the room (and to the projector's
    # account, which sees no absence reasons).
    absent = tuple(Row(name, chip=ATTENDANCE[status], tone=ABSENCE_TONES[status]) for name, status in summary["absent_names"])
    said = (f"Chủ trì: {meeting['chair'] or '—'} · Thư ký: {meeting['secretary'] or '—'} · "
            f"Miễn sinh hoạt: {summary['exempt']}")
    lead, height = _lead(f"Chủ trì: <strong>{escape(meeting['chair'] or '—')}</strong> · Thư ký: "
                         f"<strong>{escape(meeting['secretary'] or '—')}</strong> · Miễn sinh hoạt: {summary['exempt']}",
                         len(said))
    tiles = _tiles([("Tổng số đảng viên", summary["total"]), ("Có mặt", summary["present"]),
                    ("Vắng có lý do", summary["absent_excused"]), ("Vắng không lý do", summary["absent_unexcused"])])
    return Body(tiles + lead, TILES + height, absent, "Không đồng chí nào vắng mặt.", good=True)


def _last_month(db: Database, context: dict) -> Body:
    if not context["previous_resolution"]:
        return Body(empty="Không có nghị quyết tháng trước.")
    figures = evaluations.figures(db, context["previous"], context["as_of"])
    results = evaluations.task_results(db, context["previous"], context["as_of"])
    rows = tuple(Row(row.title, chip=TASK_STATUSES[row.effective_status], tone=STATUS_TONES[row.effective_status])
                 for row in results.itertuples())
    tiles = _tiles([("Nhiệm vụ", figures["tasks"]), ("Đúng hạn", figures["done_on_time"]),
                    ("Trễ hạn", figures["done_late"]), ("Đang làm", figures["in_progress"] + figures["paused"]),
                    ("Chưa xong", figures["not_done"] + figures["overdue"])])  # the five add up to the tasks
    return Body(tiles, TILES, rows, "Nghị quyết tháng trước không có nhiệm vụ.")


def _targets(db: Database, context: dict) -> Body:
    card = dashboard.lit_scorecard(db, context["as_of"])
    rows = tuple(Row(f"{row.name}: ", f"{row.actual_shown or 'chưa có số liệu'} / {row.target_shown}",
                     chip=row.light.split(maxsplit=1)[1], tone=BAND_TONES[row.band]) for row in card.itertuples())
    return Body(rows=rows, empty="Chưa có chỉ tiêu.")


def _overdue(db: Database, context: dict) -> Body:
    late = dashboard.overdue_tasks(db, context["as_of"], limit=200)
    asked = _pending(db) if context["as_of"] == context["today"] else ()
    group = "Việc quá hạn" if asked else ""
    rows = tuple(Row(row.title, f" — {_text(row.lead)}, hạn {vn_date(row.deadline)} ({row.days_late} ngày), "
                                f"{vn_percent(row.progress)}", chip=TASK_STATUSES["overdue"], tone=STATUS_TONES["overdue"],
                     group=group) for row in late.itertuples())
    return Body(rows=rows + asked, empty="Không có việc quá hạn.", good=True)


def _pending(db: Database) -> tuple[Row, ...]:
    """Extension requests waiting for the committee, as the room may see them (ROOM): the task, who asked, the dates —
    and the reason only where the domain gives it to the projector's role."""
    names = audit.shown_names(db)
    return tuple(Row(row.title, f" — {names.get(row.username, row.username)} đề nghị hạn {vn_date(row.old_deadline)} → "
                                f"{vn_date(row.new_deadline)}" + (f"; lý do: {row.reason}" if row.reason else ""),
                     chip=PENDING, tone="pending", group="Đề nghị gia hạn chờ chi ủy quyết định")
                 for row in tasks.pending_extensions(db, ROOM).itertuples())


def _next_month(db: Database, context: dict) -> Body:
    doc = context["resolution"]
    if not doc:
        return Body(empty="Chưa có dự thảo nghị quyết cho tháng này.")
    frame = plans.task_table(db, doc.id)
    people, units = members.member_choices(db, False), members.unit_choices(db)
    rows = tuple(Row(row.title, f" — {people.get(row.lead_member_id) or units.get(row.lead_unit_id) or ''}, "
                                f"hạn {vn_date(row.deadline)}", group=FIELDS[field])
                 for field, part in frame.groupby("field", sort=False) for row in part.itertuples())
    return Body(rows=rows, empty="Dự thảo nghị quyết chưa có nhiệm vụ.")


def _vote(db: Database, context: dict) -> Body:
    meeting = context["meeting"]
    parts, height = "", 0.0
    if meeting:
        summary = meetings.attendance_summary(db, meeting["id"])
        parts, height = _tiles([("Tán thành", f"{meeting['votes_for'] or 0}/{summary['present']}")]), TILES
    if context["resolution"]:
        lead, more = _lead(f"Nghị quyết: <strong>{escape(context['resolution'].status_label)}</strong>",
                           12 + len(context["resolution"].status_label))
        parts, height = parts + lead, height + more
    return Body(parts, height, empty="" if parts else "Chưa có nghị quyết để biểu quyết.")


_BODIES = {"khai_mac": _opening, "ket_qua": _last_month, "chi_tieu": _targets, "ton_tai": _overdue,
           "nhiem_vu": _next_month, "bieu_quyet": _vote}

