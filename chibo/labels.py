"""Vietnamese labels for every stored code, and the date format users read."""

from datetime import date, datetime

import pandas as pd

ROLES = {
    "quan_tri": "Quản trị",
    "chi_uy": "Chi ủy",
    "dang_vien": "Đảng viên",
    "trinh_chieu": "Trình chiếu",
}
FIELDS = {
    "chuyen_mon": "Lãnh đạo nhiệm vụ chuyên môn",
    "tu_tuong": "Công tác chính trị, tư tưởng",
    "to_chuc_can_bo": "Công tác tổ chức, cán bộ",
    "doan_the": "Lãnh đạo các đoàn thể",
    "xay_dung_dang": "Công tác xây dựng Đảng",
    "kiem_tra_giam_sat": "Công tác kiểm tra, giám sát",
}
CHANNELS = {
    "cuoc_hop": "Giao tại cuộc họp chi bộ",
    "lien_tich": "Họp liên tịch",
    "hoi_dong": "Họp hội đồng sư phạm",
}
TASK_STATUSES = {
    "not_started": "Chưa bắt đầu",
    "in_progress": "Đang thực hiện",
    "done": "Hoàn thành",
    "done_late": "Hoàn thành trễ hạn",
    "not_done": "Không hoàn thành",
    "paused": "Tạm dừng",
    "overdue": "Quá hạn",
}
DOC_KINDS = {
    "nq_dai_hoi": "Nghị quyết đại hội chi bộ",
    "ctr": "Chương trình hành động",
    "nq_thang": "Nghị quyết thường kỳ",
    "bao_cao": "Báo cáo",
    "bien_ban": "Biên bản",
    "ke_hoach": "Kế hoạch",
}
# Type codes in document numbers ("Số 05-NQ/CB").
DOC_TYPE_CODES = {
    "nq_dai_hoi": "NQ", "ctr": "CTr", "nq_thang": "NQ",
    "bao_cao": "BC", "bien_ban": "BB", "ke_hoach": "KH",
}
DOC_STATUSES = {
    "draft": "Dự thảo",
    "agreed": "Chi ủy đã thống nhất",
    "adopted": "Chi bộ đã thông qua",
    "in_progress": "Đang thực hiện",
    "evaluated": "Đã đánh giá",
}
UNIT_KINDS = {
    "ban_giam_hieu": "Ban giám hiệu",
    "cong_doan": "Công đoàn",
    "doan_tn": "Đoàn Thanh niên",
    "doi_tntp": "Đội Thiếu niên Tiền phong",
    "to_chuyen_mon": "Tổ chuyên môn",
    "van_phong": "Văn phòng",
    "khac": "Khác",
}
MEMBERSHIP = {"chinh_thuc": "Chính thức", "du_bi": "Dự bị"}
PARTY_ROLES = {
    "bi_thu": "Bí thư",
    "pho_bi_thu": "Phó Bí thư",
    "chi_uy_vien": "Chi ủy viên",
    "dang_vien": "Đảng viên",
}
GENDERS = {"nam": "Nam", "nu": "Nữ"}
MEMBER_STATUSES = {"active": "Đang sinh hoạt", "exempt": "Miễn sinh hoạt", "inactive": "Đã chuyển đi / ngừng"}
BASE_KINDS = {"standing_duty": "Nhiệm vụ chi bộ", "higher_doc": "Văn bản cấp trên", "shortcoming": "Hạn chế tháng trước",
              "other": "Khác"}

