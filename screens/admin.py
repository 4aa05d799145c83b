"""Quản trị: accounts, the audit log, backup and restore."""

import tempfile
from pathlib import Path

import streamlit as st

from chibo import audit, auth, backup, members, sessions, ui
from chibo.labels import ENTITIES, ROLES
from chibo.permissions import SYSTEM

db = ui.database()
actor = ui.actor()
cfg = ui.settings()
ui.show_success()
st.title("Quản trị")
if not actor.can("manage_users"):
    st.error("Chỉ quản trị viên được vào trang này.")
    st.stop()
accounts_tab, audit_tab, backup_tab = ui.tabs(["Tài khoản", "Nhật ký thay đổi", "Sao lưu và khôi phục"], key="admin_tab")

if accounts_tab.open:
    with accounts_tab:
        users = auth.list_users(db, actor)
        ui.table(users, {"username": "Tên đăng nhập", "display_name": "Họ tên", "role": "Vai trò",
                         "member": "Gắn với đảng viên", "active": "Tình trạng"}, "Chưa có tài khoản.",
                 codes={"role": ROLES, "active": {True: "Hoạt động", False: "Đã khóa"}})
        people = {None: "— không gắn —"} | members.member_choices(db)
        with st.form("add_user", clear_on_submit=True, enter_to_submit=False):
            st.markdown("**Thêm tài khoản**")
            left, right = st.columns(2)
            username = left.text_input("Tên đăng nhập (không dấu)")
            display = right.text_input("Họ tên")
            role = left.selectbox("Vai trò", list(ROLES), format_func=ROLES.get, index=2)
            member = right.selectbox("Gắn với đảng viên (để xem «Việc của tôi»)", list(people), format_func=people.get)
            password = st.text_input("Mật khẩu ban đầu", type="password")
            if st.form_submit_button("Thêm tài khoản", type="primary"):
                ui.attempt(auth.add_user, db, actor, username, password, role, display, member,
                           success=f"Đã thêm tài khoản {username}.")
        if not users.empty:
            st.markdown("**Sửa tài khoản**")
            name = st.selectbox("Tài khoản", list(users["username"]))
            row = users.set_index("username").loc[name]
            account = ui.edit(f"account:{name}", lambda: auth.account_form(db, name))
            with st.form("edit_user", enter_to_submit=False):
                left, right = st.columns(2)
                role = left.selectbox("Vai trò", list(ROLES), format_func=ROLES.get,
                                      index=list(ROLES).index(account.values["role"]), key=account.widget("role"))
                current_member = account.values["member_id"]
                member = right.selectbox("Gắn với đảng viên", list(people), format_func=people.get,
                                         index=list(people).index(current_member) if current_member in people else 0,
                                         key=account.widget("member"))
                saved = st.form_submit_button("Lưu vai trò")
            ui.save_edit(account, saved, lambda version: auth.set_role(db, actor, name, role, member, opened=version),
                         success="Đã lưu.")
            with st.form("password", enter_to_submit=False):
                password = st.text_input("Mật khẩu mới", type="password")
                if st.form_submit_button("Đặt lại mật khẩu"):
                    ui.attempt(auth.set_password, db, actor, name, password, success="Đã đặt lại mật khẩu.")
            if st.button(f"Đăng xuất {ui.plain(name)} trên mọi máy"):
                ui.attempt(sessions.sign_out_everywhere, db, actor, name, ui.now(),
                           success=f"Đã đăng xuất {name} trên mọi máy.")
            if row["active"]:
                if st.button(f"Khóa tài khoản {ui.plain(name)}"):
                    ui.attempt(auth.set_active, db, actor, name, False, success=f"Đã khóa {name}.")
            elif st.button(f"Mở khóa tài khoản {ui.plain(name)}"):
                ui.attempt(auth.set_active, db, actor, name, True, success=f"Đã mở khóa {name}.")

if audit_tab.open:
    with audit_tab:
        left, middle, right = st.columns(3)
        who = left.selectbox("Người dùng", ["", *auth.list_users(db, actor)["username"], SYSTEM.username],
                             format_func=lambda u: u or "Tất cả")
        entity = middle.selectbox("Đối tượng", ["", *audit.entity_names(db)],
                                  format_func=lambda e: ENTITIES.get(e, e) if e else "Tất cả")
        since = right.date_input("Từ ngày", None, format="DD/MM/YYYY")
        entries = audit.entries(db, actor, who, entity, since)
        st.caption(f"{audit.count(db)} thay đổi đã ghi; hiện {len(entries)} mới nhất.")
        ui.table(entries, {c: c for c in entries.columns}, "Không có thay đổi nào khớp bộ lọc.", dates=("Thời điểm",))

if backup_tab.open:
    with backup_tab:
        st.write(f"Mỗi ngày, lần khởi động đầu tiên tự sao lưu vào `{cfg.backup_dir}` và giữ {cfg.backups_kept} bản mới nhất.")
        if st.button("Tạo bản sao lưu để tải về"):
            with st.status("Đang sao lưu…"):
                data = ui.attempt(backup.backup_bytes, db, actor, rerun=False)
            if data:
                st.download_button("⬇️ Tải bản sao lưu", data, f"chibo-{ui.today():%Y-%m-%d}.duckdb",
                                   mime="application/octet-stream")
        kept = backup.list_backups(cfg.backup_dir)
        if kept:
            st.write("Các bản sao lưu trên máy chủ: " + ", ".join(p.name for p in kept[:10]))
        st.markdown("**Khôi phục**: tệp được kiểm tra toàn bộ trước; dữ liệu hiện tại được giữ lại thành một bản sao lưu "
                    "trước khi thay thế. Sau khi khôi phục, mọi người (cả bạn) cần đăng nhập lại.")
        upload = st.file_uploader("Tệp sao lưu (.duckdb)", type=["duckdb"])
        if upload and st.checkbox("Tôi hiểu dữ liệu hiện tại sẽ được thay bằng bản sao lưu này"):
            if st.button("Khôi phục", type="primary"):
                with tempfile.TemporaryDirectory() as folder:
                    source = Path(folder) / "upload.duckdb"
                    source.write_bytes(upload.getvalue())
                    with st.spinner("Đang kiểm tra tệp…"):
                        ui.attempt(backup.restore_running, db, actor, source, cfg.backup_dir)  # then: signed out
