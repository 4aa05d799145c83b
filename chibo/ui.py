"""Streamlit glue shared by the pages: the database resource, the signed-in actor,
idle timeout, and one way to run an action and show its Vietnamese error.
The only module of chibo that imports streamlit."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from chibo import auth, backup, config, kept, labels, sessions, versions
from chibo.db import Database
from chibo.errors import ConfigError, DatabaseInUse, InputError, StaleEdit
from chibo.permissions import Actor


@st.cache_resource(show_spinner=False)
def _database(path: str) -> Database:
    """Opened once per server: an older file is copied to the backup folder, then migrated; what a restore
    cut off by a crash left beside it is removed."""
    db = Database(path, backup_dir=settings().backup_dir)
    backup.clear_stale_restores(db.path.parent)
    return db


def settings() -> config.Config:
    """The process's settings, for every page. A bad CHIBO_* value stops the page with its
    Vietnamese sentence; the router asks first (through database()), so that is at start."""
    try:
        return config.load()
    except ConfigError as exc:
        st.error(str(exc))
        st.stop()


def database() -> Database:
    """The process's one database, opened and migrated on first use. Each new session checks the
    day's automatic backup, so a server left running for weeks still makes one a day."""
    cfg = settings()
    try:
        db = _database(str(cfg.db_path))
    except DatabaseInUse as exc:
        st.error(str(exc))
        st.stop()
    if not st.session_state.get("backup_checked"):
        st.session_state["backup_checked"] = True
        backup.daily_backup(db, cfg, today())
    return db


def today() -> date:
    return settings().today()


def now() -> datetime:
    return settings().now()


# -- the signed-in user -------------------------------------------------------------
RESTORED = "Dữ liệu vừa được khôi phục từ bản sao lưu; mọi người cần đăng nhập lại."


def sign_in(db: Database, actor: Actor, remember: bool = True) -> None:
    """This browser session is the actor's; remembered (a token in a cookie) for CHIBO_REMEMBER_DAYS, so a reload,
    a second tab, a deep link or a phone coming back to the browser finds the user still signed in."""
    _hold(db, actor.user_id)
    st.session_state.pop("clear_cookie", None)
    days = settings().remember_days if remember else 0
    token = sessions.open_session(db, actor.user_id, days, now())
    if token:
        st.session_state["session_token"] = token
        st.session_state["cookie"] = (token, days * 86400)


def _hold(db: Database, user_id: int) -> None:
    """This browser session is the account's from now. The user id means this person only in the database as it
    was opened now (Database.identity): a restore replaces it, and the session with it."""
    st.session_state["user_id"] = user_id
    st.session_state["db_identity"] = db.identity
    st.session_state["last_seen"] = time.time()


def sign_out(message: str | None = None, db: Database | None = None) -> None:
    """End this browser's session; with `db`, its remembered token ends too (the cookie is cleared as well)."""
    if db is not None:
        sessions.close(db, st.session_state.get("session_token") or _cookie_token(), now())
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state["clear_cookie"] = True
    if message:
        st.session_state["flash"] = message


def _cookie_token() -> str | None:
    """The token the browser sent when this session's connection opened (Streamlit reads cookies then only)."""
    try:
        return st.context.cookies.get(sessions.COOKIE)
    except Exception:  # no browser (AppTest)
        return None


def browser_cookie() -> None:
    """Write (or clear) the remembered sign-in's cookie in the browser: Streamlit cannot set one from the server, so
    a script on the page does, SameSite=Strict (never sent by another site's link or form), Secure over https.
    Rendered on every run while it applies: the same element is not run twice, and a rerun cannot lose it."""
    if "cookie" in st.session_state:
        token, seconds = st.session_state["cookie"]
    elif st.session_state.get("clear_cookie"):
        token, seconds = "", 0
    else:
        return
    st.html(f"""<script>document.cookie = "{sessions.COOKIE}={token}; Max-Age={seconds}; Path=/; SameSite=Strict"
            + (location.protocol === "https:" ? "; Secure" : "");</script>""", unsafe_allow_javascript=True)


def client_address() -> str | None:
    """The address the browser connects from, as the server sees it (None on the server machine itself):
    sign-in failures are counted per address."""
    return st.context.ip_address


def _remembered(db: Database) -> int | None:
    """The account this browser's cookie still signs in (not after a sign-out in this session)."""
    if st.session_state.get("clear_cookie"):
        return None
    token = _cookie_token()
    user_id = sessions.user_for(db, token, now())
    if user_id is not None:
        st.session_state["session_token"] = token
    return user_id


def current_actor(db: Database, activity: bool = True) -> Actor | None:
    """The actor of this browser session; None after logout, a restore, idle timeout or a disabled account.
    `activity`: this run is the person's doing (a click), which keeps the session alive. A remembered browser
    (its cookie's token still open) is signed in again instead of ending."""
    user_id = st.session_state.get("user_id")
    if user_id is not None and st.session_state.get("db_identity") != db.identity:  # a restore since sign-in
        sign_out(RESTORED)
        return None
    idle_limit = settings().idle_minutes * 60
    idle = user_id is not None and time.time() - st.session_state.get("last_seen", 0) > idle_limit
    if user_id is None or idle:
        remembered = _remembered(db)
        if remembered is None:
            if idle:
                sign_out("Phiên làm việc đã hết hạn do không hoạt động; hãy đăng nhập lại.")
            return None
        user_id = remembered
        _hold(db, user_id)
    actor = auth.actor_for(db, user_id)
    if actor is None:
        sign_out("Tài khoản đã bị vô hiệu hóa.")
        return None
    if activity:
        st.session_state["last_seen"] = time.time()
    return actor


def change_password(db: Database, actor: Actor) -> None:
    """The sidebar's «Đổi mật khẩu»: the current password and the new one twice. Every remembered sign-in of the
    account ends; this browser stays signed in with a new token."""
    with st.popover("Đổi mật khẩu", width="stretch"):
        with st.form("own_password", clear_on_submit=True):
            old = st.text_input("Mật khẩu hiện tại", type="password")
            new = st.text_input("Mật khẩu mới", type="password")
            repeated = st.text_input("Nhập lại mật khẩu mới", type="password")
            submitted = st.form_submit_button("Đổi mật khẩu", type="primary")
        if submitted and attempt(auth.change_own_password, db, actor, old, new, repeated, rerun=False):
            sign_in(db, actor, remember="session_token" in st.session_state)
            success_later("Đã đổi mật khẩu; các phiên đăng nhập khác đã kết thúc.")
            st.rerun()


