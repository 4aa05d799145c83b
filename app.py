"""chibo — router only: page config, the sign-in gate, and the pages each role sees."""

from pathlib import Path

import streamlit as st

from chibo import auth, cell, resets, ui
from chibo.permissions import Actor

st.set_page_config(page_title="chibo — Chi bộ", page_icon="🏫", layout="wide")

db = ui.database()
resets.apply_pending(db)  # a password set from the command line while the app holds the file: once per page run


def page(path: str, title: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(path, title=title, icon=icon, default=default)


def first_screen(actor: Actor) -> str:
    """The screen a role lands on, served at "/": the projector's display, a member's own tasks, else the overview."""
    return {"trinh_chieu": "screens/display.py", "dang_vien": "screens/my_tasks.py"}.get(actor.role,
                                                                                          "screens/overview.py")


def pages_for(actor: Actor) -> dict[str, list[st.Page]]:
    """The pages a role sees; its first screen is the default (first_screen)."""
    first = first_screen(actor)
    if actor.role == "trinh_chieu":
        return {"": [page("screens/display.py", "Trình chiếu", "📽️", default=True),
                     page("screens/overview.py", "Tổng quan", "📊")]}
    sections = {
        "Theo dõi": [page("screens/overview.py", "Tổng quan", "📊", default=first == "screens/overview.py"),
                     page("screens/my_tasks.py", "Việc của tôi", "✅", default=first == "screens/my_tasks.py"),
                     page("screens/tasks.py", "Bảng nhiệm vụ", "🗂️"),
                     page("screens/units.py", "Đơn vị và giám sát", "🏫"),
                     page("screens/queries.py", "Tra cứu", "🔎")],
        "Kế hoạch": [page("screens/plan_month.py", "Nghị quyết tháng", "📝"),
                     page("screens/program.py", "Chương trình hành động", "🎯"),
                     page("screens/evaluation.py", "Đánh giá tháng", "📋")],
        "Sinh hoạt": [page("screens/display.py", "Trình chiếu", "📽️"),
                      page("screens/members.py", "Đảng viên", "👥")],
    }
    if actor.role == "quan_tri":
        sections["Quản trị"] = [page("screens/settings.py", "Cài đặt", "⚙️"),
                                page("screens/admin.py", "Tài khoản, nhật ký, sao lưu", "🔐")]
    return sections


actor = ui.current_actor(db)
if not auth.has_users(db):
    navigation = st.navigation([page("screens/setup_admin.py", "Tạo tài khoản quản trị", "🔑")], position="hidden")
elif actor is None:
    # Every page's address opens the sign-in (a deep link, a reload after the session ended), and the page asked
    # for is the one that runs once signed in: the address stays, and a page is known by its address.
    asked = {p.url_path for role in ("quan_tri", "dang_vien") for pages in pages_for(Actor(None, "", role)).values()
             for p in pages} - {""}
    navigation = st.navigation([page("screens/login.py", "Đăng nhập", "🔑", default=True),
                                *(st.Page("screens/login.py", title="Đăng nhập", url_path=path) for path in sorted(asked))],
                               position="hidden")
elif not cell.exists(db):
    navigation = st.navigation([page("screens/welcome.py", "Chào mừng", "👋")], position="hidden")
else:
    navigation = st.navigation(pages_for(actor))
    with st.sidebar:
        st.caption(ui.plain(cell.get(db).name))
        st.write(f"👤 **{ui.plain(actor.username)}** · {actor.role_label}")
        if actor.role != "trinh_chieu":  # a device in the meeting room, not a person: its password is the admin's
            ui.change_password(db, actor)
        if st.button("Đăng xuất", key="logout", width="stretch"):
            ui.sign_out("Đã đăng xuất.", db)
            st.rerun()
ui.browser_cookie()
ui.streamlit_in_vietnamese(Path(first_screen(actor)).stem if actor else "")
navigation.run()
