"""The fictional demo cell: a primary-school cell with 33 members, its units, a term
action program and six months of the monthly loop. Deterministic for a given `today`.
Every name, school and place here is invented."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from chibo import audit, checklist, documents, evaluations, meetings, months, plans, program, tasks
from chibo.db import Database, Transaction
from chibo.errors import InputError
from chibo.labels import FIELDS
from chibo.permissions import Actor, require

SEED = 20261103
SCHOOL = "Trường Tiểu học Sông Mây"
TOWN = "Tân Lộc"

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Huỳnh", "Phan", "Vũ"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Minh", "Thanh", "Hồng", "Kim", "Mỹ"]
MIDDLE_M = ["Văn", "Minh", "Quốc", "Đức", "Hữu", "Thanh", "Công"]
GIVEN_F = ["Lan", "Hạnh", "Mai", "Thảo", "Hương", "Dung", "Nga", "Yến", "Trang", "Vân", "Hoa", "Phượng", "Thủy",
           "Liên", "Tuyết", "Oanh", "Ngân", "Diệu"]
GIVEN_M = ["Hùng", "Dũng", "Phong", "Tuấn", "Khoa", "Bình", "Sơn", "Long", "Hải", "Nam", "Thắng", "Trí"]

UNITS = [("Ban giám hiệu", "ban_giam_hieu"), ("Công đoàn cơ sở", "cong_doan"), ("Chi đoàn Thanh niên", "doan_tn"),
         ("Liên đội Thiếu niên Tiền phong", "doi_tntp"), ("Tổ khối 1", "to_chuyen_mon"),
         ("Tổ khối 2", "to_chuyen_mon"), ("Tổ khối 3", "to_chuyen_mon"), ("Tổ khối 4–5", "to_chuyen_mon"),
         ("Tổ văn phòng", "van_phong")]

# What a school cell sets each month, field by field, and who leads it: a unit of the school, or a member of the
# committee by role (Hiệu trưởng is the secretary, Phó Hiệu trưởng the deputy, the Chủ tịch Công đoàn and the
# Tổng phụ trách Đội the other two). Party work is led by the committee, never by a grade team.
TASK_POOL = {
    "chuyen_mon": [("Kiểm tra nề nếp dạy học đầu tháng ở các lớp", "Ban giám hiệu"),
                   ("Tổ chức chuyên đề đổi mới phương pháp dạy Tiếng Việt", "Tổ khối 2"),
                   ("Phụ đạo học sinh chưa hoàn thành môn Toán", "Tổ khối 3"),
                   ("Bồi dưỡng học sinh năng khiếu Tiếng Anh", "Tổ khối 4–5"),
                   ("Hoàn thiện hồ sơ đánh giá học sinh giữa kỳ", "Tổ khối 1"),
                   ("Dự giờ, góp ý giáo viên mới", "pho_bi_thu")],
    "tu_tuong": [(f"Quán triệt nghị quyết của Đảng ủy xã {TOWN} đến đảng viên", "bi_thu"),
                 ("Nắm tình hình tư tưởng giáo viên, nhân viên", "chu_tich_cong_doan"),
                 ("Tuyên truyền kỷ niệm Ngày Nhà giáo Việt Nam", "Công đoàn cơ sở"),
                 ("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "pho_bi_thu")],
    "to_chuc_can_bo": [("Rà soát, bổ sung hồ sơ đảng viên", "tong_phu_trach"),
                       ("Bồi dưỡng quần chúng ưu tú để giới thiệu kết nạp", "bi_thu"),
                       ("Phân công đảng viên phụ trách lớp, khối", "bi_thu"),
                       ("Hoàn thiện hồ sơ quy hoạch cán bộ quản lý", "bi_thu")],
    "doan_the": [("Chỉ đạo Công đoàn tổ chức phong trào thi đua", "Công đoàn cơ sở"),
                 ("Chỉ đạo Liên đội tổ chức hoạt động trải nghiệm", "Liên đội Thiếu niên Tiền phong"),
                 ("Chỉ đạo Chi đoàn ra quân tình nguyện", "Chi đoàn Thanh niên"),
                 ("Chỉ đạo Công đoàn thăm hỏi đoàn viên ốm đau", "Công đoàn cơ sở")],
    "xay_dung_dang": [("Chuẩn bị nội dung sinh hoạt chuyên đề", "pho_bi_thu"),
                      ("Thu, nộp đảng phí đúng quy định", "tong_phu_trach"),
                      ("Cập nhật thông tin đảng viên trên Sổ tay đảng viên điện tử", "tong_phu_trach"),
                      ("Hoàn thiện biên bản, sổ nghị quyết", "chu_tich_cong_doan")],
    "kiem_tra_giam_sat": [("Giám sát việc thực hiện quy định về đạo đức nhà giáo", "pho_bi_thu"),
                          ("Kiểm tra việc thu, chi quỹ Công đoàn", "tong_phu_trach"),
                          ("Giám sát việc thực hiện nhiệm vụ của Tổ khối 3", "pho_bi_thu"),
                          ("Kiểm tra việc chấp hành Điều lệ Đảng của đảng viên", "bi_thu")],
}
REMARKS = [
    ("ket_qua", "Thống nhất với báo cáo; đề nghị nêu rõ nguyên nhân các việc hoàn thành chậm."),
    ("nhiem_vu", "Đề nghị giao việc bồi dưỡng học sinh năng khiếu cho tổ khối có giáo viên chuyên trách."),
    ("ton_tai", "Tổ chuyên môn cần báo cáo tiến độ đúng hạn để chi ủy kịp thời đôn đốc."),
    ("nhiem_vu", "Nhất trí với dự thảo; đề nghị bổ sung thời hạn cụ thể cho việc cập nhật Sổ tay đảng viên."),
]
RESULTS_CRITERION = "Kết quả thực hiện nghị quyết tháng trước"
# Work a school cell sets every month: once in a resolution, the product copies it into each new month.
RECURRING = {"Thu, nộp đảng phí đúng quy định"}
COMMITTEE_ROLES = ["bi_thu", "pho_bi_thu", "chu_tich_cong_doan", "tong_phu_trach"]
# Where each field's work is set in motion: the cell meeting, the joint leadership meeting, the staff meeting.
FIELD_CHANNELS = {"chuyen_mon": "hoi_dong", "doan_the": "lien_tich"}

# What the committee writes of a month, one variant a month so no two evaluations read alike.
EVALUATION_TEXTS = [
    {"strengths": "Đảng viên gương mẫu thực hiện nhiệm vụ được giao; các đoàn thể chủ động xây dựng kế hoạch.",
     "weaknesses": "- Một số nhiệm vụ hoàn thành chậm so với thời hạn.\n"
                   "- Việc báo cáo tiến độ của các tổ chuyên môn chưa kịp thời.",
     "causes_subjective": "Một số đồng chí chưa chủ động sắp xếp thời gian.",
     "causes_objective": "Nhiều hoạt động chuyên môn dồn vào cùng thời điểm đầu năm học.",
     "lessons": "Phân công cụ thể người, việc, thời hạn; chi ủy kiểm tra thường xuyên.",
     "proposals": f"Đề nghị Đảng ủy xã {TOWN} tổ chức bồi dưỡng nghiệp vụ công tác đảng cho chi ủy viên."},
    {"strengths": "Công tác chuyên môn được duy trì nền nếp; tư tưởng cán bộ, giáo viên, nhân viên ổn định.",
     "weaknesses": "- Công tác kiểm tra, giám sát còn chậm so với kế hoạch.",
     "causes_subjective": "Chi ủy chưa bố trí thời gian kiểm tra hợp lý.",
     "causes_objective": "Nhà trường tổ chức nhiều hoạt động phong trào trong tháng.",
     "lessons": "Kế hoạch kiểm tra, giám sát phải gắn với lịch công tác của nhà trường.",
     "proposals": ""},
    {"strengths": "Các nhiệm vụ trọng tâm được triển khai đồng bộ qua họp liên tịch và họp hội đồng sư phạm.",
     "weaknesses": "- Một số nhiệm vụ chuyển tiếp từ tháng trước chưa hoàn thành dứt điểm.\n"
                   "- Việc cập nhật minh chứng kết quả thực hiện còn chậm.",
     "causes_subjective": "Đồng chí chủ trì chưa đôn đốc thường xuyên.",
     "causes_objective": "Một số việc phụ thuộc kế hoạch của cấp trên.",
     "lessons": "Nhiệm vụ chuyển tiếp phải có thời hạn mới và người theo dõi cụ thể.",
     "proposals": ""},
]

def _names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    names, seen = [], set()
    while len(names) < count:
        female = rng.random() < 0.7  # a primary school's staff is mostly women
        gender = "nu" if female else "nam"
        name = " ".join([rng.choice(SURNAMES), rng.choice(MIDDLE_F if female else MIDDLE_M),
                         rng.choice(GIVEN_F if female else GIVEN_M)])
        if name not in seen:
            seen.add(name)
            names.append((name, gender))
    return names


def _insert(cur, table: str, values: dict) -> int:
    cols = ", ".join(values)
    marks = ", ".join("?" * len(values))
    return cur.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING *", list(values.values())).fetchone()[0]


class _Builder:
    """Writes the whole demo cell inside one transaction."""

    def __init__(self, cur, actor: Actor, today: date, progress):
        self.cur, self.actor, self.today, self.progress = cur, actor, today, progress
        self.db = Transaction(cur)  # the domain's functions, run inside this one transaction
        self.rng = random.Random(SEED)
        self.current = months.month_start(today)
        self.months = [self.current]
        for _ in range(5):
            self.months.insert(0, months.previous_month(self.months[0]))

    def build(self) -> dict:
        self.cell_and_term()
        self.units_and_members()
        self.progress(0.15, "Đã tạo chi bộ, đơn vị và 33 đảng viên")
        self.program()
        self.progress(0.3, "Đã tạo chương trình hành động và chỉ tiêu")
        self.higher_docs()
        for index, month in enumerate(self.months):
            self.month(month)
            self.progress(0.3 + 0.6 * (index + 1) / len(self.months), f"Đã tạo tháng {month.month}/{month.year}")
        self.ratings()
        return {"members": 33, "months": len(self.months)}

    # -- the cell -----------------------------------------------------------------
    def cell_and_term(self) -> None:
        _insert(self.cur, "cell", {"id": 1, "name": f"Chi bộ {SCHOOL}", "superior_name": f"Đảng bộ xã {TOWN}",
                                   "superior_committee": f"Đảng ủy xã {TOWN}", "place_name": TOWN,
                                   "meeting_day": 3})
        start = date(self.months[0].year - 1, 7, 1)
        end = date(start.year + 2, 6, 30) if date(start.year + 2, 6, 30) > self.today else date(self.today.year + 1, 6, 30)
        self.term = {"id": _insert(self.cur, "terms", {"name": f"Nhiệm kỳ {start.year}–{end.year}",
                                                      "start_date": start, "end_date": end}),
                     "start": start, "end": end}

    def units_and_members(self) -> None:
        self.units = {kind_name[0]: _insert(self.cur, "units", {"name": kind_name[0], "kind": kind_name[1]})
                      for kind_name in UNITS}
        teams = [self.units[n] for n in ("Tổ khối 1", "Tổ khối 2", "Tổ khối 3", "Tổ khối 4–5")]
        roles = ["bi_thu", "pho_bi_thu", "chi_uy_vien", "chi_uy_vien"] + ["dang_vien"] * 29
        titles = ["Hiệu trưởng", "Phó Hiệu trưởng", "Chủ tịch Công đoàn", "Tổng phụ trách Đội"]
        self.members, self.committee, self.admitted, self.unit_of = [], [], [], {}
        for index, (name, gender) in enumerate(_names(self.rng, 33)):
            role = roles[index]
            if index < 2:
                unit = self.units["Ban giám hiệu"]
            elif index == 2:
                unit = self.units["Công đoàn cơ sở"]
            elif index == 3:
                unit = self.units["Liên đội Thiếu niên Tiền phong"]
            elif index in (4, 5):
                unit = self.units["Tổ văn phòng"]
            else:
                unit = teams[index % 4]
            probationary = index in (30, 31, 32)
            birth = self.rng.randint(1968, 1995) if not probationary else self.rng.randint(1996, 2000)
            joined = date(max(birth + 22, 1995) + self.rng.randint(0, 6), self.rng.randint(1, 12), self.rng.randint(1, 28))
            if probationary:
                joined = self.today - timedelta(days=120 + 60 * (index - 30))
                self.admitted.append(joined)
            member_id = _insert(self.cur, "members", {
                "full_name": name, "gender": gender, "birth_year": birth,
                "membership": "du_bi" if probationary else "chinh_thuc", "party_role": role,
                "job_title": titles[index] if index < 4 else ("Nhân viên" if index in (4, 5) else "Giáo viên"),
                "unit_id": unit, "joined_on": joined, "status": "exempt" if index == 29 else "active"})
            self.members.append(member_id)
            self.unit_of[member_id] = unit
            if role != "dang_vien":
                self.committee.append(member_id)
        self.active = [m for i, m in enumerate(self.members) if i != 29]

    # -- the action program ------------------------------------------------------------
    def program(self) -> None:
        start = self.term["start"]
        self.program_id = _insert(self.cur, "documents", {
            "kind": "ctr", "term_id": self.term["id"], "number": 1, "summary":
            f"thực hiện Nghị quyết Đại hội Chi bộ nhiệm kỳ {start.year}–{self.term['end'].year}",
            "issued_on": start + timedelta(days=20), "place": TOWN, "status": "in_progress", "signer_id": self.members[0]})
        for key in program.PROGRAM_SECTIONS:
            _insert(self.cur, "document_sections", {"document_id": self.program_id, "section": key, "body":
                                                    program.prefilled(key, f"Chi bộ {SCHOOL}",
                                                                      f"{start.year}–{self.term['end'].year}")})
        goal_quality = _insert(self.cur, "goals", {"document_id": self.program_id, "position": 0,
                                                   "title": "Nâng cao chất lượng giáo dục toàn diện",
                                                   "expected_result": "Học sinh hoàn thành chương trình lớp học từ 99% trở lên."})
        goal_party = _insert(self.cur, "goals", {"document_id": self.program_id, "position": 1,
                                                 "title": "Xây dựng chi bộ trong sạch, vững mạnh",
                                                 "expected_result": "Chi bộ hoàn thành tốt nhiệm vụ trở lên mỗi năm."})
        end = self.term["end"]
        specs = {  # key: (field, name, unit, kind, direction, baseline, target, target in words, goal)
            "vao_lop_1": ("chuyen_mon", "Tỷ lệ trẻ 6 tuổi vào lớp 1", "%", "snapshot", "higher", 99.5, 100, "",
                          goal_quality),
            "hoan_thanh_lop": ("chuyen_mon", "Tỷ lệ học sinh hoàn thành chương trình lớp học", "%", "snapshot", "higher",
                               98.7, 99, "", goal_quality),
            "bo_hoc": ("chuyen_mon", "Số học sinh bỏ học", "học sinh", "snapshot", "lower", 2, 0, "", goal_quality),
            "chuan_quoc_gia": ("chuyen_mon", "Trường đạt chuẩn quốc gia mức độ 2", "", "qualitative", "higher", None,
                               None, "Đạt chuẩn mức độ 2", goal_quality),
            "ket_nap": ("to_chuc_can_bo", "Kết nạp đảng viên mới", "đảng viên", "cumulative", "higher", 0, 4, "",
                        goal_party),
            "dang_vien_tot": ("xay_dung_dang", "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên", "%", "snapshot",
                              "higher", 93.9, 100, "", goal_party),
            "cong_doan": ("doan_the", "Công đoàn xếp loại", "", "qualitative", "higher", None, None,
                          "Vững mạnh xuất sắc", goal_party),
            "chi_bo": ("xay_dung_dang", "Chi bộ xếp loại chất lượng", "", "qualitative", "higher", None, None,
                       "Hoàn thành tốt nhiệm vụ", goal_party),
            "boi_duong": ("chuyen_mon", "Giáo viên hoàn thành kế hoạch bồi dưỡng thường xuyên", "%", "snapshot", "higher",
                          80, 100, "", goal_quality),
        }
        self.targets = {}
        for position, (key, (field, name, unit, kind, direction, base, goal, text, goal_id)) in enumerate(specs.items()):
            self.targets[key] = _insert(self.cur, "targets", {
                "document_id": self.program_id, "goal_id": goal_id, "field": field, "name": name, "unit": unit,
                "kind": kind, "direction": direction, "baseline": base, "target_value": goal, "target_text": text,
                "period_start": start, "period_end": end, "from_tasks": key == "boi_duong", "position": position})
        self.target_history()
        self.measures = {}
        for position, field in enumerate(FIELDS):
            lead = self.committee[position % 4]
            self.measures[field] = _insert(self.cur, "measures", {
                "document_id": self.program_id, "field": field, "position": position,
                "title": f"Tăng cường {FIELDS[field][0].lower()}{FIELDS[field][1:]}",
                "how": "Đưa vào nghị quyết hằng tháng; phân công đảng viên phụ trách; kiểm tra định kỳ.",
                "lead_member_id": lead, "partners": "Các đoàn thể, tổ chuyên môn", "deadline": end,
                "target_id": self.targets["boi_duong"] if field == "chuyen_mon" else None})

    def target_history(self) -> None:
        values = {"vao_lop_1": [100.0], "hoan_thanh_lop": [98.9, 99.1], "bo_hoc": [1, 0], "dang_vien_tot": [97.0]}
        for key, series in values.items():
            for step, value in enumerate(series):
                day = self.term["start"] + timedelta(days=150 + 120 * step)
                if day <= self.today:
                    _insert(self.cur, "target_values", {"target_id": self.targets[key], "recorded_on": day,
                                                        "value": value, "note": "Số liệu báo cáo học kỳ"})
        for day in sorted(self.admitted):  # each probationary member was admitted on the day they joined
            if self.term["start"] <= day <= self.today:
                _insert(self.cur, "target_values", {"target_id": self.targets["ket_nap"], "recorded_on": day,
                                                    "value": 1, "note": "Kết nạp tại lễ của chi bộ"})
        for key, text in (("chuan_quoc_gia", "Đang hoàn thiện hồ sơ"), ("cong_doan", "Vững mạnh"),
                          ("chi_bo", "Hoàn thành tốt nhiệm vụ")):
            _insert(self.cur, "target_values", {"target_id": self.targets[key], "recorded_on":
                                                self.months[0] + timedelta(days=5), "value_text": text})

    def higher_docs(self) -> None:
        for offset, (number, issuer, title) in enumerate([
            ("125-CV/ĐU", f"Đảng ủy xã {TOWN}", "về tổ chức sinh hoạt chi bộ theo chuyên đề"),
            ("48-KH/ĐU", f"Đảng ủy xã {TOWN}", "về học tập, quán triệt nghị quyết của cấp trên"),
            ("07-HD/BTGDVTU", "Ban Tuyên giáo và Dân vận Tỉnh ủy", "về công tác tuyên truyền năm học mới"),
        ]):
            month = self.months[1 + 2 * offset] if 1 + 2 * offset < len(self.months) else self.months[-1]
            issued = months.previous_month(month) + timedelta(days=20)
            _insert(self.cur, "higher_docs", {"number": number, "issuer": issuer, "issued_on": issued,
                                              "title": title, "received_on": issued + timedelta(days=3)})

    # -- one month of the loop, made with the functions a user triggers ---------------------
    def month(self, month: date) -> None:
        """The committee drafts the month's resolution (bases, recurring and carried-over work filled in by
        the product), the cell meets on the 3rd, adopts it and closes the month before; then the month's work."""
        previous = months.previous_month(month)
        if month != self.months[0]:
            self.evaluation(previous)
        carried = list(plans.carry_over_candidates(self.db, month)["id"][:2])
        doc_id = plans.new_monthly_draft(self.db, self.actor, month, [int(t) for t in carried])
        plans.save_task_table(self.db, self.actor, doc_id, self.task_rows(doc_id, month))
        meeting_id = self.meeting(months.meeting_date(self.db, month), previous if month != self.months[0] else None)
        documents.agree(self.db, self.actor, doc_id)
        self.preparation(month)
        present = meetings.attendance_summary(self.db, meeting_id)["present"]
        meetings.record_vote(self.db, self.actor, meeting_id, present)
        documents.adopt(self.db, self.actor, doc_id, meeting_id, present)
        documents.start_work(self.db, self.actor, doc_id)
        if month != self.months[0]:
            self.close(previous)
        if month != self.current:
            self.deliveries(month)
        for task_id, start, deadline in self.db.rows("SELECT id, start_on, deadline FROM tasks WHERE document_id = ?"
                                                     " ORDER BY id", [doc_id]):
            self.outcome(task_id, start, deadline, month)

    # Which month of the six the secretary slipped on a step of the checklist: one slip a month at most, so the
    # term's history shows each kind of slip once (index in self.months -> step).
    SLIPS = {1: "draft", 2: "notice", 3: "agree", 4: "uploaded_before", 0: "issued"}

    def preparation(self, month: date) -> None:
        """The days the secretary records on the month's checklist: the draft a week before the meeting, the chi ủy
        five days before, the notice three, the documents on Sổ tay the day before — bar the month's slip."""
        meeting_on = months.meeting_date(self.db, month)
        slip = self.SLIPS.get(self.months.index(month))
        days = {"draft": 8, "agree": 5, "notice": 3, "uploaded_before": 1}
        late = {"draft": 6, "agree": 4, "uploaded_before": 0}
        for step, before in days.items():
            if slip == step and step not in late:
                continue  # never sent: the month's history shows it missed
            before = late[step] if slip == step else before
            checklist.mark_done(self.db, self.actor, month, step, meeting_on - timedelta(days=before), self.today)

    def deliveries(self, month: date) -> None:
        """The resolution and the report on the month before, uploaded to Sổ tay the day after the meeting and sent
        to the Đảng ủy the day after that (four days after, in the month of the slip). The current month's are not
        sent yet: the first screen reminds the committee."""
        from chibo.docs import pack  # python-docx only when the demo is made
        meeting_on = months.meeting_date(self.db, month)
        sent = 4 if self.SLIPS.get(self.months.index(month)) == "issued" else 2
        for doc in meetings.issued_documents(self.db, month):
            pack.mark(self.db, self.actor, doc.id, "so_tay", meeting_on + timedelta(days=1), self.today)
            pack.mark(self.db, self.actor, doc.id, "dang_uy", meeting_on + timedelta(days=sent), self.today)

    def task_rows(self, doc_id: int, month: date) -> list[dict]:
        """The draft's copied rows as they are, and 12–15 new tasks from the pool, none twice in a month."""
        rows = plans.task_table(self.db, doc_id)[plans.TASK_TABLE_COLUMNS].to_dict("records")
        titles = {row["title"] for row in rows}
        fields = list(FIELDS)
        shift = self.months.index(month)
        end = months.month_end(month)
        meeting_on = months.meeting_date(self.db, month)
        for index in range(12 + self.rng.randint(0, 3)):
            field = fields[index % len(fields)]
            title, lead = TASK_POOL[field][(index // len(fields) + shift) % len(TASK_POOL[field])]
            if title in titles:
                continue
            titles.add(title)
            lead_member, lead_unit = self.lead(lead)
            rows.append({"field": field, "title": title, "lead_member_id": lead_member, "lead_unit_id": lead_unit,
                         "partner_ids": self.partners(lead_member, lead_unit), "channel": FIELD_CHANNELS.get(field, "cuoc_hop"),
                         "deadline": min(end, meeting_on + timedelta(days=5 + self.rng.randint(0, 24))),
                         "report_at": months.report_meeting(month), "recurring": title in RECURRING,
                         "measure_id": self.measures[field] if index < 6 else None})
        return rows

    def partners(self, lead_member: int | None, lead_unit: int | None) -> list[int]:
        """A member works with another member; a unit's work is carried by one of its own members, if it has any."""
        if lead_unit is not None:
            own = [m for m in self.active if self.unit_of[m] == lead_unit]
            return [self.rng.choice(own)] if own else []
        return [self.rng.choice([m for m in self.active if m != lead_member])]

    def lead(self, who: str) -> tuple[int | None, int | None]:
        """(member, unit) for a pool entry: a committee role names a member, anything else a unit."""
        if who in COMMITTEE_ROLES:
            return self.committee[COMMITTEE_ROLES.index(who)], None
        return None, self.units[who]

    def meeting(self, held_on: date, evaluated: date | None) -> int:
        meeting_id = meetings.create_meeting(
            self.db, self.actor, held_on, place=f"Phòng họp {SCHOOL}", chair_id=self.members[0],
            secretary_id=self.members[2], starts_at="14:00", ends_at="16:05")
        absent = self.rng.sample(self.active[4:], 2)
        roll = []
        for member_id in self.members:
            if member_id == self.members[29]:
                status, reason = "exempt", "Miễn sinh hoạt theo quy định"
            elif member_id == absent[0]:
                status, reason = "absent_excused", "Ốm, có đơn xin phép"
            elif member_id == absent[1] and self.rng.random() < 0.4:
                status, reason = "absent_unexcused", ""
            else:
                status, reason = "present", ""
            roll.append({"member_id": member_id, "status": status, "reason": reason})
        meetings.record_attendance(self.db, self.actor, meeting_id, roll)
        self.remarks(meeting_id)
        points = _rubric_points(self.rng)
        if evaluated is not None:  # the rubric's largest item follows how last month's resolution was carried out
            done, total = self.db.one("SELECT count(*) FILTER (WHERE effective_status = 'done'), count(*)"
                                      " FROM month_tasks(?, ?)", [evaluated, months.month_end(evaluated)])
            points[RESULTS_CRITERION] = round(meetings.DEFAULT_RUBRIC[RESULTS_CRITERION] * done / max(total, 1))
        meetings.save_scores(self.db, self.actor, meeting_id, points)
        return meeting_id

    def remarks(self, meeting_id: int) -> None:
        """Two members speak in the discussion, as the secretary notes it on the display."""
        voices = random.Random(SEED + meeting_id)  # their own dice: the rest of the demo stays as it was
        speakers = voices.sample(self.active[4:], 2)
        for speaker, (section, words) in zip(speakers, voices.sample(REMARKS, 2)):
            meetings.add_remark(self.db, self.actor, meeting_id, section, words, speaker_id=speaker)

    def outcome(self, task_id: int, start: date, deadline: date, month: date) -> None:
        """A progress history ending in done, done late, not done, or still open. The product records progress
        as it happens (now); a demo of past months writes the history with its dates."""
        roll = self.rng.random()
        steps = self.rng.randint(2, 4)
        if deadline >= self.today or (month == self.current and roll > 0.6):
            final_progress = self.rng.choice([0, 20, 40, 60, 80]) if deadline < self.today else self.rng.choice([0, 30, 50])
            done_on, status = None, ("in_progress" if final_progress else "not_started")
        elif roll < 0.66:
            done_on, status, final_progress = deadline - timedelta(days=self.rng.randint(0, 3)), "done", 100
        elif roll < 0.82:
            done_on, status, final_progress = deadline + timedelta(days=self.rng.randint(1, 6)), "done", 100
        elif roll < 0.92 or month == self.current:
            done_on, status, final_progress = None, "not_done", self.rng.choice([30, 50, 70])
        else:
            done_on, status, final_progress = None, "in_progress", 60
        done_on = max(min(done_on, self.today), start) if done_on else None
        last = done_on or min(deadline, self.today)
        for step in range(1, steps + 1):
            progress = round(final_progress * step / steps)
            at = start + (last - start) * step / steps
            if at > self.today or not progress:
                continue
            _insert(self.cur, "progress_updates", {
                "task_id": task_id, "recorded_at": datetime.combine(at, time(16, 30)), "progress": progress,
                "status": status if step == steps else "in_progress", "note": "Đã triển khai theo kế hoạch"
                if progress < 100 else "Đã hoàn thành, có báo cáo", "user_id": None})
        self.cur.execute("UPDATE tasks SET status = ?, progress = ?, done_on = ? WHERE id = ?",
                         [status, final_progress, done_on, task_id])

    def evaluation(self, month: date) -> None:
        """The month's evaluation as the committee writes it before the next meeting; whom it commends and
        reminds follows from the month's own work."""
        evaluations.save(self.db, self.actor, month, **EVALUATION_TEXTS[self.months.index(month) % len(EVALUATION_TEXTS)])
        led = self.db.rows("SELECT lead_member_id, effective_status FROM month_tasks(?, ?)"
                           " WHERE lead_member_id IS NOT NULL ORDER BY id", [month, months.month_end(month)])
        behind = sorted({m for m, status in led if status in ("done_late", "overdue", "not_done")})
        on_time = sorted({m for m, status in led if status == "done"} - set(behind))
        if on_time:
            evaluations.add_mention(self.db, self.actor, month, self.rng.choice(on_time), "bieu_duong",
                                    "Hoàn thành đúng hạn, có chất lượng các nhiệm vụ được giao chủ trì")
        if behind:
            evaluations.add_mention(self.db, self.actor, month, self.rng.choice(behind), "nhac_nho",
                                    "Nhiệm vụ được giao chủ trì hoàn thành chậm so với thời hạn")
        held_on = month + timedelta(days=18)
        tasks.add_supervision(self.db, self.actor, held_on, "giam_sat" if month.month % 2 else "kiem_tra",
                              "Việc thực hiện nghị quyết chi bộ tháng", self.rng.choice(["bieu_duong", "nhac_nho"]),
                              "Thực hiện cơ bản đúng kế hoạch", unit_id=self.rng.choice(list(self.units.values())),
                              today=held_on)

    def close(self, month: date) -> None:
        """Closed as the secretary closes a month (tasks and targets frozen), two days after the next meeting."""
        close_at = min(datetime.combine(months.next_month(month) + timedelta(days=2), time(17, 0)),
                       datetime.combine(self.today, time(7, 0)))
        evaluation_id = evaluations.get(self.db, month)["id"]
        evaluations.close_month_in(self.cur, self.actor, evaluation_id, month, close_at.date(), close_at)
        documents.month_report(self.db, self.actor, month)  # the report to the Đảng ủy, numbered in its series

    def ratings(self) -> None:
        year = self.today.year - 1
        for member_id in self.active:
            _insert(self.cur, "ratings", {"year": year, "member_id": member_id, "score": self.rng.choice(
                [92, 88, 85, 80, 78, 91, 75, 68])})
        _insert(self.cur, "ratings", {"year": year, "member_id": None, "score": 86, "note": "Chi bộ tự chấm"})


def _rubric_points(rng: random.Random) -> dict[str, float]:
    return {name: max(maximum - rng.choice([0, 0, 1, 2]), 0) for name, maximum in meetings.DEFAULT_RUBRIC.items()}


DOMAIN_TABLES = ["cell", "terms", "units", "members", "higher_docs", "documents", "document_sections",
                 "document_bases", "goals", "targets", "target_values", "measures", "tasks", "task_partners",
                 "progress_evidence", "progress_updates", "task_extensions", "supervisions", "supervision_tasks",
                 "meetings", "attendance", "meeting_remarks", "meeting_scores", "evaluations", "evaluation_mentions",
                 "month_task_snapshots", "month_target_snapshots", "ratings", "document_deliveries", "month_steps",
                 "meeting_items", "meeting_presenters", "meeting_display", "upload_packs", "extension_requests"]


def load(db: Database, actor: Actor, today: date, force: bool = False, progress=None) -> dict:
    """Create the demo cell in one transaction; refuse to overwrite a cell unless forced."""
    require(actor, "settings")
    report = progress or (lambda fraction, message: None)

    def work(cur):
        if cur.execute("SELECT count(*) FROM cell").fetchone()[0]:
            if not force:
                raise InputError("Cơ sở dữ liệu đã có dữ liệu chi bộ; không ghi đè (dùng --force nếu chắc chắn).")
            for table in DOMAIN_TABLES:
                cur.execute(f"DELETE FROM {table}")
        summary = _Builder(cur, actor, today, report).build()
        audit.log(cur, actor, "tải dữ liệu mẫu", "cell", 1, None, summary)
        return summary
    result = db.write(work)
    report(1.0, "Xong")
    return result