def still_signed_in(db: Database) -> Actor:
    """For what refreshes by itself (the meeting display): every refresh checks the session as a click does
    (idle time, an account disabled meanwhile), but a refresh is nobody's activity, so a screen left alone
    still ends after the idle time. An ended session reruns the whole app, which shows the sign-in page."""
    found = current_actor(db, activity=False)
    if found is None:
        st.rerun(scope="app")
    return found


def actor() -> Actor:
    """For pages: the signed-in actor (the router guarantees there is one)."""
    found = current_actor(database())
    if found is None:
        st.rerun()
    return found


def flash() -> None:
    message = st.session_state.pop("flash", None)
    if message:
        st.info(plain(message))


# What Markdown and Streamlit's additions to it act on anywhere in a line: links and images ([..](..), ![..](..),
# which make every viewer's browser fetch the address), Streamlit's directives (:red[..] colours, :word alone is
# eaten), emphasis, code, strike-through, tables, HTML and entities, LaTeX ($..$); then what acts at the start of
# a line (headings, lists, quotes, the === that makes the line above a heading). An address typed as text
# (http://…, www.…) still shows as a link: GFM finds those after the escapes are gone; a link is not fetched.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>$~|&#]|:(?=[^\W\d_]))")
_MARKDOWN_LINE_START = re.compile(r"^([ \t]*)([-+=]|\d+[.)])", re.MULTILINE)


def plain(value) -> str:
    """Text people typed, to put inside Markdown (st.markdown, st.write, captions, messages, widget labels) and
    have it shown as the text it is; each line break stays a line break."""
    text = _MARKDOWN_INLINE.sub(r"\\\1", "" if value is None else str(value))
    text = _MARKDOWN_LINE_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}", text)
    return text.replace("\n", "  \n")


# A success message outlives one rerun: closing a box or a tab after a save makes the browser ask for a second
# rerun straight away, which would otherwise swallow the message before anyone read it.
SUCCESS_RERUNS = 2


def success_later(message: str) -> None:
    """Show a success message after the rerun that follows a save."""
    st.session_state["success"] = (message, SUCCESS_RERUNS)


def show_success() -> None:
    message, left = st.session_state.pop("success", (None, 0))
    if message:
        st.success(plain(message))
        if left > 1:
            st.session_state["success"] = (message, left - 1)


def refused(exc: InputError) -> None:
    """A domain refusal on screen: its sentence as text (it quotes what was typed), the database's own words folded
    for whoever wants them (QueryError), and no older success beside it."""
    st.session_state.pop("success", None)
    st.error(plain(str(exc)))
    if getattr(exc, "detail", ""):
        with st.expander("Chi tiết"):
            st.code(exc.detail, language=None)


def attempt(action: Callable, *args, success: str | Callable[[Any], str] | None = None, rerun: bool = True,
            **kwargs):
    """Run a domain action; show its Vietnamese error, or the success message (made from the action's result
    when a function) after a rerun."""
    try:
        result = action(*args, **kwargs)
    except InputError as exc:
        refused(exc)
        return None
    if success:
        success_later(success(result) if callable(success) else success)
    if rerun:
        st.rerun()
    return result


@dataclass(frozen=True)
class Typed:
    """An argument of a click's action that is what the widget `key` holds when the click arrives."""
    key: str


def typed(key: str) -> Typed:
    return Typed(key)


def on_click(action: Callable, *args, success: str | None = None, where: str = "", **kwargs) -> Callable[[], None]:
    """A button's callback that runs a domain action before the page runs, so the one run that follows the click
    shows the new data and the message: no second run (`attempt` saves during the run, then reruns to show what
    the save changed above the button). A callback sees the values just sent, not those of the run that drew the
    button: what was typed is passed as typed(key). The message — the success or the refusal — is shown by
    outcome(where), beside the button, where the person is looking."""
    def run() -> None:
        values = [st.session_state.get(a.key) if isinstance(a, Typed) else a for a in args]
        try:
            action(*values, **kwargs)
        except InputError as exc:
            st.session_state[f"said:{where}"] = exc
            return
        if success:
            st.session_state[f"said:{where}"] = success
    return run


def outcome(where: str) -> None:
    """What the last click's action (on_click(..., where=where)) said: its success, or its refusal."""
    message = st.session_state.pop(f"said:{where}", None)
    if isinstance(message, InputError):
        refused(message)
    elif message:
        st.success(plain(message))


# -- edit forms: opened on stored values, saved against their version ----------------
@dataclass(frozen=True)
class Edit:
    """An edit form and what it was opened on. Its widgets are keyed `widget(name)` — never by a stored value —
    and take their defaults from `values`, so a rerun after someone else's save keeps what the user typed on
    screen, and the save finds the newer version (chibo.versions)."""
    key: str
    round: int
    values: Any
    version: Any

    def widget(self, name: str) -> str:
        return f"{self.key}.{self.round}.{name}"


def edit(key: str, read: Callable[[], versions.Opened]) -> Edit:
    """The form `key` as it was opened: `read()` when its widgets first appear, kept while they stay on screen.
    A form reopened (after its save, on «take the stored values», or shown again after being left) is a new
    round: new widget keys, so the browser shows the stored values rather than what it held before."""
    held = st.session_state.get(f"{key}:opened")
    if held is None or not _on_screen(held):
        found = read()
        rounds = st.session_state.get(f"{key}:round", -1) + 1
        st.session_state[f"{key}:round"] = rounds
        held = Edit(key, rounds, found.values, found.version)
        st.session_state[f"{key}:opened"] = held
        st.session_state.pop(f"{key}:stale", None)
    return held


