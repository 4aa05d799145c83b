-- Who presented an agenda item at a meeting (the minutes say «Đồng chí … trình bày …»). An item with no row was
-- presented by the chair.
CREATE TABLE meeting_presenters (
    meeting_id  INTEGER NOT NULL,
    item        VARCHAR NOT NULL,
    member_id   INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, item)
);
