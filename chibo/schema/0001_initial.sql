-- chibo: the whole domain of one Party cell (chi bộ).
-- No FOREIGN KEY clauses: DuckDB does not cascade and a referenced table can
-- never be rebuilt by a later migration; the domain layer deletes children
-- first, in one transaction, or refuses.

CREATE SEQUENCE seq_id START 1;

-- The cell itself: exactly one row.
CREATE TABLE cell (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    name            VARCHAR NOT NULL,            -- "Chi bộ Trường Tiểu học ..."
    superior_name   VARCHAR NOT NULL,            -- "Đảng bộ thị trấn ..."
    superior_committee VARCHAR NOT NULL,         -- "Đảng ủy thị trấn ..." (receives reports)
    place_name      VARCHAR NOT NULL,            -- used in dates: "Mỹ An, ngày ..."
    code            VARCHAR NOT NULL DEFAULT 'CB',
    meeting_day     INTEGER NOT NULL DEFAULT 3 CHECK (meeting_day BETWEEN 1 AND 28),
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Committee terms (nhiệm kỳ); documents are numbered within a term.
CREATE TABLE terms (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    name        VARCHAR NOT NULL,                -- "Nhiệm kỳ 2025–2027"
    start_date  DATE NOT NULL,
    end_date    DATE NOT NULL,
    CHECK (end_date > start_date)
);

-- Fields of the cell's duties (lĩnh vực).
CREATE TABLE fields (
    code      VARCHAR PRIMARY KEY,
    name      VARCHAR NOT NULL,
    position  INTEGER NOT NULL
);
INSERT INTO fields VALUES
    ('chuyen_mon', 'Lãnh đạo nhiệm vụ chuyên môn', 1),
    ('tu_tuong', 'Công tác chính trị, tư tưởng', 2),
    ('to_chuc_can_bo', 'Công tác tổ chức, cán bộ', 3),
    ('doan_the', 'Lãnh đạo các đoàn thể', 4),
    ('xay_dung_dang', 'Công tác xây dựng Đảng', 5),
    ('kiem_tra_giam_sat', 'Công tác kiểm tra, giám sát', 6);

-- School units that receive work from the cell.
CREATE TABLE units (
    id        INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    name      VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL CHECK (kind IN ('ban_giam_hieu','cong_doan','doan_tn','doi_tntp','to_chuyen_mon','van_phong','khac')),
    sub_plan  VARCHAR NOT NULL DEFAULT '',       -- the unit's own plan: text or a link
    active    BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE members (
    id           INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    full_name    VARCHAR NOT NULL,
    gender       VARCHAR NOT NULL CHECK (gender IN ('nam','nu')),
    birth_year   INTEGER NOT NULL,
    membership   VARCHAR NOT NULL CHECK (membership IN ('chinh_thuc','du_bi')),
    party_role   VARCHAR NOT NULL DEFAULT 'dang_vien' CHECK (party_role IN ('bi_thu','pho_bi_thu','chi_uy_vien','dang_vien')),
    job_title    VARCHAR NOT NULL DEFAULT '',
    unit_id      INTEGER,
    joined_on    DATE,
    status       VARCHAR NOT NULL DEFAULT 'active' CHECK (status IN ('active','exempt','inactive'))
);

-- Higher-level documents that plans cite as bases.
CREATE TABLE higher_docs (
    id         INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    number     VARCHAR NOT NULL,                 -- "14-HD/BTCTU"
    issuer     VARCHAR NOT NULL,
    issued_on  DATE NOT NULL,
    title      VARCHAR NOT NULL,
    received_on DATE
);

-- Every document the cell issues: congress resolution, action program,
-- monthly resolution, report, minutes, plan.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    kind        VARCHAR NOT NULL CHECK (kind IN ('nq_dai_hoi','ctr','nq_thang','bao_cao','bien_ban','ke_hoach')),
    term_id     INTEGER NOT NULL,
    number      INTEGER CHECK (number IS NULL OR number BETWEEN 1 AND 999),
    month       DATE,                            -- first day of the month a monthly document directs
    summary     VARCHAR NOT NULL,                -- trích yếu
    issued_on   DATE,
    place       VARCHAR NOT NULL DEFAULT '',
    status      VARCHAR NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','agreed','adopted','in_progress','evaluated')),
    meeting_id  INTEGER,                         -- the meeting that adopted it
    signer_id   INTEGER,
    parent_id   INTEGER,                         -- e.g. program -> congress resolution, report -> resolution
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Free-text sections of a document (program sections, resolution paragraphs).
CREATE TABLE document_sections (
    document_id INTEGER NOT NULL,
    section     VARCHAR NOT NULL,
    body        VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, section)
);

-- Bases (căn cứ) of a plan: standing duties, higher documents, last month's shortcomings.
CREATE TABLE document_bases (
    id            INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    document_id   INTEGER NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('standing_duty','higher_doc','shortcoming','other')),
    higher_doc_id INTEGER,
    text          VARCHAR NOT NULL,
    position      INTEGER NOT NULL DEFAULT 0
);