def _on_screen(form: Edit) -> bool:
    """Widgets Streamlit still holds were shown in the last run; a form left (another task, a closed tab) has none."""
    prefix = form.widget("")
    return any(isinstance(k, str) and k.startswith(prefix) for k in st.session_state.keys())


def reopen(key: str) -> None:
    """Read the form afresh on the next run."""
    st.session_state.pop(f"{key}:opened", None)
    st.session_state.pop(f"{key}:stale", None)


KEEP_MINE, TAKE_STORED = "Giữ giá trị của tôi và lưu", "Lấy giá trị đã lưu"


def save_edit(form: Edit, submitted: bool, save: Callable[[Any], Any], success: str | Callable[[Any], str],
              keep_label: str = KEEP_MINE, take_label: str = TAKE_STORED) -> Any:
    """After an edit form: when submitted, `save(version)` what it holds against the version it was opened on.
    When someone saved in between, both values are shown with two explicit choices — keep mine (save again
    against the version now stored) or take the stored one (the form reopens on it); until then the form keeps
    everything typed. On success the form reopens on what is stored now."""
    stale = st.session_state.get(f"{form.key}:stale")
    choice = None
    if stale is not None and not submitted:
        choice = _stale_choice(form, stale, keep_label, take_label)
    if choice == "take":
        reopen(form.key)
        st.rerun()
    if not (submitted or choice == "keep"):
        return None
    try:
        result = save(stale["version"] if choice == "keep" else form.version)
    except StaleEdit as exc:
        st.session_state.pop("success", None)
        st.session_state[f"{form.key}:stale"] = {"headline": exc.headline, "changes": exc.changes,
                                                 "version": exc.version}
        st.rerun()  # the next run shows the form as typed, then the refusal and the two choices
    except InputError as exc:
        refused(exc)
        return None
    reopen(form.key)
    success_later(success(result) if callable(success) else success)
    st.rerun()


def save_on_click(form: Edit, save: Callable[[Any], Any], success: str = "") -> Callable[[], None]:
    """save_edit's save as the submit button's callback (see on_click: one run after the click, not two).
    `save(version)` reads what was typed from st.session_state by the widgets' keys (and may leave its own message
    there). A refusal because someone saved in between is held for save_edit (called after the form, not submitted),
    which shows both values and the two choices; another refusal is shown by outcome(form.key)."""
    def run() -> None:
        try:
            save(form.version)
        except StaleEdit as exc:
            st.session_state.pop("success", None)
            st.session_state[f"{form.key}:stale"] = {"headline": exc.headline, "changes": exc.changes,
                                                     "version": exc.version}
            return
        except InputError as exc:
            st.session_state.pop("success", None)
            st.session_state[f"said:{form.key}"] = exc
            return
        reopen(form.key)
        if success:
            success_later(success)
    return run


def _stale_choice(form: Edit, stale: dict, keep_label: str, take_label: str) -> str | None:
    st.warning(stale["headline"])
    for label, stored, yours in stale["changes"]:  # plain text: what people typed is not read as Markdown
        st.text(f"{label}: giá trị hiện tại {stored}; giá trị của đồng chí: {yours}")
    keep, take = st.columns(2)
    if keep.button(keep_label, key=f"{form.key}:keep", type="primary"):
        return "keep"
    if take.button(take_label, key=f"{form.key}:take"):
        return "take"
    return None


# -- grids and forms that keep what was typed ---------------------------------------
NO_CHOICE = 0  # an editor's "nothing picked" option (shown "—"): a missing value would show the grid's "None"


def editor_frame(frame: pd.DataFrame, dates: tuple = (), lists: tuple = (), choices: tuple = (),
                 texts: tuple = ()) -> pd.DataFrame:
    """A frame as a data editor edits it: dates as dates, lists as lists of text (the grid edits nothing else),
    an empty pick as NO_CHOICE, empty text as an empty string."""
    frame = frame.copy()
    for column in dates:
        frame[column] = pd.to_datetime(frame[column]).dt.date
    for column in lists:
        frame[column] = frame[column].map(lambda v: [] if labels.missing(v) else [str(x) for x in v]).astype(object)
    for column in choices:
        frame[column] = frame[column].astype("Int64").fillna(NO_CHOICE)
    for column in texts:
        frame[column] = frame[column].fillna("").astype(str)
    return frame


def editor_rows(edited: pd.DataFrame, choices: tuple = ()) -> list[dict]:
    """What an editor holds, as rows for the domain: NO_CHOICE back to nothing picked."""
    rows = edited.to_dict("records")
    for row in rows:
        for column in choices:
            if row.get(column) == NO_CHOICE:
                row[column] = None
    return rows


def tick_all(all_key: str, keys: list[str]) -> None:
    """«Chọn tất cả»: a callback that sets every checkbox of `keys` to the state of `all_key`."""
    for key in keys:
        st.session_state[key] = st.session_state[all_key]


def field_problem(problems: dict[str, str], field: str) -> None:
    """The message of one field of a form, shown right under it."""
    if field in problems:
        st.error(plain(problems[field]))


def add_with_field_problems(problems_key: str, action: Callable, *args, success: str, then_reopen: str,
                            **kwargs) -> None:
    """Run a form's save; on FieldErrors keep each field's sentence for the next run (shown under its field,
    the form keeps what was typed); on success empty the form and reopen the edit form `then_reopen`."""
    from chibo.errors import FieldErrors
    try:
        action(*args, **kwargs)
    except FieldErrors as exc:
        st.session_state[problems_key] = exc.fields
        st.session_state.pop("success", None)
        st.rerun()
    except InputError as exc:
        refused(exc)
        return
    st.session_state.pop(problems_key, None)
    prefix = problems_key.removesuffix("problems")
    for key in [k for k in st.session_state.keys() if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]
    reopen(then_reopen)
    success_later(success)
    st.rerun()


# -- display helpers ----------------------------------------------------------------
def vn_dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        if column in frame:
            frame[column] = frame[column].map(labels.vn_date)
    return frame


def vn_dates_everywhere(frame: pd.DataFrame) -> pd.DataFrame:
    """Every date or timestamp column as dd/mm/yyyy, for results whose columns are not known in advance."""
    dated = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])
             or (frame[c].dtype == object and frame[c].map(lambda v: isinstance(v, date)).any())]
    return vn_dates(frame, *dated)


