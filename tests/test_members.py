import io
import re
import unicodedata
import zipfile

import openpyxl
import pandas as pd
import pytest

from chibo import auth, members
from chibo.errors import InputError
from tests.conftest import TODAY

A = auth.SYSTEM


def sheet(rows: list[dict], kind: str = "xlsx") -> tuple[bytes, str]:
    frame = pd.DataFrame(rows)
    buffer = io.BytesIO()
    if kind == "csv":
        return frame.to_csv(index=False).encode("utf-8"), "ds.csv"
    frame.to_excel(buffer, index=False)
    return buffer.getvalue(), "ds.xlsx"


def test_it_adds_a_member_with_normalised_name(fresh_db):
    member_id = members.add_member(fresh_db, A, today=TODAY, full_name="  Nguyễn   Thị Lan ", gender="nu", birth_year=1980)
    assert fresh_db.scalar("SELECT full_name FROM members WHERE id = ?", [member_id]) == "Nguyễn Thị Lan"


@pytest.mark.parametrize("fields,message", [
    ({"full_name": "   ", "gender": "nu", "birth_year": 1980}, "Họ và tên không được để trống"),
    ({"full_name": "A" * 81, "gender": "nu", "birth_year": 1980}, "quá dài"),
    ({"full_name": "Lê Văn B", "gender": "khác", "birth_year": 1980}, "Giới tính"),
    ({"full_name": "Lê Văn B", "gender": "nam", "birth_year": 1850}, "Năm sinh"),
    ({"full_name": "Lê Văn B", "gender": "nam", "birth_year": -5}, "Năm sinh"),
    ({"full_name": "Lê Văn B", "gender": "nam", "birth_year": 1990, "joined_on": "01/01/2000"}, "đủ 18 tuổi"),
    ({"full_name": "Lê Văn B", "gender": "nam", "birth_year": 1990, "joined_on": "31/02/2020"}, "không phải ngày"),
])
def test_bad_member_input_gets_a_vietnamese_message_and_writes_nothing(fresh_db, fields, message):
    with pytest.raises(InputError, match=message):
        members.add_member(fresh_db, A, today=TODAY, **fields)
    assert fresh_db.scalar("SELECT count(*) FROM members") == 0


def test_duplicate_members_are_refused(fresh_db):
    members.add_member(fresh_db, A, today=TODAY, full_name="Lê Văn B", gender="nam", birth_year=1990)
    with pytest.raises(InputError, match="Đã có đảng viên"):
        members.add_member(fresh_db, A, today=TODAY, full_name="lê văn b", gender="nam", birth_year=1990)


def test_a_cell_has_one_secretary(fresh_db):
    members.add_member(fresh_db, A, today=TODAY, full_name="Lê Văn B", gender="nam", birth_year=1980, party_role="bi_thu")
    with pytest.raises(InputError, match="đã có Bí thư"):
        members.add_member(fresh_db, A, today=TODAY, full_name="Lê Văn C", gender="nam", birth_year=1981, party_role="bi_thu")


def test_deactivating_keeps_the_member_and_hides_them_from_the_list(fresh_db):
    member_id = members.add_member(fresh_db, A, today=TODAY, full_name="Lê Văn B", gender="nam", birth_year=1980)
    members.set_member_status(fresh_db, A, member_id, "inactive")
    assert members.members(fresh_db).empty
    assert len(members.members(fresh_db, include_inactive=True)) == 1


def test_a_unit_in_use_cannot_be_deleted(fresh_db):
    unit_id = members.add_unit(fresh_db, A, "Tổ 1", "to_chuyen_mon")
    members.add_member(fresh_db, A, today=TODAY, full_name="Lê Văn B", gender="nam", birth_year=1980, unit_id=unit_id)
    with pytest.raises(InputError, match="ngừng hoạt động"):
        members.delete_unit(fresh_db, A, unit_id)
    assert fresh_db.scalar("SELECT count(*) FROM units") == 1


def test_the_import_template_round_trips(fresh_db):
    members.add_unit(fresh_db, A, "Tổ 1", "to_chuyen_mon")
    data = members.import_template()
    assert members.import_members(fresh_db, A, data, "mau.xlsx", TODAY) == 1
    assert fresh_db.scalar("SELECT full_name FROM members") == "Nguyễn Văn An"


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_import_with_one_bad_row_imports_nothing_and_names_the_rows(fresh_db, kind):
    rows = [{"Họ và tên": "Trần Thị Mai", "Giới tính": "Nữ", "Năm sinh": 1985},
            {"Họ và tên": "", "Giới tính": "Nam", "Năm sinh": 1986},
            {"Họ và tên": "Võ Văn Tám", "Giới tính": "Nam", "Năm sinh": "năm"}]
    data, name = sheet(rows, kind)
    with pytest.raises(InputError, match="Dòng 3") as error:
        members.import_members(fresh_db, A, data, name, TODAY)
    assert "Dòng 4" in str(error.value) and "Dòng 2" not in str(error.value)
    assert fresh_db.scalar("SELECT count(*) FROM members") == 0


