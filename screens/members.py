"""Đảng viên: members and units — list, add, edit, change status, import from a spreadsheet."""

import streamlit as st

from chibo import members, ui
from chibo.labels import GENDERS, MEMBER_STATUSES, MEMBERSHIP, PARTY_ROLES, UNIT_KINDS

db = ui.database()
actor = ui.actor()
today = ui.today()
can_edit = actor.can("edit_members")
ui.show_success()
st.title("Đảng viên và đơn vị")

counts = members.counts(db)
total, full, probation, exempt = st.columns(4)
total.metric("Tổng số đảng viên", counts["total"])
full.metric("Chính thức", counts["full"])
probation.metric("Dự bị", counts["probationary"])
exempt.metric("Miễn sinh hoạt", counts["exempt"])

people_tab, units_tab, import_tab = ui.tabs(["Danh sách đảng viên", "Đơn vị, đoàn thể", "Nhập từ Excel/CSV"], key="members_tab")

if people_tab.open:
    with people_tab:
        include_inactive = st.toggle("Hiện cả đảng viên đã chuyển đi", value=False)
        frame = members.members(db, include_inactive)
        ui.table(frame, {"full_name": "Họ và tên", "gender": "Giới tính", "birth_year": "Năm sinh",
                         "membership": "Loại", "party_role": "Chức vụ Đảng", "job_title": "Chức vụ", "unit": "Đơn vị",
                         "joined_on": "Ngày vào Đảng", "status": "Tình trạng"}, "Chưa có đảng viên nào.",
                 dates=("joined_on",), codes={"gender": GENDERS, "membership": MEMBERSHIP, "party_role": PARTY_ROLES,
                                              "status": MEMBER_STATUSES})
        if can_edit:
            unit_names = members.unit_choices(db)
            choices = {None: "➕ Thêm đảng viên mới"} | dict(zip(frame["id"], frame["full_name"]))
            # Keyed: a member added elsewhere changes the list, and must not switch the form under the user's hands.
            picked = st.selectbox("Thêm hoặc sửa", list(choices), format_func=choices.get, key="member_pick")
            form = ui.edit(f"member_{picked or 'new'}", lambda: members.member_form(db, picked))
            current = form.values
            with st.form(f"member_{picked}", enter_to_submit=False):
                left, right = st.columns(2)
                name = left.text_input("Họ và tên", current.get("full_name", ""), key=form.widget("name"))
                birth = right.number_input("Năm sinh", 1930, 2010, int(current.get("birth_year", 1985)),
                                           key=form.widget("birth"))
                gender = left.selectbox("Giới tính", list(GENDERS), format_func=GENDERS.get,
                                        index=list(GENDERS).index(current.get("gender", "nu")), key=form.widget("gender"))
                membership = right.selectbox("Loại đảng viên", list(MEMBERSHIP), format_func=MEMBERSHIP.get,
                                             index=list(MEMBERSHIP).index(current.get("membership", "chinh_thuc")),
                                             key=form.widget("membership"))
                role = left.selectbox("Chức vụ Đảng", list(PARTY_ROLES), format_func=PARTY_ROLES.get,
                                      index=list(PARTY_ROLES).index(current.get("party_role", "dang_vien")),
                                      key=form.widget("role"))
                title = right.text_input("Chức vụ chuyên môn", current.get("job_title", ""), key=form.widget("title"))
                unit_ids = [None, *unit_names]
                unit = left.selectbox("Đơn vị", unit_ids, format_func=lambda u: unit_names.get(u, "—"),
                                      index=unit_ids.index(current.get("unit_id")) if current.get("unit_id") in unit_ids else 0,
                                      key=form.widget("unit"))
                joined = right.date_input("Ngày vào Đảng", current.get("joined_on"), format="DD/MM/YYYY", min_value=None,
                                          key=form.widget("joined"))
                status = left.selectbox("Tình trạng", list(MEMBER_STATUSES), format_func=MEMBER_STATUSES.get,
                                        index=list(MEMBER_STATUSES).index(current.get("status", "active")),
                                        key=form.widget("status"))
                saved = st.form_submit_button("Lưu", type="primary")
            fields = dict(full_name=name, birth_year=birth, gender=gender, membership=membership, party_role=role,
                          job_title=title, unit_id=unit, joined_on=joined, status=status)
            if picked:
                ui.save_edit(form, saved, lambda version: members.update_member(
                    db, actor, int(picked), today=today, opened=version, **fields), success="Đã lưu thay đổi.")
            else:
                ui.save_edit(form, saved, lambda _: members.add_member(db, actor, today=today, **fields),
                             success=f"Đã thêm đảng viên {name}.")

if units_tab.open:
    with units_tab:
        ui.table(members.units(db), {"name": "Tên đơn vị", "kind": "Loại", "members": "Số đảng viên",
                                     "active": "Đang hoạt động"}, "Chưa có đơn vị nào.", codes={"kind": UNIT_KINDS})
        if can_edit:
            with st.form("add_unit", clear_on_submit=True, enter_to_submit=False):
                left, right = st.columns(2)
                unit_name = left.text_input("Tên đơn vị mới", placeholder="ví dụ: Tổ khối 1")
                kind = right.selectbox("Loại", list(UNIT_KINDS), format_func=UNIT_KINDS.get)
                added = st.form_submit_button("Thêm đơn vị")
            if added:
                ui.attempt(members.add_unit, db, actor, unit_name, kind, success=f"Đã thêm đơn vị {unit_name}.")

if import_tab.open:
    with import_tab:
        st.write("Tải mẫu, điền mỗi đảng viên một dòng, rồi tải tệp lên. Nếu có dòng sai, **không dòng nào được nhập** "
                 "và chibo chỉ rõ dòng nào cần sửa.")
        st.download_button("Tải tệp mẫu (.xlsx)", members.import_template, "mau-nhap-dang-vien.xlsx", on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        if can_edit:
            upload = st.file_uploader("Tệp danh sách đảng viên", type=["xlsx", "csv"])
            if upload and st.button("Nhập danh sách", type="primary"):
                bar = st.progress(0.0, text="Đang kiểm tra…")
                ui.attempt(members.import_members, db, actor, upload.getvalue(), upload.name, today,
                           progress=lambda f: bar.progress(f, text="Đang nhập…"),
                           success=lambda count: f"Đã nhập {count} đảng viên.")
                bar.empty()  # reached only when the file was refused: the message below says why