def relabel(frame: pd.DataFrame, mapping: dict[str, dict]) -> pd.DataFrame:
    """Replace stored codes with their Vietnamese labels for display."""
    frame = frame.copy()
    for column, names in mapping.items():
        if column in frame:
            frame[column] = frame[column].map(lambda v, names=names: names.get(v, v))
    return frame


# A number box of halves and wholes shows «4» and «4.5», not «4.00»: as few decimals as the number needs. The box is
# the browser's own and writes a decimal point; typed with a comma, the number is not understood.
DECIMAL_BOX = "%g"


def table(frame: pd.DataFrame, columns: dict[str, str], empty: str, height: int | None = None,
          dates: tuple[str, ...] = (), codes: dict[str, dict] | None = None) -> None:
    """A read-only table with Vietnamese headers, or a plain sentence when there is nothing.
    `dates` columns are shown dd/mm/yyyy and `codes` columns by their labels; the table the browser
    receives is made once per content of the frame (chibo.kept), not on every rerun."""
    if frame.empty:
        st.info(empty)
        return
    shown, paper = _kept_table(frame, columns, dates, codes)
    st.dataframe(shown, hide_index=True, width="stretch", height=height or "auto",
                 placeholder="")  # an empty cell is empty, not "None"
    st.html(paper)


def result_table(frame: pd.DataFrame) -> None:
    """A table whose columns are not known in advance (Tra cứu's answers): dates dd/mm/yyyy, decimals «93,3»."""
    def build():
        shown = vn_decimals(vn_dates_everywhere(frame))
        return shown, _paper(shown)
    shown, paper = kept.derived("result", frame, (), build)
    st.dataframe(shown, hide_index=True, width="stretch", placeholder="")
    st.html(paper)


# -- the page on a narrow screen and on paper (the browser's Ctrl+P) -------------------
# On screen: a tile's label wraps instead of ending in «…»; two charts side by side go one under the other below
# 1280 px (a projector's 1024 px with the sidebar leaves each about 250 px: labels and legends were cut).
# On paper: a table drawn by the browser's grid is a picture of the rows in view, cut at its height and at the page's
# width. Each read-only table therefore also comes as plain HTML (`_paper`), hidden on screen and shown on paper
# instead of the grid; the sidebar, the toolbar and every button stay off paper.
PRINTED = "chibo-print"
PAGE_STYLE = f"""<style>
/* A chart's «Show data» lists its frame as the chart receives it (codes, English column names) and «Copy Vega-Lite
   spec» is for developers: the page's own tables say the same in Vietnamese. */
[data-testid="stElementToolbar"] button:is([aria-label="Show data"], [aria-label="Xem số liệu"],
  [aria-label="Copy Vega-Lite spec"], [aria-label="Sao chép mô tả biểu đồ (Vega-Lite)"]) {{ display: none; }}
@media (pointer: coarse) {{
  /* «Nhấn Ctrl+Enter để áp dụng» means nothing on a phone's keyboard */
  [data-testid="InputInstructions"] {{ display: none; }}
}}
@media screen {{
  .{PRINTED}, [data-testid="stElementContainer"]:has(.{PRINTED}) {{ display: none; }}
  [data-testid="stMetricLabel"] p {{ white-space: normal; overflow: visible; text-overflow: clip; }}
}}
@media screen and (max-width: 1279px) {{
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stVegaLiteChart"]) {{
    flex-direction: column; }}
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stVegaLiteChart"])
    > [data-testid="stColumn"] {{ width: 100%; flex: 1 1 auto; }}
}}
@media print {{
  @page {{ size: A4; margin: 12mm 10mm; }}
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], #chibo-vi,
  [data-testid="stElementContainer"]:has([data-testid="stButton"], [data-testid="stDownloadButton"],
    [data-testid="stFormSubmitButton"], [data-testid="stPopover"], [data-testid="stDataFrame"]) {{
    display: none !important; }}
  [data-testid="stMainBlockContainer"] {{ max-width: none !important; padding: 0 !important; }}
  [data-testid="stAppViewContainer"], [data-testid="stMain"] {{ overflow: visible !important; height: auto !important; }}
  .{PRINTED} table {{ width: 100%; border-collapse: collapse; font-size: 9pt; }}
  .{PRINTED} th, .{PRINTED} td {{ border: 1px solid #999; padding: 2px 5px; text-align: left; vertical-align: top; }}
  .{PRINTED} thead {{ display: table-header-group; }}
  .{PRINTED} tr, [data-testid="stVegaLiteChart"], [data-testid="stMetric"] {{ break-inside: avoid; }}
  h1, h2, h3 {{ break-after: avoid; }}
  [data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg {{ max-width: 100% !important;
    height: auto !important; }}
}}
</style>"""


def page_style() -> None:
    """The page's look on a narrow screen and on paper (PAGE_STYLE): once per page run, from the router; a style alone
    takes no room."""
    st.html(PAGE_STYLE)


def _on_paper(value) -> str:
    """A cell on paper as a person reads it: nothing empty, a tick «có»/«không», a list by commas, «93,3», dd/mm/yyyy."""
    if hasattr(value, "tolist"):  # numpy's: an array becomes a list, a scalar Python's own
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return ", ".join(_on_paper(v) for v in value)
    if labels.missing(value):
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float):
        return labels.vn_number(value, 2)
    if isinstance(value, date):  # a datetime too
        return labels.vn_date(value)
    return str(value)


def _paper(cells: pd.DataFrame) -> str:
    """A table as it goes on paper: plain HTML (escaped) of the cells the screen's grid shows, shown on paper only."""
    return f"<div class='{PRINTED}'>{cells.map(_on_paper).to_html(index=False, border=0)}</div>"


