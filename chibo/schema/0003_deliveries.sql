-- What became of a month's documents after the meeting: when the upload pack (resolution, report, minutes as
-- PDF and .docx) was made, and when each document was uploaded to Sổ tay đảng viên or sent to the Đảng ủy.
CREATE TABLE upload_packs (
    month     DATE PRIMARY KEY,               -- the month of the resolution the pack carries
    made_at   TIMESTAMP NOT NULL,
    user_id   INTEGER,
    username  VARCHAR NOT NULL
);

CREATE TABLE document_deliveries (
    document_id  INTEGER NOT NULL,
    channel      VARCHAR NOT NULL CHECK (channel IN ('so_tay', 'dang_uy')),
    done_on      DATE NOT NULL,
    user_id      INTEGER,
    username     VARCHAR NOT NULL,
    recorded_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (document_id, channel)
);
