-- The secretary's month (issue 21): the steps of the checklist around each regular meeting that no other record
-- holds — the notice to members and to the Đảng ủy member who follows the cell, the meeting documents uploaded to
-- Sổ tay đảng viên before the meeting — and the day a step the lifecycle records (the draft, the chi ủy's agreement)
-- was really taken, when the secretary says it. One row per month and step; marking again replaces it.
CREATE TABLE month_steps (
    month        DATE NOT NULL,                  -- the month of the regular meeting (first day)
    step         VARCHAR NOT NULL CHECK (step IN ('draft', 'agree', 'notice', 'uploaded_before')),
    done_on      DATE NOT NULL,
    user_id      INTEGER,
    username     VARCHAR NOT NULL,
    recorded_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (month, step)
);

-- When each agenda item of a meeting began, as the secretary moved the display on: the minutes and the rubric read
-- the meeting's own start and end (meetings.starts_at, ends_at); these are the times in between.
CREATE TABLE meeting_items (
    meeting_id  INTEGER NOT NULL,
    item        VARCHAR NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, item)
);