-- Goals of an action program, with their expected results.
CREATE TABLE goals (
    id              INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    document_id     INTEGER NOT NULL,
    title           VARCHAR NOT NULL,
    expected_result VARCHAR NOT NULL DEFAULT '',
    position        INTEGER NOT NULL DEFAULT 0
);

-- Targets (chỉ tiêu).
CREATE TABLE targets (
    id            INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    document_id   INTEGER NOT NULL,
    goal_id       INTEGER,
    field         VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    unit          VARCHAR NOT NULL,               -- "%", "đảng viên", "học sinh", "mức"
    kind          VARCHAR NOT NULL CHECK (kind IN ('snapshot','cumulative','qualitative')),
    direction     VARCHAR NOT NULL DEFAULT 'higher' CHECK (direction IN ('higher','lower')),
    baseline      DOUBLE,
    target_value  DOUBLE,
    target_text   VARCHAR NOT NULL DEFAULT '',    -- qualitative target, e.g. "Hoàn thành tốt nhiệm vụ"
    period_start  DATE NOT NULL,
    period_end    DATE NOT NULL,
    from_tasks    BOOLEAN NOT NULL DEFAULT false, -- computed from the progress of its measures' tasks
    position      INTEGER NOT NULL DEFAULT 0
);

-- Dated actual values of a target.
CREATE TABLE target_values (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    target_id   INTEGER NOT NULL,
    recorded_on DATE NOT NULL,
    value       DOUBLE,
    value_text  VARCHAR NOT NULL DEFAULT '',
    note        VARCHAR NOT NULL DEFAULT '',
    recorded_by INTEGER
);

-- Measures (giải pháp) of an action program, by field.
CREATE TABLE measures (
    id             INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    document_id    INTEGER NOT NULL,
    target_id      INTEGER,
    field          VARCHAR NOT NULL,
    title          VARCHAR NOT NULL,
    how            VARCHAR NOT NULL DEFAULT '',
    lead_member_id INTEGER,
    lead_unit_id   INTEGER,
    partners       VARCHAR NOT NULL DEFAULT '',
    deadline       DATE,
    position       INTEGER NOT NULL DEFAULT 0
);

-- Tasks of a monthly resolution, deployed through one of three channels.
CREATE TABLE tasks (
    id               INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    document_id      INTEGER NOT NULL,
    measure_id       INTEGER,
    field            VARCHAR NOT NULL,
    title            VARCHAR NOT NULL,
    lead_member_id   INTEGER,
    lead_unit_id     INTEGER,
    channel          VARCHAR NOT NULL CHECK (channel IN ('cuoc_hop','lien_tich','hoi_dong')),
    start_on         DATE NOT NULL,
    deadline         DATE NOT NULL,
    status           VARCHAR NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started','in_progress','done','not_done','paused')),
    done_on          DATE,
    progress         INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    report_at        VARCHAR NOT NULL DEFAULT '',  -- the meeting that hears the report back
    recurring        BOOLEAN NOT NULL DEFAULT false,
    carried_from_id  INTEGER,
    extensions       INTEGER NOT NULL DEFAULT 0,
    created_at       TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at       TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Partners of a task: members or units taking part.
CREATE TABLE task_partners (
    task_id    INTEGER NOT NULL,
    member_id  INTEGER,
    unit_id    INTEGER
);

CREATE TABLE progress_updates (
    id           INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    task_id      INTEGER NOT NULL,
    recorded_at  TIMESTAMP NOT NULL,
    progress     INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    status       VARCHAR NOT NULL,
    note         VARCHAR NOT NULL DEFAULT '',
    evidence_url VARCHAR NOT NULL DEFAULT '',
    user_id      INTEGER
);

CREATE TABLE task_extensions (
    id            INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    task_id       INTEGER NOT NULL,
    old_deadline  DATE NOT NULL,
    new_deadline  DATE NOT NULL,
    reason        VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    user_id       INTEGER
);

-- Inspection and supervision records (kiểm tra, giám sát).
CREATE TABLE supervisions (
    id                 INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    held_on            DATE NOT NULL,
    kind               VARCHAR NOT NULL CHECK (kind IN ('kiem_tra','giam_sat')),
    subject_member_id  INTEGER,
    subject_unit_id    INTEGER,
    content            VARCHAR NOT NULL,
    finding            VARCHAR NOT NULL DEFAULT '',
    conclusion         VARCHAR NOT NULL CHECK (conclusion IN ('bieu_duong','nhac_nho','chan_chinh','xu_ly')),
    user_id            INTEGER
);
CREATE TABLE supervision_tasks (
    supervision_id INTEGER NOT NULL,
    task_id        INTEGER NOT NULL
);

-- Meetings: the regular cell meeting, committee meeting, joint leadership meeting, staff meeting.
CREATE TABLE meetings (
    id              INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    kind            VARCHAR NOT NULL CHECK (kind IN ('thuong_ky','chi_uy','chuyen_de','lien_tich','hoi_dong')),
    held_on         DATE NOT NULL,
    starts_at       TIME,
    ends_at         TIME,
    place           VARCHAR NOT NULL DEFAULT '',
    chair_id        INTEGER,
    secretary_id    INTEGER,
    votes_for       INTEGER CHECK (votes_for IS NULL OR votes_for >= 0),
    votes_against   INTEGER CHECK (votes_against IS NULL OR votes_against >= 0),
    notes           VARCHAR NOT NULL DEFAULT ''
);

CREATE TABLE attendance (
    meeting_id  INTEGER NOT NULL,
    member_id   INTEGER NOT NULL,
    status      VARCHAR NOT NULL CHECK (status IN ('present','absent_excused','absent_unexcused','exempt')),
    reason      VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, member_id)
);

