"""chibo — router only: page config, the sign-in gate, and the pages each role sees."""

import streamlit as st

from chibo import auth, cell, ui
from chibo.permissions import Actor

st.set_page_config(page_title="chibo — Chi bộ", page_icon="🏫", layout="wide")

db = ui.database()


def page(path: str, title: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(path, title=title, icon=icon, default=default)


def pages_for(actor: Actor) -> dict[str, list[st.Page]]:
    if actor.role == "trinh_chieu":
        return {"": [page("pages/display.py", "Trình chiếu", "📽️", default=True),
                     page("pages/overview.py", "Tổng quan", "📊")]}
    sections = {
        "Theo dõi": [page("pages/overview.py", "Tổng quan", "📊", default=True),
                     page("pages/my_tasks.py", "Việc của tôi", "✅"),
                     page("pages/tasks.py", "Bảng nhiệm vụ", "🗂️"),
                     page("pages/units.py", "Đơn vị và giám sát", "🏫"),
                     page("pages/queries.py", "Tra cứu", "🔎")],
        "Kế hoạch": [page("pages/plan_month.py", "Nghị quyết tháng", "📝"),
                     page("pages/program.py", "Chương trình hành động", "🎯"),
                     page("pages/evaluation.py", "Đánh giá tháng", "📋")],
        "Sinh hoạt": [page("pages/display.py", "Trình chiếu", "📽️"),
                      page("pages/members.py", "Đảng viên", "👥")],
    }
    if actor.role == "quan_tri":
        sections["Quản trị"] = [page("pages/settings.py", "Cài đặt", "⚙️"),
                                page("pages/admin.py", "Tài khoản, nhật ký, sao lưu", "🔐")]
    return sections


actor = ui.current_actor(db)
if not auth.has_users(db):
    navigation = st.navigation([page("pages/setup_admin.py", "Tạo tài khoản quản trị", "🔑")], position="hidden")
elif actor is None:
    navigation = st.navigation([page("pages/login.py", "Đăng nhập", "🔑")], position="hidden")
elif not cell.exists(db):
    navigation = st.navigation([page("pages/welcome.py", "Chào mừng", "👋")], position="hidden")
else:
    navigation = st.navigation(pages_for(actor))
    with st.sidebar:
        st.caption(ui.plain(cell.get(db).name))
        st.write(f"👤 **{ui.plain(actor.username)}** · {actor.role_label}")
        if st.button("Đăng xuất", key="logout", width="stretch"):
            ui.sign_out("Đã đăng xuất.")
            st.rerun()
ui.streamlit_in_vietnamese()
navigation.run()
