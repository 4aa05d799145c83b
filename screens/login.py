"""The login screen."""

import streamlit as st

from chibo import auth, ui

db = ui.database()
cfg = ui.settings()
ui.hide_sidebar()
_, middle, _ = st.columns([1, 2, 1])
with middle:
    st.title("Đăng nhập chibo")
    ui.flash()
    with st.form("login", enter_to_submit=False):
        username = st.text_input("Tên đăng nhập")
        password = st.text_input("Mật khẩu", type="password")
        remember = st.checkbox(f"Ghi nhớ trên máy này {cfg.remember_days} ngày (bỏ chọn trên máy dùng chung)",
                               value=True) if cfg.remember_days else False
        submitted = st.form_submit_button("Đăng nhập", type="primary")
    if submitted:
        found = ui.attempt(auth.authenticate, db, username, password, cfg.max_failed_logins, cfg.lock_minutes,
                           address=ui.client_address(), max_address_failures=cfg.max_failed_logins_per_address,
                           rerun=False)
        if found:
            ui.sign_in(db, found, remember)
            st.rerun()
    st.caption("Quên mật khẩu? Hãy nhờ quản trị viên đặt lại.")