ATTENDANCE = {
    "present": "Có mặt",
    "absent_excused": "Vắng có lý do",
    "absent_unexcused": "Vắng không lý do",
    "exempt": "Miễn sinh hoạt",
}
CONCLUSIONS = {
    "bieu_duong": "Biểu dương",
    "nhac_nho": "Nhắc nhở",
    "chan_chinh": "Chấn chỉnh, uốn nắn",
    "xu_ly": "Xử lý",
}
SUPERVISION_KINDS = {"kiem_tra": "Kiểm tra", "giam_sat": "Giám sát"}
AGENDA_ITEMS = {  # the regular meeting's items, in order (chibo.meetings.AGENDA)
    "khai_mac": "Khai mạc và điểm danh",
    "ket_qua": "Kết quả tháng trước",
    "chi_tieu": "Các chỉ tiêu",
    "ton_tai": "Việc quá hạn và vấn đề cần lưu ý",
    "nhiem_vu": "Nhiệm vụ tháng tới",
    "bieu_quyet": "Biểu quyết",
}
TARGET_KINDS = {"snapshot": "Thời điểm", "cumulative": "Cộng dồn", "qualitative": "Định tính"}
DIRECTIONS = {"higher": "Càng cao càng tốt", "lower": "Càng thấp càng tốt"}
MEETING_KINDS = {
    "thuong_ky": "Sinh hoạt chi bộ thường kỳ",
    "chi_uy": "Họp chi ủy",
    "chuyen_de": "Sinh hoạt chuyên đề",
    "lien_tich": "Họp liên tịch",
    "hoi_dong": "Họp hội đồng sư phạm",
}

# The secretary's month (chibo.checklist): the steps the rules set around each regular meeting, in their order.
MONTH_STEPS = {
    "draft": "Chuẩn bị dự thảo nghị quyết (Phó Bí thư hoặc chi ủy viên được phân công)",
    "agree": "Chi ủy họp, thống nhất dự thảo",
    "notice": "Thông báo thời gian, địa điểm, nội dung cho đảng viên và đồng chí Đảng ủy viên phụ trách",
    "uploaded_before": "Đăng tài liệu sinh hoạt lên Sổ tay đảng viên trước buổi sinh hoạt",
    "meeting": "Sinh hoạt chi bộ thường kỳ đủ thời gian tối thiểu",
    "issued": "Ban hành nghị quyết, báo cáo; gửi Đảng ủy và đăng Sổ tay đảng viên",
    "closed": "Đánh giá và chốt tháng trước kỳ sinh hoạt sau",
}
STEP_STATES = {
    "done": "✅ Đã làm đúng hạn",
    "done_late": "🟡 Làm trễ hạn",
    "short": "🟡 Chưa đủ thời gian",
    "due": "⏳ Chưa đến hạn",
    "late": "🔴 Quá hạn, chưa làm",
    "off": "— Không áp dụng",
}