def vn_decimals(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of decimals written as Vietnamese write them («93,3», not «93.3»), as the documents do (vn_number);
    whole numbers stay numbers."""
    decimals = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    return frame.assign(**{c: frame[c].map(lambda v: "" if labels.missing(v) else labels.vn_number(v, 2))
                           for c in decimals}) if decimals else frame


def shown_table(frame: pd.DataFrame, columns: dict[str, str], dates: tuple[str, ...] = (),
                codes: dict[str, dict] | None = None):
    """The frame as the browser receives it: chosen columns, formatted, renamed, in Arrow."""
    return _kept_table(frame, columns, dates, codes)[0]


def _kept_table(frame: pd.DataFrame, columns: dict[str, str], dates: tuple[str, ...] = (),
                codes: dict[str, dict] | None = None) -> tuple:
    """The table the browser's grid receives (shown_table) and the same cells for paper (`_paper`), made together
    once per content of the frame (chibo.kept)."""
    import pyarrow as pa
    codes = codes or {}

    def build():
        shown = vn_decimals(relabel(vn_dates(frame, *dates), codes))
        shown = shown[[c for c in columns if c in shown]].rename(columns=columns)
        try:
            return pa.Table.from_pandas(shown, preserve_index=False), _paper(shown)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in a column: Streamlit knows how to cope
            return shown, _paper(shown)
    args = (tuple(columns.items()), tuple(dates), tuple((c, tuple(m.items())) for c, m in codes.items()))
    return kept.derived("table", frame, args, build)


def expander(label: str, key: str, expanded: bool = False):
    """An expander whose content the page runs only when open: `if box.open: with box: ...`."""
    return st.expander(label, expanded=expanded, key=key, on_change="rerun")


def tabs(labels: list[str], key: str) -> list:
    """Tabs whose content runs only when open: each page shows `if tab.open: with tab: ...`.
    Streamlit otherwise runs every tab's content on every rerun. The open tab is `st.session_state[key]`."""
    return st.tabs(labels, key=key, on_change="rerun")


def wording_form(db: Database, actor: Actor, kind: str, document_id: int, today: date, editable: bool,
                 title: str) -> None:
    """A document's rewordable parts, each in its own box, saved together."""
    from chibo import docs  # local: python-docx only where documents are worked on
    st.markdown(f"**{title}**")
    form = edit(f"wording_{kind}_{document_id}", lambda: docs.wording_form(db, actor, kind, document_id, today))
    with st.form(f"wording_{kind}_{document_id}", enter_to_submit=False):
        edited = {part.key: st.text_area(part.label, part.text, height=120, disabled=not editable,
                                         key=form.widget(part.key)) for part in form.values}
        saved = st.form_submit_button("Lưu lời văn", disabled=not editable)
    save_edit(form, saved, lambda version: docs.save_wording(db, actor, kind, document_id, edited, today, opened=version),
              success="Đã lưu lời văn.")


def document_downloads(db: Database, actor: Actor, kind: str, document_id: int, today: date, label: str) -> None:
    """A document offered as Word (to edit) and as PDF (to send and upload): each made when asked for."""
    from chibo import docs  # local: python-docx only where documents are worked on
    word, printed = st.columns(2)
    for box, extension, make, mime in ((word, "docx", docs.export_bytes, docs.DOCX_MIME),
                                       (printed, "pdf", docs.export_pdf, docs.PDF_MIME)):
        shown = "Word (.docx)" if extension == "docx" else "PDF"
        if box.button(f"Chuẩn bị {label} — {shown}", key=f"prepare_{kind}_{extension}"):
            with st.spinner("Đang tạo văn bản…"):
                data = attempt(make, db, actor, kind, document_id, today, rerun=False)
            if data:
                box.download_button(f"⬇️ Tải {label} — {shown}", data,
                                    docs.filename(db, kind, document_id, today, extension), mime=mime,
                                    key=f"download_{kind}_{extension}")


def upload_pack(db: Database, actor: Actor, month: date, today: date) -> None:
    """The month's pack for Sổ tay đảng viên, and the secretary's record of what was uploaded and sent."""
    from chibo import docs
    st.markdown("**Gói tải lên Sổ tay đảng viên** — nghị quyết, báo cáo và biên bản, mỗi văn bản cả PDF và Word.")
    if st.button("Chuẩn bị gói tải lên (.zip)", key="prepare_pack"):
        with st.spinner("Đang tạo các tệp PDF…"):
            made_pack = attempt(docs.upload_pack, db, actor, month, today, rerun=False)
        if made_pack:
            st.download_button("⬇️ Tải gói (.zip)", made_pack[1], made_pack[0], mime="application/zip",
                               key="download_pack")
    made = docs.pack_made_at(db, month)
    if made:
        st.caption(f"Gói của tháng này được tạo lúc {made:%H:%M ngày %d/%m/%Y}.")
    rows = docs.deliveries(db, month)
    for row in rows.itertuples():
        st.write(f"- {row.label}: {row.said}")
    with st.form("deliveries", enter_to_submit=False):
        names = dict(zip(rows["id"].astype(int), rows["label"]))
        picked = st.selectbox("Văn bản", list(names), format_func=names.get)
        channel = st.radio("Việc đã làm", list(docs.DELIVERY_CHANNELS), format_func=docs.DELIVERY_CHANNELS.get,
                           horizontal=True)
        day = st.date_input("Ngày", today, format="DD/MM/YYYY")
        if st.form_submit_button("Ghi nhận"):
            attempt(docs.mark_delivered, db, actor, picked, channel, day, today, success="Đã ghi nhận.")


def month_checklist(steps: list) -> None:
    """A month's checklist (chibo.checklist.month_checklist): each step, its day, its state, who did it when."""
    from chibo import checklist
    table(checklist.table(steps), {"step": "Bước", "due": "Hạn", "state": "Tình trạng", "done": "Đã làm"},
          "Chưa có bước nào.", dates=("due",))


def reminders(steps: list, today: date) -> None:
    """The committee's reminder on its first screen: the steps due within days, or late."""
    from chibo import checklist
    if steps:
        st.warning("**Việc chi ủy cần làm trong tháng**\n\n"
                   + "\n".join(f"- {checklist.reminder_text(step, today)}" for step in steps))


def chart(build, frame: pd.DataFrame, *args) -> None:
    """An Altair chart from chibo.charts, drawn full width; built once per distinct data."""
    from chibo import charts  # local: keep Altair out of pages that draw no chart
    st.vega_lite_chart(charts.spec(build, frame, *args), width="stretch")


def month_select(label: str, months: list[date], default: date | None = None, all_label: str | None = None,
                 boxes: tuple | None = None) -> date | None:
    """A month among `months` (newest first), chosen as a year and then a month of it: both lists stay
    short however long the history. With `all_label` the year list also offers every month (→ None).
    No widget keys on purpose: when a new month appears, the lists change and the choice returns to
    the default, so a draft just created is the one on screen."""
    years = list(dict.fromkeys(m.year for m in months))
    year_options = [*years, None] if all_label else years
    default = default if default in months else (None if all_label else months[0])
    year_box, month_box = boxes or st.columns(2)
    year = year_box.selectbox("Năm", year_options, index=year_options.index(default.year if default else None),
                              format_func=lambda y: all_label if y is None else str(y))
    if year is None:
        return None
    in_year = [m for m in months if m.year == year]
    return month_box.selectbox(label, in_year, index=in_year.index(default) if default in in_year else 0,
                               format_func=month_label)


def month_label(month) -> str:
    return f"Tháng {month.month}/{month.year}"



# -- a task, opened: its details, history, progress form and extension form ---------
def task_panel(db: Database, found_actor: Actor, task_id: int) -> None:
    """An opened task, run as a fragment: typing into its forms and saving rerun the panel, not the whole page
    (the router, the task list). What the panel shows is read again on each of its runs, so after a save its
    figures and history are the stored ones; the list above follows on the next click outside the panel."""
    _task_panel(db, found_actor.user_id, task_id)


@st.fragment
def _task_panel(db: Database, user_id: int, task_id: int) -> None:
    from chibo import tasks  # local: ui is imported by every page; keep its start-up light

    found_actor = current_actor(db)  # a panel's own run checks the session as a page's does
    if found_actor is None or found_actor.user_id != user_id:
        st.rerun(scope="app")
    detail = tasks.task(db, task_id, today())
    status = labels.TASK_STATUSES[detail["effective_status"]]
    st.markdown(f"### {plain(detail['title'])}")
    st.write(f"**Lĩnh vực:** {labels.FIELDS[detail['field']]} · **Kênh:** {labels.CHANNELS[detail['channel']]} · "
             f"**Chủ trì:** {plain(detail['lead'])} · **Phối hợp:** {plain(detail['partners'] or '—')}")
    st.write(f"**Hạn:** {labels.vn_date(detail['deadline'])} · **Trạng thái:** {status} · "
             f"**Tiến độ:** {labels.vn_percent(detail['progress'])} · **Gia hạn:** {detail['extensions']} lần")
    st.progress(int(detail["progress"]) / 100)
    history = tasks.history(db, task_id)
    table(history.assign(happened_at=history["happened_at"].map(labels.vn_date)),
          {"happened_at": "Thời điểm", "kind": "Loại", "detail": "Nội dung", "note": "Ghi chú", "evidence_url": "Minh chứng",
           "file_name": "Tệp minh chứng", "who": "Người cập nhật"}, "Chưa có cập nhật nào.")
    if tasks.may_update(db, found_actor, task_id):
        # The forms stay where they were after a save (what grows above them is one row of the table); the user's own
        # entries come right under the confirmation, the photos and files after.
        left, right = st.columns(2)
        with left:
            _progress_form(db, found_actor, task_id)
            _own_entries(db, found_actor, task_id)
        with right:
            _extension_form(db, found_actor, task_id)
    _evidence_files(db, found_actor, task_id)


QUICK_PERCENTS = [25, 50, 75, 100]
THUMBNAIL_WIDTH = 160  # CSS pixels: a photo recognisable in the history on a phone, the thumbnail sharp at 2×
EVIDENCE_PER_ROW = 3


def _evidence_files(db: Database, found_actor: Actor, task_id: int) -> None:
    """The photos and files of the task's entries, each with its download (read when pressed) and a photo's
    thumbnail; for those who see the task's progress (the domain gives nobody else any)."""
    from chibo import evidence
    files = evidence.files(db, found_actor, task_id)
    if files.empty:
        return
    st.markdown("**Ảnh, tệp minh chứng**")
    rows = list(files.itertuples())
    for start in range(0, len(rows), EVIDENCE_PER_ROW):  # a phone stacks the columns: one card under another
        for box, row in zip(st.columns(EVIDENCE_PER_ROW), rows[start:start + EVIDENCE_PER_ROW]):
            with box.container(border=True):
                _evidence_card(db, found_actor, row)


def _evidence_card(db: Database, found_actor: Actor, row) -> None:
    from chibo import evidence
    if isinstance(row.thumbnail, (bytes, bytearray)):
        st.image(bytes(row.thumbnail), width=THUMBNAIL_WIDTH)
    said = (f"{labels.vn_date(row.recorded_at)} · cập nhật {row.progress}%" + (" (đã rút lại)" if row.withdrawn else "")
            + f" · {row.file_name} ({evidence.size_said(row.size_bytes)})")
    st.caption(plain(said))
    st.download_button("⬇️ Tải ảnh/tệp minh chứng", lambda update_id=int(row.update_id): evidence.content(
        db, found_actor, update_id), row.file_name, mime=row.media_type, on_click="ignore",
        key=f"evidence_{row.update_id}")


def _evidence_upload(label: str, key: str) -> tuple[Any, bool]:
    """The upload box of a progress entry's photo or file (a phone offers its camera), its limit said under it. A
    file the domain will refuse is said at once, and the save waits (False) until it is removed or replaced."""
    from chibo import evidence
    limit = settings().evidence_max_mb
    chosen = st.file_uploader(label, type=evidence.EXTENSIONS, key=key, max_upload_size=limit)
    st.caption(evidence.limit_said(limit))
    if not chosen:
        return None, True
    upload = _upload_of(chosen)
    problem = evidence.refusal(upload, limit)
    if problem:
        st.error(plain(problem + " Bỏ tệp này (dấu ✕) hoặc chọn tệp khác rồi mới lưu được."))
    return upload, problem is None


def _upload_of(chosen):
    """An uploader's file as the domain takes it (None when nothing was chosen)."""
    from chibo import evidence
    return evidence.Upload(chosen.name, chosen.getvalue()) if chosen else None


def _progress_form(db: Database, found_actor: Actor, task_id: int) -> None:
    """Made for a thumb: a number box with quick buttons (no 12-px slider); the completion date only once
    «Đã hoàn thành» is ticked; a photo or a file as evidence; the confirmation beside the button pressed; the form
    empty again after a save."""
    from chibo import tasks
    form = edit(f"progress_{task_id}", lambda: tasks.progress_form(db, task_id, today()))
    percent_key = form.widget("percent")
    st.markdown("**Cập nhật tiến độ**")
    percent = st.number_input("Tiến độ (%)", 0, 100, int(form.values["progress"]), step=5, key=percent_key)

    def quick() -> None:  # a quick button fills the box, which stays editable
        chosen = st.session_state.get(form.widget("quick"))
        if chosen is not None:
            st.session_state[percent_key] = int(chosen)
    st.pills("Chọn nhanh", QUICK_PERCENTS, format_func=labels.vn_percent, key=form.widget("quick"), on_change=quick)
    finished = st.checkbox("Đã hoàn thành", value=form.values["status"] == "done", key=form.widget("finished"))
    done_on = st.date_input("Ngày hoàn thành", form.values["done_on"] or today(), format="DD/MM/YYYY",
                            key=form.widget("done_on")) if finished else None
    note = st.text_area("Ghi chú", height=80, key=form.widget("note"))
    link = st.text_input("Đường dẫn minh chứng (nếu có)", key=form.widget("link"))
    upload, acceptable = _evidence_upload("Ảnh hoặc tệp minh chứng (nếu có)", form.widget("file"))

    def typed_values(version):  # at the click: what the widgets hold then
        held = st.session_state
        return _record_progress(db, found_actor, task_id, held.get(percent_key), held.get(form.widget("finished")),
                                held.get(form.widget("done_on")), held.get(form.widget("note")),
                                held.get(form.widget("link")), _upload_of(held.get(form.widget("file"))), version)
    st.button("Lưu tiến độ", type="primary", key=form.widget("save"), disabled=not acceptable,
              on_click=save_on_click(form, typed_values))
    just_saved = st.session_state.pop(f"progress_saved_{task_id}", None)
    if just_saved:
        st.success(just_saved)  # where the thumb is, not at the top of a long page
    outcome(form.key)
    # The save itself ran on the click; only a refusal's two choices are left here (keep mine: what is on screen)
    save_edit(form, False, lambda version: _record_progress(db, found_actor, task_id, percent, finished, done_on, note,
                                                            link, upload, version), success="")  # said here, not on top


def _record_progress(db, found_actor, task_id, percent, finished, done_on, note, link, upload, version):
    from chibo import tasks
    tasks.record_progress(db, found_actor, task_id, 100 if finished else percent, note or "", link or "",
                          status="done" if finished else None, done_on=done_on if finished else None, today=today(),
                          opened=version, upload=upload, max_mb=settings().evidence_max_mb, now=now())
    st.session_state[f"progress_saved_{task_id}"] = ("Đã lưu tiến độ và tệp minh chứng." if upload
                                                     else "Đã lưu tiến độ.")


def _own_entries(db: Database, found_actor: Actor, task_id: int) -> None:
    """The user's own entries still within the cell's window: each opens to its correction and its withdrawal."""
    from chibo import tasks
    said = st.session_state.pop(f"withdrawn_{task_id}", None)
    if said:
        st.success(said)  # where the entry was: a withdrawn one leaves the list
    for entry in tasks.editable_entries(db, found_actor, task_id, now()):
        # Named by its time, never by what a correction changes: a box named anew is another box, closed.
        box = expander(f"Sửa hoặc rút lại cập nhật lúc {entry['recorded_at']:%H:%M %d/%m} (hạn "
                       f"{entry['until']:%H:%M %d/%m})", key=f"entry_box_{entry['id']}")
        if box.open:
            with box:
                _correction_form(db, found_actor, task_id, entry["id"])
                _withdrawal(db, found_actor, task_id, entry["id"])


def _correction_form(db: Database, found_actor: Actor, task_id: int, entry_id: int) -> None:
    """The author's correction, opened on the entry as stored and saved against its version."""
    from chibo import tasks
    form = edit(f"entry_{entry_id}", lambda: tasks.entry_form(db, entry_id))
    stored = form.values
    percent = st.number_input("Tiến độ (%)", 0, 100, int(stored["progress"]), step=5, key=form.widget("percent"))
    finished = st.checkbox("Đã hoàn thành", value=stored["status"] == "done", key=form.widget("finished"))
    done_on = st.date_input("Ngày hoàn thành", stored["done_on"] or today(), format="DD/MM/YYYY",
                            key=form.widget("done_on")) if finished else None
    note = st.text_area("Ghi chú", stored["note"], height=80, key=form.widget("note"))
    link = st.text_input("Đường dẫn minh chứng (nếu có)", stored["evidence_url"], key=form.widget("link"))
    drop = bool(stored["file_name"]) and st.checkbox(f"Bỏ tệp đã gửi «{plain(stored['file_name'])}»",
                                                     key=form.widget("drop"))
    upload, acceptable = _evidence_upload("Thay bằng ảnh hoặc tệp khác" if stored["file_name"]
                                          else "Ảnh hoặc tệp minh chứng", form.widget("file"))
    saved = st.button("Lưu bản sửa", type="primary", key=form.widget("save"), disabled=not acceptable)
    said = st.session_state.pop(f"corrected_{entry_id}", None)
    if said:
        st.success(said)  # beside the button pressed

    def save(version):
        tasks.correct_progress(db, found_actor, entry_id, 100 if finished else percent, note, link,
                               status="done" if finished else None, done_on=done_on if finished else None, now=now(),
                               upload=upload, drop_file=drop, max_mb=settings().evidence_max_mb, opened=version)
        reopen(f"progress_{task_id}")  # the task's figures may have followed: the progress form shows them
        reopen(f"withdraw_{entry_id}")  # the withdrawal's confirmation is of the entry as corrected
        st.session_state[f"corrected_{entry_id}"] = "Đã sửa cập nhật tiến độ."
    save_edit(form, saved, save, success="")


def _withdrawal(db: Database, found_actor: Actor, task_id: int, entry_id: int) -> None:
    """Withdrawing the entry, after a confirmation that says what follows (the domain's sentence)."""
    from chibo import tasks
    form = edit(f"withdraw_{entry_id}", lambda: tasks.entry_form(db, entry_id))
    with st.popover("Rút lại cập nhật này"):
        st.warning(tasks.withdraw_consequence(db, entry_id, today()))
        confirmed = st.button("Xác nhận rút lại", type="primary", key=form.widget("confirm"))

    def withdraw(version):
        tasks.withdraw_progress(db, found_actor, entry_id, now=now(), opened=version)
        reopen(f"progress_{task_id}")
        st.session_state[f"withdrawn_{task_id}"] = "Đã rút lại cập nhật tiến độ."
    save_edit(form, confirmed, withdraw, success="", keep_label="Vẫn rút lại", take_label="Xem lại cập nhật")


def _extension_form(db: Database, found_actor: Actor, task_id: int) -> None:
    """A member asks for a new deadline (the committee decides); the committee decides what is asked."""
    from chibo import tasks
    asked = tasks.pending_extensions(db, found_actor, task_id)
    if not asked.empty:
        extension_requests(db, found_actor, asked)
        return
    form = edit(f"extend_{task_id}", lambda: tasks.deadline_form(db, task_id, today()))
    with st.form(f"extend_{task_id}", enter_to_submit=False):
        st.markdown("**Xin gia hạn**")
        st.caption("Hạn chỉ đổi khi chi ủy duyệt đề nghị.")
        new_deadline = st.date_input("Hạn mới", form.values["deadline"], format="DD/MM/YYYY",
                                     key=form.widget("deadline"))
        reason = st.text_input("Lý do gia hạn", key=form.widget("reason"))
        extend = st.form_submit_button("Gửi đề nghị gia hạn")
    save_edit(form, extend, lambda version: tasks.request_extension(db, found_actor, task_id, new_deadline, reason,
                                                                    opened=version),
              success="Đã gửi đề nghị gia hạn; hạn cũ giữ nguyên đến khi chi ủy duyệt.")


def extension_requests(db: Database, found_actor: Actor, asked: pd.DataFrame) -> None:
    """Extension requests waiting for the committee: each with its reason; the committee approves or refuses."""
    from chibo import tasks
    for row in asked.itertuples():
        st.warning(f"**Đề nghị gia hạn chờ chi ủy:** {plain(row.title)} — {labels.vn_date(row.old_deadline)} → "
                   f"{labels.vn_date(row.new_deadline)} · {plain(row.who)}"
                   + (f": «{plain(row.reason)}»" if row.reason else ""))  # the domain gives it to whoever may read it
        if not found_actor.can("decide_extensions"):
            continue
        with st.form(f"decide_{row.id}"):
            note = st.text_input("Ghi chú của chi ủy (bắt buộc khi không duyệt)", key=f"decide_note_{row.id}")
            approve, refuse = st.columns(2)
            approved = approve.form_submit_button("Duyệt gia hạn", type="primary")
            refused = refuse.form_submit_button("Không duyệt")
        if approved or refused:
            attempt(tasks.decide_extension, db, found_actor, int(row.id), approved, note,
                    success="Đã duyệt gia hạn." if approved else "Đã ghi: không duyệt gia hạn.")


def task_list(frame: pd.DataFrame, key: str) -> int | None:
    """The board's table (tasks.board, labels included) with one selectable row; returns the chosen task id."""
    # The deadline, state and progress next to the task, where a phone or a 1024-px screen still shows them.
    columns = {"title": "Nhiệm vụ", "deadline_shown": "Hạn", "status_label": "Trạng thái", "progress": "Tiến độ (%)",
               "lead": "Chủ trì", "partners": "Phối hợp", "field_label": "Lĩnh vực", "channel_label": "Kênh"}
    shown, paper = _kept_table(frame, columns)
    event = st.dataframe(
        shown, hide_index=True, width="stretch", key=key, on_select="rerun", placeholder="",
        selection_mode="single-row",
        column_config={"Nhiệm vụ": st.column_config.TextColumn(width="medium"),
                       "Tiến độ (%)": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d%%")})
    st.html(paper)
    rows = event.selection.rows if event else []
    picked = int(frame["id"].iat[rows[0]]) if rows else None
    # The same choice from a list: reachable by keyboard and screen readers. A keyed selectbox ignores `index` once
    # it has a value, so a row tapped in the table is written into it: tapping a row opens the task.
    names = dict(zip(frame["id"].tolist(), frame["open_label"].tolist()))
    if picked in names and picked != st.session_state.get(f"{key}_tapped"):
        st.session_state[f"{key}_open"] = picked
    st.session_state[f"{key}_tapped"] = picked
    options = [None, *names]
    chosen = st.selectbox("Mở nhiệm vụ", options,
                          format_func=lambda i: "— chọn một nhiệm vụ —" if i is None else names[i], key=f"{key}_open")
    return chosen


_STREAMLIT_IN_VIETNAMESE = (Path(__file__).parent / "streamlit_vi.js").read_text(encoding="utf-8")


def hide_sidebar() -> None:
    """A screen with nothing to navigate to (sign-in): no sidebar, which a phone would otherwise keep open as an empty
    panel over the form after signing out."""
    st.html("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] {display:none}</style>")


def streamlit_in_vietnamese(home: str = "") -> None:
    """Streamlit's own texts (the uploader's «Drag and drop», the choosers' «Select...», «Page not found») in
    Vietnamese: a small script of chibo's own, run on every page; its element hides itself, taking no room.
    `home`: the name of the page served at "/" (asked for by that name, it is no «page not found»)."""
    st.html(f"<span id='chibo-vi' data-home='{html.escape(home)}'></span><script>{_STREAMLIT_IN_VIETNAMESE}</script>",
            unsafe_allow_javascript=True)
