-- Remembered sign-in (issue 19): a browser that signed in keeps a random token in a cookie; the database keeps only
-- its SHA-256, so a copy of the file (a backup) signs nobody in. A token ends on its day, on sign-out, on a password
-- change, when its account is disabled, or when an administrator signs out every session of the account.
CREATE TABLE sessions (
    token_hash  VARCHAR PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    last_used   TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);

-- Extensions are requests (issue 19): a member asks for a new deadline with a reason; the chi ủy approves or refuses
-- with a note. The task keeps its deadline until approved; an approval writes the extension (task_extensions).
CREATE TABLE extension_requests (
    id             INTEGER PRIMARY KEY DEFAULT nextval('seq_id'),
    task_id        INTEGER NOT NULL,
    old_deadline   DATE NOT NULL,
    new_deadline   DATE NOT NULL,
    reason         VARCHAR NOT NULL,
    requested_at   TIMESTAMP NOT NULL,
    user_id        INTEGER,
    username       VARCHAR NOT NULL,
    state          VARCHAR NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'refused')),
    decided_at     TIMESTAMP,
    decided_by     VARCHAR,
    decision_note  VARCHAR NOT NULL DEFAULT ''
);

-- The projector follows the secretary (issue 19): the agenda item on screen, per meeting, held on the server; every
-- screen showing the meeting reads it on each refresh.
CREATE TABLE meeting_display (
    meeting_id  INTEGER PRIMARY KEY,
    item        INTEGER NOT NULL,
    moved_at    TIMESTAMP NOT NULL,
    username    VARCHAR NOT NULL
);