def missing(value) -> bool:
    """None, NaN, NaT or pandas' NA — a scalar with no value. Collections and text never are."""
    if value is None:
        return True
    if isinstance(value, (str, list, tuple, dict, set)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # an array: not a missing scalar
        return False


def vn_date(value) -> str:
    """dd/mm/yyyy, or an empty string."""
    if missing(value):
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):  # also pandas Timestamp
        midnight = value.hour == value.minute == value.second == 0
        return value.strftime("%d/%m/%Y" if midnight else "%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def vn_month(value: date) -> str:
    return f"tháng {value.month} năm {value.year}"


def vn_number(value: float, decimals: int = 1) -> str:
    """Vietnamese number format: comma for decimals, dot for thousands."""
    text = f"{value:,.{decimals}f}" if decimals else f"{value:,.0f}"
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    if decimals and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def vn_plain_number(value) -> str:
    """A value typed back into an editor: a number with a decimal comma and no thousands dot ("210", "14,5"), so
    reading it back is unambiguous; text stays as it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if missing(value) else str(value)
    return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")


# The audit log's tables and columns as a person names them (the log stores the database's names).
ENTITIES = {"tasks": "Nhiệm vụ", "documents": "Văn bản", "members": "Đảng viên", "units": "Đơn vị", "users": "Tài khoản",
            "meetings": "Cuộc họp", "targets": "Chỉ tiêu", "goals": "Mục tiêu", "measures": "Giải pháp",
            "evaluations": "Đánh giá tháng", "settings": "Cài đặt", "cell": "Chi bộ", "terms": "Nhiệm kỳ",
            "higher_docs": "Văn bản cấp trên", "supervisions": "Kiểm tra, giám sát", "mentions": "Biểu dương, nhắc nhở",
            "attendance": "Điểm danh", "target_values": "Số liệu chỉ tiêu", "program_sections": "Mục chương trình",
            "ratings": "Xếp loại", "month_steps": "Các bước trong tháng", "document_deliveries": "Gửi, đăng văn bản",
            "backups": "Sao lưu", "progress_updates": "Cập nhật tiến độ"}
COLUMNS = {"status": "trạng thái", "title": "nội dung", "deadline": "hạn", "field": "lĩnh vực", "channel": "kênh",
           "lead_member_id": "chủ trì (mã đảng viên)", "lead_unit_id": "chủ trì (mã đơn vị)", "progress": "tiến độ",
           "partner_ids": "phối hợp", "report_at": "báo cáo tại", "recurring": "lặp lại", "measure_id": "giải pháp",
           "done_on": "ngày hoàn thành", "full_name": "họ và tên", "number": "số", "month": "tháng", "note": "ghi chú",
           "from_task": "từ nhiệm vụ", "reason": "lý do", "role": "vai trò", "username": "tên đăng nhập",
           "issued_on": "ngày ban hành", "kind": "loại", "summary": "trích yếu", "closed": "đã chốt",
           "members": "số đảng viên", "months": "số tháng", "text": "nội dung", "value": "giá trị",
           "id": "mã", "chair_id": "chủ trì (mã đảng viên)", "secretary_id": "thư ký (mã đảng viên)",
           "starts_at": "giờ bắt đầu", "ends_at": "giờ kết thúc", "held_on": "ngày sinh hoạt", "place": "địa điểm",
           "section": "mục", "step": "bước", "votes_for": "số phiếu tán thành",
           "votes_against": "số phiếu không tán thành", "meeting_id": "cuộc họp (mã)",
           "causes_objective": "nguyên nhân khách quan", "causes_subjective": "nguyên nhân chủ quan",
           "lessons": "bài học kinh nghiệm", "proposals": "kiến nghị", "strengths": "ưu điểm",
           "weaknesses": "hạn chế", "member_id": "đảng viên (mã)", "conclusion": "kết luận", "content": "nội dung",
           "finding": "nhận xét", "subject_member_id": "đảng viên được kiểm tra, giám sát (mã)",
           "subject_unit_id": "đơn vị được kiểm tra, giám sát (mã)", "task_ids": "nhiệm vụ (mã)",
           "display_name": "họ tên", "name": "tên", "on": "ngày", "sessions": "phiên đăng nhập",
           "sql": "câu truy vấn", "sub_plan": "kế hoạch của đơn vị", "key": "cài đặt", "password": "mật khẩu",
           "active": "hoạt động",
           "evidence_url": "đường dẫn minh chứng", "evidence_file": "tệp minh chứng", "withdrawn_at": "rút lại lúc"}
# Every stored code with its label, for texts that hold codes of several kinds (the audit log's values).
# A month's steps come first: their «draft» gives way to the document status of the same code.
ALL_CODES = {**MONTH_STEPS, **FIELDS, **CHANNELS, **TASK_STATUSES, **DOC_STATUSES, **DOC_KINDS, **ROLES, **ATTENDANCE,
             **CONCLUSIONS, **MEMBER_STATUSES, **MEMBERSHIP, **UNIT_KINDS, **MEETING_KINDS, **SUPERVISION_KINDS,
             **AGENDA_ITEMS}


def vn_value(value) -> str:
    """A stored value as a person reads it: codes by their label, yes/no, dates dd/mm/yyyy, nothing as empty."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(vn_value(v) for v in value)
    if isinstance(value, (int, float)):
        return vn_number(value, 2)
    text = str(value)
    if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-" and text[:4].isdigit():
        try:
            return vn_date(text)
        except ValueError:
            return text
    return ALL_CODES.get(text, text)
