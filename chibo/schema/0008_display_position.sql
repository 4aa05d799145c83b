-- The meeting display between meetings (issue 19): it shows the next regular meeting, which is often not recorded yet
-- (the cell plans it on its monthly day, months.meeting_date), and a long agenda item pages itself. So the position
-- every screen follows is held per regular meeting's month, recorded or not, and names the page as well as the item.
-- A month has one regular meeting (meetings.meeting_for_month); positions kept so far move over to its month.
CREATE TABLE display_position (
    month     DATE PRIMARY KEY,     -- the regular meeting's month (first day)
    item      INTEGER NOT NULL,     -- index in meetings.AGENDA
    page      INTEGER NOT NULL,     -- from 0, within the item (agenda.layout)
    moved_at  TIMESTAMP NOT NULL,
    username  VARCHAR NOT NULL
);

INSERT INTO display_position
SELECT date_trunc('month', mt.held_on)::DATE, d.item, 0, d.moved_at, d.username
FROM meeting_display d JOIN meetings mt ON mt.id = d.meeting_id
WHERE mt.kind = 'thuong_ky'
QUALIFY row_number() OVER (PARTITION BY date_trunc('month', mt.held_on) ORDER BY mt.held_on, mt.id) = 1;

DROP TABLE meeting_display;
