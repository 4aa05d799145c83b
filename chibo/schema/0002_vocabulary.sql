-- The vocabulary of the monthly loop, defined once.
--
-- Every screen, document, month close, the Tra cứu views, the carry-over and the demo read these
-- macros; nothing in Python spells "overdue" or "who leads" again. "Where is overdue decided?" — here.
-- Macros are bound when a statement uses them, so a later migration may change a table they read
-- and they follow; to change a definition, a later migration says CREATE OR REPLACE MACRO.

-- Open work (not started or in progress) whose deadline has passed on `as_of`.
CREATE OR REPLACE MACRO task_overdue(status, deadline, as_of) AS
    status IN ('not_started', 'in_progress') AND deadline < as_of;

-- Finished, but after its deadline.
CREATE OR REPLACE MACRO task_done_late(status, done_on, deadline) AS
    status = 'done' AND done_on > deadline;

-- The status a person reads on `as_of`. 'done_late' and 'overdue' follow from the dates and are never
-- stored; the stored status is one of not_started, in_progress, done, not_done, paused.
CREATE OR REPLACE MACRO task_status(status, done_on, deadline, as_of) AS
    CASE WHEN task_done_late(status, done_on, deadline) THEN 'done_late'
         WHEN task_overdue(status, deadline, as_of) THEN 'overdue'
         ELSE status END;

-- Who leads a task or a measure, as every list and document names it: the member, else the unit.
CREATE OR REPLACE MACRO lead_name(member_id, unit_id) AS
    coalesce((SELECT full_name FROM members WHERE id = member_id), (SELECT name FROM units WHERE id = unit_id));

-- Every task of the monthly resolutions, with its month and the words above as of `as_of`.
CREATE OR REPLACE MACRO resolution_tasks(as_of) AS TABLE
    SELECT t.*, d.month,
           task_status(t.status, t.done_on, t.deadline, as_of) AS effective_status,
           task_overdue(t.status, t.deadline, as_of) AS overdue,
           lead_name(t.lead_member_id, t.lead_unit_id) AS lead
    FROM tasks t JOIN documents d ON d.id = t.document_id
    WHERE d.kind = 'nq_thang';

-- The tasks of a month: those of that month's resolution.
CREATE OR REPLACE MACRO month_tasks(of_month, as_of) AS TABLE
    SELECT * FROM resolution_tasks(as_of) WHERE month = of_month;

-- A share of those expected who came, in percent with one decimal; NULL when nobody was expected.
CREATE OR REPLACE MACRO attendance_rate(present, expected) AS
    round(100.0 * present / nullif(expected, 0), 1);

-- Attendance per meeting. Exempt members are recorded but not expected, so they do not lower the rate.
CREATE OR REPLACE MACRO meeting_attendance() AS TABLE
    SELECT meeting_id,
           count(*) AS recorded,
           count(*) FILTER (WHERE status = 'present') AS present,
           count(*) FILTER (WHERE status = 'absent_excused') AS absent_excused,
           count(*) FILTER (WHERE status = 'absent_unexcused') AS absent_unexcused,
           count(*) FILTER (WHERE status = 'exempt') AS exempt,
           count(*) FILTER (WHERE status <> 'exempt') AS expected,
           attendance_rate(count(*) FILTER (WHERE status = 'present'), count(*) FILTER (WHERE status <> 'exempt')) AS rate
    FROM attendance GROUP BY meeting_id;