-- A remark recorded against an agenda item of a meeting (display screen, minutes).
CREATE TABLE meeting_remarks (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    meeting_id  INTEGER NOT NULL,
    section     VARCHAR NOT NULL,
    speaker_id  INTEGER,
    text        VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- Meeting quality self-score, one row per rubric criterion.
CREATE TABLE meeting_scores (
    meeting_id  INTEGER NOT NULL,
    criterion   VARCHAR NOT NULL,
    max_points  DOUBLE NOT NULL,
    points      DOUBLE NOT NULL,
    PRIMARY KEY (meeting_id, criterion)
);

-- The evaluation of one month's resolution.
CREATE TABLE evaluations (
    id                  INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    month               DATE NOT NULL,
    document_id         INTEGER NOT NULL,
    results             VARCHAR NOT NULL DEFAULT '',
    strengths           VARCHAR NOT NULL DEFAULT '',
    weaknesses          VARCHAR NOT NULL DEFAULT '',
    causes_subjective   VARCHAR NOT NULL DEFAULT '',
    causes_objective    VARCHAR NOT NULL DEFAULT '',
    responsibility      VARCHAR NOT NULL DEFAULT '',
    lessons             VARCHAR NOT NULL DEFAULT '',
    proposals           VARCHAR NOT NULL DEFAULT '',
    closed_at           TIMESTAMP,
    closed_by           INTEGER
);

-- Members commended or reminded in a month's evaluation.
CREATE TABLE evaluation_mentions (
    id             INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    evaluation_id  INTEGER NOT NULL,
    member_id      INTEGER NOT NULL,
    kind           VARCHAR NOT NULL CHECK (kind IN ('bieu_duong','nhac_nho')),
    reason         VARCHAR NOT NULL
);

-- Frozen figures of a closed month.
CREATE TABLE month_task_snapshots (
    evaluation_id  INTEGER NOT NULL,
    task_id        INTEGER NOT NULL,
    title          VARCHAR NOT NULL,
    field          VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,
    progress       INTEGER NOT NULL,
    deadline       DATE NOT NULL,
    done_on        DATE
);
CREATE TABLE month_target_snapshots (
    evaluation_id  INTEGER NOT NULL,
    target_id      INTEGER NOT NULL,
    value          DOUBLE,
    value_text     VARCHAR NOT NULL DEFAULT '',
    attainment     DOUBLE
);

-- Annual quality ratings of members and of the cell (100-point scale).
CREATE TABLE ratings (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    year        INTEGER NOT NULL,
    member_id   INTEGER,                         -- NULL: the cell itself
    score       DOUBLE NOT NULL CHECK (score BETWEEN 0 AND 100),
    note        VARCHAR NOT NULL DEFAULT ''
);

-- Settings as JSON values (format profile, rubric, traffic-light thresholds ...).
CREATE TABLE settings (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    username        VARCHAR NOT NULL,
    display_name    VARCHAR NOT NULL DEFAULT '',
    password_hash   VARCHAR NOT NULL,
    role            VARCHAR NOT NULL CHECK (role IN ('quan_tri','chi_uy','dang_vien','trinh_chieu')),
    member_id       INTEGER,
    active          BOOLEAN NOT NULL DEFAULT true,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE audit_log (
    id          BIGINT PRIMARY KEY DEFAULT nextval('seq_id'),
    logged_at   TIMESTAMP NOT NULL,
    user_id     INTEGER,
    username    VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    entity      VARCHAR NOT NULL,
    entity_id   BIGINT,
    before      VARCHAR,
    after       VARCHAR
);

CREATE TABLE saved_queries (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    name        VARCHAR NOT NULL,
    sql         VARCHAR NOT NULL,
    user_id     INTEGER,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);
