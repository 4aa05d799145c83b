"""First start: create the administrator account before anything else is shown."""

import streamlit as st

from chibo import auth, ui

db = ui.database()
st.title("Chào mừng đến với chibo")
st.write("Đây là lần khởi động đầu tiên. Hãy tạo **tài khoản quản trị** — tài khoản này quản lý người dùng, "
         "cài đặt, sao lưu và khôi phục dữ liệu của chi bộ.")
with st.form("setup_admin", enter_to_submit=False):
    username = st.text_input("Tên đăng nhập", placeholder="ví dụ: bithu")
    display_name = st.text_input("Họ và tên", placeholder="ví dụ: Nguyễn Thị Lan")
    password = st.text_input("Mật khẩu (ít nhất 10 ký tự)", type="password")
    again = st.text_input("Nhập lại mật khẩu", type="password")
    submitted = st.form_submit_button("Tạo tài khoản quản trị", type="primary")
if submitted:
    if password != again:
        st.error("Hai lần nhập mật khẩu không khớp.")
    else:
        created = ui.attempt(auth.create_first_admin, db, username, password, display_name, rerun=False)
        if created:
            ui.sign_in(db, created)
            ui.success_later("Đã tạo tài khoản quản trị.")
            st.rerun()
