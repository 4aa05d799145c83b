-- A progress entry corrected or withdrawn by its author (issue 19), and evidence as a photo or a file.
-- A task shows the figures of its latest entry not withdrawn (tasks.follow_entries); with none left, those it had
-- before its first entry, which every entry keeps (before_*). An entry keeps its completion day, so a correction or
-- a withdrawal can hand it back to the task. A withdrawn entry stays, marked, for the record.
ALTER TABLE progress_updates ADD COLUMN done_on DATE;
ALTER TABLE progress_updates ADD COLUMN before_progress INTEGER;
ALTER TABLE progress_updates ADD COLUMN before_status VARCHAR;
ALTER TABLE progress_updates ADD COLUMN before_done_on DATE;
ALTER TABLE progress_updates ADD COLUMN corrected_at TIMESTAMP;
ALTER TABLE progress_updates ADD COLUMN withdrawn_at TIMESTAMP;

-- An entry that finished its task before this version: the task's completion day is the only one kept (else the
-- day of the entry).
UPDATE progress_updates SET done_on = coalesce(
    (SELECT t.done_on FROM tasks t WHERE t.id = progress_updates.task_id), CAST(recorded_at AS DATE))
WHERE status = 'done';

-- The photo or file an entry brings as evidence, in the database itself: a backup carries it and a restore brings it
-- back. One per entry; a correction replaces it (the audit log keeps the old one's name, size and digest).
CREATE TABLE progress_evidence (
    update_id   INTEGER PRIMARY KEY,   -- progress_updates.id
    file_name   VARCHAR NOT NULL,
    media_type  VARCHAR NOT NULL,
    size_bytes  INTEGER NOT NULL,
    sha256      VARCHAR NOT NULL,
    content     BLOB NOT NULL,
    thumbnail   BLOB                   -- a small JPEG of a photo the server can read (none for HEIC or a document)
);