def test_an_import_names_every_wrong_field_of_a_row_at_once(fresh_db):
    rows = [{"Họ và tên": "Võ Văn Tám", "Giới tính": "Không rõ", "Năm sinh": "abc", "Ngày vào Đảng": "32/13/2020"}]
    data, name = sheet(rows)
    with pytest.raises(InputError) as error:
        members.import_members(fresh_db, A, data, name, TODAY)
    said = str(error.value)
    assert "Dòng 2" in said and "Ngày vào Đảng" in said and "Năm sinh" in said and "Giới tính" in said, said


def test_an_import_refuses_a_name_twice_in_the_file(fresh_db):
    rows = [{"Họ và tên": "Trần Thị Mai", "Giới tính": "Nữ", "Năm sinh": 1985}] * 2
    data, name = sheet(rows)
    with pytest.raises(InputError, match="hai lần"):
        members.import_members(fresh_db, A, data, name, TODAY)


def test_an_unreadable_file_is_refused_plainly(fresh_db):
    with pytest.raises(InputError, match="Không đọc được tệp"):
        members.import_members(fresh_db, A, b"\x00\x01garbage", "ds.xlsx", TODAY)


def test_import_reports_progress(fresh_db):
    data, name = sheet([{"Họ và tên": f"Người Số {i}", "Giới tính": "Nữ", "Năm sinh": 1980 + i} for i in range(5)])
    seen = []
    members.import_members(fresh_db, A, data, name, TODAY, progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.parametrize("twin", ["Lê Văn\x01 B", "Lê\u200b Văn B", "\u202aLê Văn B\u202c"])
def test_a_name_with_invisible_characters_is_caught_as_a_duplicate(fresh_db, twin):
    members.add_member(fresh_db, A, today=TODAY, full_name="Lê Văn B", gender="nam", birth_year=1990)
    with pytest.raises(InputError, match="Đã có đảng viên «Lê Văn B» sinh năm 1990"):
        members.add_member(fresh_db, A, today=TODAY, full_name=twin, gender="nam", birth_year=1990)
    assert fresh_db.scalar("SELECT count(*) FROM members") == 1


def test_an_import_refuses_a_name_a_spreadsheet_would_run(fresh_db):
    data, name = sheet([{"Họ và tên": "=cmd|' /C calc'!A0", "Giới tính": "Nam", "Năm sinh": 1980}], "csv")
    with pytest.raises(InputError, match="Dòng 2: Họ và tên không được bắt đầu bằng «=»"):
        members.import_members(fresh_db, A, data, name, TODAY)
    assert fresh_db.scalar("SELECT count(*) FROM members") == 0


def test_a_unit_named_like_a_formula_is_refused(fresh_db):
    with pytest.raises(InputError, match="Tên đơn vị không được bắt đầu bằng «@»"):
        members.add_unit(fresh_db, A, "@SUM(1+1)", "to_chuyen_mon")
    assert fresh_db.scalar("SELECT count(*) FROM units") == 0


def test_headers_are_recognised_decomposed_padded_or_in_capitals(fresh_db):
    headers = [unicodedata.normalize("NFD", "  Họ và  tên "), "GIỚI TÍNH\u200b", unicodedata.normalize("NFD", "Năm sinh\t")]
    data = pd.DataFrame([["Trần Thị Mai", "Nữ", 1985]], columns=headers).to_csv(index=False).encode("utf-8")
    assert members.import_members(fresh_db, A, data, "ds.csv", TODAY) == 1
    assert fresh_db.scalar("SELECT full_name FROM members") == "Trần Thị Mai"


def with_cached_values(data: bytes, values: dict[str, str]) -> bytes:
    """The .xlsx as Excel saves it: each formula cell also holds the value it last computed (openpyxl writes none)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                for ref, value in values.items():
                    text = re.sub(f'<c r="{ref}"><f>(.*?)</f><v></v></c>',
                                  lambda m, v=value, r=ref: f'<c r="{r}" t="str"><f>{m.group(1)}</f><v>{v}</v></c>', text)
                body = text.encode()
            target.writestr(item, body)
    return out.getvalue()


def test_formula_cells_of_a_spreadsheet_are_read_as_their_values(fresh_db):
    book = openpyxl.Workbook()
    book.active.append(["Họ và tên", "Giới tính", "Năm sinh"])
    book.active.append(['=PROPER("trần thị mai")', "Nữ", "=1980+5"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = with_cached_values(buffer.getvalue(), {"A2": "Trần Thị Mai", "C2": "1985"})
    assert members.import_members(fresh_db, A, data, "ds.xlsx", TODAY) == 1
    assert fresh_db.one("SELECT full_name, birth_year FROM members") == ("Trần Thị Mai", 1985)


def test_a_file_of_ten_thousand_bad_rows_is_refused_with_the_first_fifty_errors_and_the_count(fresh_db):
    data, name = sheet([{"Họ và tên": f"Người Số {i}", "Giới tính": "Nữ", "Năm sinh": "năm"} for i in range(10_000)])
    updates = []
    with pytest.raises(InputError) as refused:
        members.import_members(fresh_db, A, data, name, TODAY, progress=updates.append)
    first, *listed, last = str(refused.value).splitlines()
    assert first == "Không nhập dòng nào vì có lỗi ở 10000 dòng:"
    assert listed == [f"Dòng {n}: Năm sinh phải là số nguyên, không phải «năm»." for n in range(2, 52)]
    assert last == "… và 9950 dòng lỗi khác."
    assert len(updates) <= 100  # each progress update is a message to the browser
    assert fresh_db.scalar("SELECT count(*) FROM members") == 0


def people(count: int, start: int = 0) -> list[dict]:
    return [{"Họ và tên": f"Người Số {i}", "Giới tính": "Nữ", "Năm sinh": 1960 + i % 30} for i in range(start, start + count)]


class CountingCursor:
    """The write's cursor, counting the statements run on it while the write lock is held."""

    def __init__(self, cur, counts: list[int]):
        self._cur, self._counts = cur, counts

    def execute(self, *args, **kwargs):
        self._counts[-1] += 1
        return self._cur.execute(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._cur, name)


def statements_under_the_lock(db, monkeypatch) -> list[int]:
    counts: list[int] = []
    write = db.write

    def counted(work):
        counts.append(0)
        return write(lambda cur: work(CountingCursor(cur, counts)))
    monkeypatch.setattr(db, "write", counted)
    return counts


def test_an_import_holds_the_write_lock_for_the_same_few_statements_whatever_its_size(fresh_db, monkeypatch):
    counts = statements_under_the_lock(fresh_db, monkeypatch)
    for start, size in ((0, 5), (100, 300)):
        data, name = sheet(people(size, start), "csv")
        assert members.import_members(fresh_db, A, data, name, TODAY) == size
    assert len(counts) == 2 and counts[0] == counts[1] <= 10
    assert fresh_db.scalar("SELECT count(*) FROM members") == 305


def test_an_import_audits_every_member_it_adds(fresh_db):
    data, name = sheet(people(40), "csv")
    members.import_members(fresh_db, A, data, name, TODAY)
    audited = fresh_db.rows("SELECT entity_id, after FROM audit_log WHERE action = 'thêm đảng viên' ORDER BY entity_id")
    assert [i for i, _ in audited] == [r[0] for r in fresh_db.rows("SELECT id FROM members ORDER BY id")]
    assert all(f'"full_name": "Người Số {n}"' in after for n, (_, after) in enumerate(audited))


def test_an_import_names_the_rows_already_on_file_and_imports_nothing(fresh_db):
    members.add_member(fresh_db, A, today=TODAY, full_name="Người Số 3", gender="nu", birth_year=1963)
    data, name = sheet(people(6), "csv")
    with pytest.raises(InputError) as error:
        members.import_members(fresh_db, A, data, name, TODAY)
    assert str(error.value) == "Không nhập dòng nào vì có lỗi ở 1 dòng:\nDòng 5: Đã có đảng viên «Người Số 3» sinh năm 1963."
    assert fresh_db.scalar("SELECT count(*) FROM members") == 1


def test_an_import_refuses_a_second_secretary_on_file_or_in_the_sheet(fresh_db):
    members.add_member(fresh_db, A, today=TODAY, full_name="Lê Văn B", gender="nam", birth_year=1980, party_role="bi_thu")
    rows = people(4)
    rows[1]["Chức vụ Đảng"] = "Bí thư"
    rows[2]["Chức vụ Đảng"] = "Phó Bí thư"
    rows[3]["Chức vụ Đảng"] = "Phó Bí thư"
    data, name = sheet(rows, "csv")
    with pytest.raises(InputError) as error:
        members.import_members(fresh_db, A, data, name, TODAY)
    assert str(error.value).splitlines() == [
        "Không nhập dòng nào vì có lỗi ở 2 dòng:",
        "Dòng 3: Chi bộ đã có Bí thư là Lê Văn B; hãy đổi chức vụ người đó trước.",
        "Dòng 5: Chi bộ đã có Phó Bí thư là Người Số 2; hãy đổi chức vụ người đó trước."]
    assert fresh_db.scalar("SELECT count(*) FROM members") == 1


def test_members_are_listed_in_vietnamese_alphabetical_order(fresh_db):
    from chibo import auth as _auth
    from tests.conftest import TODAY as _TODAY
    for name in ("Vũ Văn Tư", "Đỗ Thị Lan", "Dương Văn An", "Ánh Thị Mai", "An Văn Bình"):
        members.add_member(fresh_db, _auth.SYSTEM, today=_TODAY, full_name=name, gender="nam", birth_year=1980)
    assert list(members.member_choices(fresh_db).values()) == ["An Văn Bình", "Ánh Thị Mai", "Dương Văn An",
                                                                "Đỗ Thị Lan", "Vũ Văn Tư"]
