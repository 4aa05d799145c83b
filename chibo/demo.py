"""The fictional demo cell: a primary-school cell with 33 members, its units, a term
action program and six months of the monthly loop. Deterministic for a given `today`.
Every name, school and place here is invented."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from chibo import audit, evaluations, months, plans, program
from chibo.db import Database
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

TASK_POOL = {
    "chuyen_mon": ["Kiểm tra nề nếp dạy học đầu tháng ở các lớp", "Tổ chức chuyên đề đổi mới phương pháp dạy Tiếng Việt",
                   "Phụ đạo học sinh chưa hoàn thành môn Toán", "Bồi dưỡng học sinh năng khiếu Tiếng Anh",
                   "Hoàn thiện hồ sơ đánh giá học sinh giữa kỳ", "Dự giờ, góp ý giáo viên mới"],
    "tu_tuong": ["Quán triệt nghị quyết của Đảng ủy thị trấn đến đảng viên", "Nắm tình hình tư tưởng giáo viên, nhân viên",
                 "Tuyên truyền kỷ niệm ngày Nhà giáo Việt Nam", "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"],
    "to_chuc_can_bo": ["Rà soát, bổ sung hồ sơ đảng viên", "Bồi dưỡng quần chúng ưu tú để giới thiệu kết nạp",
                       "Phân công đảng viên phụ trách lớp, khối", "Hoàn thiện hồ sơ quy hoạch cán bộ quản lý"],
    "doan_the": ["Chỉ đạo Công đoàn tổ chức phong trào thi đua", "Chỉ đạo Liên đội tổ chức hoạt động trải nghiệm",
                 "Chỉ đạo Chi đoàn ra quân tình nguyện", "Chỉ đạo Công đoàn thăm hỏi đoàn viên ốm đau"],
    "xay_dung_dang": ["Chuẩn bị nội dung sinh hoạt chuyên đề", "Thu, nộp đảng phí đúng quy định",
                      "Cập nhật thông tin đảng viên trên Sổ tay đảng viên điện tử", "Hoàn thiện biên bản, sổ nghị quyết"],
    "kiem_tra_giam_sat": ["Giám sát việc thực hiện quy định về đạo đức nhà giáo", "Kiểm tra việc thu, chi quỹ Công đoàn",
                          "Giám sát việc thực hiện nhiệm vụ của tổ khối 3", "Kiểm tra việc chấp hành Điều lệ Đảng của đảng viên"],
}


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
        previous_tasks: list[int] = []
        for index, month in enumerate(self.months):
            previous_tasks = self.month(month, previous_tasks)
            self.progress(0.3 + 0.6 * (index + 1) / len(self.months), f"Đã tạo tháng {month.month}/{month.year}")
        self.ratings()
        return {"members": 33, "months": len(self.months)}

    # -- the cell -----------------------------------------------------------------
    def cell_and_term(self) -> None:
        _insert(self.cur, "cell", {"id": 1, "name": f"Chi bộ {SCHOOL}", "superior_name": f"Đảng bộ thị trấn {TOWN}",
                                   "superior_committee": f"Đảng ủy thị trấn {TOWN}", "place_name": TOWN,
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
        self.members, self.committee = [], []
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
            member_id = _insert(self.cur, "members", {
                "full_name": name, "gender": gender, "birth_year": birth,
                "membership": "du_bi" if probationary else "chinh_thuc", "party_role": role,
                "job_title": titles[index] if index < 4 else ("Nhân viên" if index in (4, 5) else "Giáo viên"),
                "unit_id": unit, "joined_on": joined, "status": "exempt" if index == 29 else "active"})
            self.members.append(member_id)
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
        for key, (_, body) in program.PROGRAM_SECTIONS.items():
            _insert(self.cur, "document_sections", {"document_id": self.program_id, "section": key,
                                                    "body": body.format(term=f"{start.year}–{self.term['end'].year}")})
        goal_quality = _insert(self.cur, "goals", {"document_id": self.program_id, "position": 0,
                                                   "title": "Nâng cao chất lượng giáo dục toàn diện",
                                                   "expected_result": "Học sinh hoàn thành chương trình lớp học từ 99% trở lên."})
        goal_party = _insert(self.cur, "goals", {"document_id": self.program_id, "position": 1,
                                                 "title": "Xây dựng chi bộ trong sạch, vững mạnh",
                                                 "expected_result": "Chi bộ hoàn thành tốt nhiệm vụ trở lên mỗi năm."})
        end = self.term["end"]
        specs = [
            ("chuyen_mon", "Tỷ lệ trẻ 6 tuổi vào lớp 1", "%", "snapshot", "higher", 99.5, 100, "", goal_quality),
            ("chuyen_mon", "Tỷ lệ học sinh hoàn thành chương trình lớp học", "%", "snapshot", "higher", 98.7, 99, "",
             goal_quality),
            ("chuyen_mon", "Số học sinh bỏ học", "học sinh", "snapshot", "lower", 2, 0, "", goal_quality),
            ("chuyen_mon", "Trường đạt chuẩn quốc gia mức độ 2", "", "qualitative", "higher", None, None,
             "Đạt chuẩn mức độ 2", goal_quality),
            ("to_chuc_can_bo", "Kết nạp đảng viên mới", "đảng viên", "cumulative", "higher", 0, 4, "", goal_party),
            ("xay_dung_dang", "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên", "%", "snapshot", "higher", 93.9, 100,
             "", goal_party),
            ("doan_the", "Công đoàn xếp loại", "", "qualitative", "higher", None, None, "Vững mạnh xuất sắc", goal_party),
            ("xay_dung_dang", "Chi bộ xếp loại chất lượng", "", "qualitative", "higher", None, None,
             "Hoàn thành tốt nhiệm vụ", goal_party),
            ("chuyen_mon", "Giáo viên hoàn thành kế hoạch bồi dưỡng thường xuyên", "%", "snapshot", "higher", 80, 100,
             "", goal_quality),
        ]
        self.targets = []
        for position, (field, name, unit, kind, direction, base, goal, text, goal_id) in enumerate(specs):
            self.targets.append(_insert(self.cur, "targets", {
                "document_id": self.program_id, "goal_id": goal_id, "field": field, "name": name, "unit": unit,
                "kind": kind, "direction": direction, "baseline": base, "target_value": goal, "target_text": text,
                "period_start": start, "period_end": end, "from_tasks": position == 8, "position": position}))
        self.target_history()
        self.measures = {}
        for position, field in enumerate(FIELDS):
            lead = self.committee[position % 4]
            self.measures[field] = _insert(self.cur, "measures", {
                "document_id": self.program_id, "field": field, "position": position,
                "title": f"Tăng cường {FIELDS[field][0].lower()}{FIELDS[field][1:]}",
                "how": "Đưa vào nghị quyết hằng tháng; phân công đảng viên phụ trách; kiểm tra định kỳ.",
                "lead_member_id": lead, "partners": "Các đoàn thể, tổ chuyên môn", "deadline": end,
                "target_id": self.targets[8] if field == "chuyen_mon" else None})

    def target_history(self) -> None:
        values = {0: [100.0], 1: [98.9, 99.1], 2: [1, 0], 5: [95.2]}
        for index, series in values.items():
            for step, value in enumerate(series):
                day = self.term["start"] + timedelta(days=150 + 120 * step)
                if day <= self.today:
                    _insert(self.cur, "target_values", {"target_id": self.targets[index], "recorded_on": day,
                                                        "value": value, "note": "Số liệu báo cáo học kỳ"})
        for day in (self.months[1] + timedelta(days=10), self.months[4] + timedelta(days=12)):
            _insert(self.cur, "target_values", {"target_id": self.targets[4], "recorded_on": day, "value": 1,
                                                "note": "Kết nạp tại lễ của chi bộ"})
        for index, text in ((3, "Đang hoàn thiện hồ sơ"), (6, "Vững mạnh"), (7, "Hoàn thành tốt nhiệm vụ")):
            _insert(self.cur, "target_values", {"target_id": self.targets[index], "recorded_on":
                                                self.months[0] + timedelta(days=5), "value_text": text})

    def higher_docs(self) -> None:
        for offset, (number, issuer, title) in enumerate([
            ("125-CV/ĐU", f"Đảng ủy thị trấn {TOWN}", "về tổ chức sinh hoạt chi bộ theo chuyên đề"),
            ("48-KH/ĐU", f"Đảng ủy thị trấn {TOWN}", "về học tập, quán triệt nghị quyết của cấp trên"),
            ("07-HD/BTG", "Ban Tuyên giáo Huyện ủy", "về công tác tuyên truyền năm học mới"),
        ]):
            month = self.months[1 + 2 * offset] if 1 + 2 * offset < len(self.months) else self.months[-1]
            issued = months.previous_month(month) + timedelta(days=20)
            _insert(self.cur, "higher_docs", {"number": number, "issuer": issuer, "issued_on": issued,
                                              "title": title, "received_on": issued + timedelta(days=3)})

    # -- one month of the loop -------------------------------------------------------
    def month(self, month: date, previous_tasks: list[int]) -> list[int]:
        meeting_on = date(month.year, month.month, 3)
        meeting_id = self.meeting(meeting_on)
        status = "in_progress" if month == self.current else "evaluated"
        doc_id = _insert(self.cur, "documents", {
            "kind": "nq_thang", "term_id": self.term["id"], "number": self.months.index(month) + 2, "month": month,
            "summary": f"về lãnh đạo thực hiện nhiệm vụ tháng {month.month} năm {month.year}",
            "issued_on": meeting_on, "place": TOWN, "status": status, "meeting_id": meeting_id,
            "signer_id": self.members[0]})
        for position, duty in enumerate(plans.DEFAULT_STANDING_DUTIES):
            _insert(self.cur, "document_bases", {"document_id": doc_id, "kind": "standing_duty", "text": duty,
                                                 "position": position})
        tasks = self.month_tasks(doc_id, month, meeting_on, previous_tasks)
        if month != self.current:
            self.evaluation(month, doc_id, tasks)
        return tasks

    def meeting(self, held_on: date) -> int:
        meeting_id = _insert(self.cur, "meetings", {
            "kind": "thuong_ky", "held_on": held_on, "starts_at": time(14, 0), "ends_at": time(16, 5),
            "place": f"Phòng họp {SCHOOL}", "chair_id": self.members[0], "secretary_id": self.members[2]})
        absent = self.rng.sample(self.active[4:], 2)
        for member_id in self.members:
            if member_id == self.members[29]:
                status, reason = "exempt", "Miễn sinh hoạt theo quy định"
            elif member_id == absent[0]:
                status, reason = "absent_excused", "Ốm, có đơn xin phép"
            elif member_id == absent[1] and self.rng.random() < 0.4:
                status, reason = "absent_unexcused", ""
            else:
                status, reason = "present", ""
            _insert(self.cur, "attendance", {"meeting_id": meeting_id, "member_id": member_id, "status": status,
                                             "reason": reason})
        present = self.cur.execute("SELECT count(*) FROM attendance WHERE meeting_id = ? AND status = 'present'",
                                   [meeting_id]).fetchone()[0]
        self.cur.execute("UPDATE meetings SET votes_for = ?, votes_against = 0 WHERE id = ?", [present, meeting_id])
        for criterion, points in _rubric_points(self.rng).items():
            _insert(self.cur, "meeting_scores", {"meeting_id": meeting_id, "criterion": criterion,
                                                 "max_points": points[1], "points": points[0]})
        return meeting_id

    def month_tasks(self, doc_id: int, month: date, meeting_on: date, previous_tasks: list[int]) -> list[int]:
        channels = ["cuoc_hop", "lien_tich", "hoi_dong"]
        end = months.month_end(month)
        created = []
        fields = list(FIELDS)
        count = 12 + self.rng.randint(0, 3)
        for index in range(count):
            field = fields[index % len(fields)]
            title = TASK_POOL[field][(index // len(fields) + self.months.index(month)) % len(TASK_POOL[field])]
            deadline = min(end, meeting_on + timedelta(days=5 + self.rng.randint(0, 24)))
            by_unit = index % 3 == 1
            lead_unit = self.rng.choice(list(self.units.values())) if by_unit else None
            values = {"document_id": doc_id, "field": field, "title": title, "channel": channels[index % 3],
                      "lead_member_id": None if by_unit else self.rng.choice(self.active),
                      "lead_unit_id": lead_unit, "start_on": meeting_on, "deadline": deadline,
                      "report_at": months.report_meeting(month),
                      "measure_id": self.measures[field] if index < 6 else None,
                      "recurring": index == 0}
            task_id = _insert(self.cur, "tasks", values)
            partner = self.rng.choice([m for m in self.active if m != values["lead_member_id"]])
            _insert(self.cur, "task_partners", {"task_id": task_id, "member_id": partner})
            self.outcome(task_id, meeting_on, deadline, month)
            created.append(task_id)
        if previous_tasks:
            self.carry_over(doc_id, month, meeting_on, previous_tasks, created)
        return created

    def outcome(self, task_id: int, start: date, deadline: date, month: date) -> None:
        """A progress history ending in done, done late, not done, or still open."""
        roll = self.rng.random()
        steps = self.rng.randint(2, 4)
        if deadline >= self.today or (month == self.current and roll > 0.75):
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
        done_on = min(done_on, self.today) if done_on else None
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

    def carry_over(self, doc_id, month, meeting_on, previous_tasks, created) -> None:
        unfinished = self.cur.execute(
            "SELECT id FROM tasks WHERE id IN (SELECT unnest(?::INTEGER[])) AND status NOT IN ('done')"
            " AND NOT recurring ORDER BY id LIMIT 2", [previous_tasks]).fetchall()
        for (old_id,) in unfinished:
            new_id = self.cur.execute(
                "INSERT INTO tasks (document_id, field, title, lead_member_id, lead_unit_id, channel, start_on, deadline,"
                " status, progress, report_at, carried_from_id) SELECT ?, field, title, lead_member_id, lead_unit_id,"
                " channel, ?, ?, 'in_progress', progress, ?, id FROM tasks WHERE id = ? RETURNING id",
                [doc_id, meeting_on, min(months.month_end(month), meeting_on + timedelta(days=15)), months.report_meeting(month),
                 old_id]).fetchone()[0]
            self.outcome(new_id, meeting_on, min(months.month_end(month), meeting_on + timedelta(days=15)), month)
            created.append(new_id)

    def evaluation(self, month: date, doc_id: int, tasks: list[int]) -> None:
        evaluation_id = _insert(self.cur, "evaluations", {
            "month": month, "document_id": doc_id,
            "results": "Chi bộ lãnh đạo hoàn thành phần lớn nhiệm vụ đề ra trong tháng.",
            "strengths": "Đảng viên gương mẫu, các đoàn thể chủ động xây dựng kế hoạch.",
            "weaknesses": "- Một số nhiệm vụ hoàn thành chậm so với thời hạn.\n"
                          "- Việc báo cáo tiến độ của các tổ chuyên môn chưa kịp thời.",
            "causes_subjective": "Một số đồng chí chưa chủ động sắp xếp thời gian.",
            "causes_objective": "Nhiều hoạt động chuyên môn dồn vào cùng thời điểm.",
            "responsibility": "Tổ trưởng các tổ chuyên môn chịu trách nhiệm đôn đốc báo cáo.",
            "lessons": "Phân công cụ thể, kiểm tra thường xuyên, báo cáo đúng hạn.",
            "proposals": f"Đề nghị Đảng ủy thị trấn {TOWN} tổ chức bồi dưỡng nghiệp vụ công tác đảng.",
        })
        commended, reminded = self.rng.sample(self.active, 2)
        _insert(self.cur, "evaluation_mentions", {"evaluation_id": evaluation_id, "member_id": commended,
                                                  "kind": "bieu_duong", "reason": "Hoàn thành xuất sắc nhiệm vụ được giao"})
        _insert(self.cur, "evaluation_mentions", {"evaluation_id": evaluation_id, "member_id": reminded,
                                                  "kind": "nhac_nho", "reason": "Chậm báo cáo tiến độ nhiệm vụ"})
        _insert(self.cur, "supervisions", {
            "held_on": month + timedelta(days=18), "kind": "giam_sat" if month.month % 2 else "kiem_tra",
            "subject_unit_id": self.rng.choice(list(self.units.values())),
            "content": "Việc thực hiện nghị quyết chi bộ tháng", "finding": "Thực hiện cơ bản đúng kế hoạch",
            "conclusion": self.rng.choice(["bieu_duong", "nhac_nho"])})
        # Closed as the secretary closes a month (tasks and targets frozen), two days after the next meeting.
        close_at = min(datetime.combine(months.next_month(month) + timedelta(days=2), time(17, 0)),
                       datetime.combine(self.today, time(7, 0)))
        evaluations.close_month_in(self.cur, self.actor, evaluation_id, month, close_at.date(), close_at)

    def ratings(self) -> None:
        year = self.today.year - 1
        for member_id in self.active:
            _insert(self.cur, "ratings", {"year": year, "member_id": member_id, "score": self.rng.choice(
                [92, 88, 85, 80, 78, 91, 75, 68])})
        _insert(self.cur, "ratings", {"year": year, "member_id": None, "score": 86, "note": "Chi bộ tự chấm"})


def _rubric_points(rng: random.Random) -> dict[str, tuple[float, float]]:
    from chibo.meetings import DEFAULT_RUBRIC
    return {name: (max(maximum - rng.choice([0, 0, 1, 2]), 0), maximum) for name, maximum in DEFAULT_RUBRIC.items()}


DOMAIN_TABLES = ["cell", "terms", "units", "members", "higher_docs", "documents", "document_sections",
                 "document_bases", "goals", "targets", "target_values", "measures", "tasks", "task_partners",
                 "progress_updates", "task_extensions", "supervisions", "supervision_tasks", "meetings", "attendance",
                 "meeting_remarks", "meeting_scores", "evaluations", "evaluation_mentions", "month_task_snapshots",
                 "month_target_snapshots", "ratings"]


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
