"""First start with no cell: enter the cell's own profile, or load the fictional demo cell."""

from datetime import date

import streamlit as st

from chibo import cell, demo, ui

db = ui.database()
actor = ui.actor()
ui.show_success()
st.title("Chào mừng đến với chibo")
st.write("chibo giúp chi bộ thực hiện vòng việc hằng tháng ở một nơi: **xây dựng kế hoạch và nghị quyết, "
         "giao việc, theo dõi tiến độ, đánh giá, báo cáo cấp trên** và trình chiếu trong buổi sinh hoạt.")
if not actor.can("settings"):
    st.info("Chi bộ chưa được thiết lập. Hãy nhờ quản trị viên nhập hồ sơ chi bộ.")
    st.stop()

own, sample = st.tabs(["Nhập hồ sơ chi bộ của mình", "Dùng thử với chi bộ mẫu"])
with own:
    with st.form("cell_profile", enter_to_submit=False):
        name = st.text_input("Tên chi bộ", placeholder="Chi bộ Trường Tiểu học ...")
        superior = st.text_input("Đảng bộ cấp trên", placeholder="Đảng bộ xã ... (hoặc phường ...)")
        committee = st.text_input("Đảng ủy nhận báo cáo", placeholder="Đảng ủy xã ... (hoặc phường ...)")
        place = st.text_input("Địa danh ghi ngày tháng trên văn bản", placeholder="ví dụ: Mỹ An")
        meeting_day = st.number_input("Ngày sinh hoạt chi bộ hằng tháng", 1, 28, 3)
        left, right = st.columns(2)
        start = left.date_input("Nhiệm kỳ bắt đầu", date(ui.today().year, 1, 1), format="DD/MM/YYYY")
        end = right.date_input("Nhiệm kỳ kết thúc", date(ui.today().year + 2, 12, 31), format="DD/MM/YYYY")
        submitted = st.form_submit_button("Lưu hồ sơ chi bộ", type="primary")
    if submitted:
        ui.attempt(cell.create, db, actor, name, superior, committee, place, meeting_day, "", start, end,
                   success="Đã lưu hồ sơ chi bộ.")
with sample:
    st.write(f"Chi bộ mẫu là **{demo.SCHOOL}** (hư cấu): 33 đảng viên, chương trình hành động, "
             "6 tháng nghị quyết, nhiệm vụ, đánh giá và điểm danh.")
    if st.button("Tải chi bộ mẫu", type="primary"):
        with st.status("Đang tạo chi bộ mẫu…", expanded=True) as status:
            bar = st.progress(0.0)
            ui.attempt(demo.load, db, actor, ui.today(), progress=lambda f, msg: bar.progress(f, text=msg), rerun=False)
            status.update(label="Đã tạo chi bộ mẫu", state="complete")
        st.rerun()
