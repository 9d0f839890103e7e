"""v1.9: comms: devices (terminals, radios, modems), messages both ways, position reports."""

from ..audit import register_table
from .base import Migration, split_sql

register_table("comms_device")
register_table("comms_message")  # outgoing status moves are audited updates
register_table("position_report", append_only=True)

SQL = """
CREATE TABLE comms_device (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    protocol     TEXT NOT NULL CHECK (protocol IN ('beidou', 'nmea', 'sms', 'hdap')),
    port         TEXT NOT NULL,            -- COM3, /dev/ttyUSB0, or host:port for HDAP
    baudrate     INTEGER NOT NULL DEFAULT 115200,
    address      TEXT NOT NULL DEFAULT '', -- the device's own card number / radio id / phone
    team_id      TEXT REFERENCES team (id),
    enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at   TEXT NOT NULL
);

CREATE TABLE comms_message (
    id           TEXT PRIMARY KEY,
    device_id    TEXT NOT NULL REFERENCES comms_device (id),
    direction    TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    peer         TEXT NOT NULL,            -- the other side's card / radio id / phone
    member_id    TEXT REFERENCES member (id),
    team_id      TEXT REFERENCES team (id),
    text         TEXT NOT NULL,
    status       TEXT NOT NULL
                 CHECK (status IN ('received', 'queued', 'sending', 'accepted', 'delivered',
                                   'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    reference    TEXT,                     -- SMS TP-MR(s) / TMP request id, to match receipts
    note         TEXT NOT NULL DEFAULT '', -- why it waits or failed, for the operator
    incident_id  TEXT REFERENCES incident (id),
    intake_id    TEXT REFERENCES intake_record (id),  -- confirmed as 接报 (no incident)
    at           TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX comms_message_peer ON comms_message (peer, at);
CREATE INDEX comms_message_at ON comms_message (at);
CREATE INDEX comms_message_unfiled ON comms_message (at)
    WHERE direction = 'in' AND incident_id IS NULL AND intake_id IS NULL;
CREATE INDEX comms_message_outgoing ON comms_message (device_id)
    WHERE status IN ('queued', 'sending');

CREATE TABLE position_report (
    id           TEXT PRIMARY KEY,
    device_id    TEXT NOT NULL REFERENCES comms_device (id),
    source       TEXT NOT NULL,            -- who reported: card / radio id, or the device
    member_id    TEXT REFERENCES member (id),
    team_id      TEXT REFERENCES team (id),
    lat          REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon          REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    fix_time     TEXT,
    received_at  TEXT NOT NULL
);
CREATE INDEX position_report_team ON position_report (team_id, received_at);
CREATE TRIGGER position_report_no_update BEFORE UPDATE ON position_report
BEGIN SELECT RAISE(ABORT, 'position_report is append-only'); END;
CREATE TRIGGER position_report_no_delete BEFORE DELETE ON position_report
BEGIN SELECT RAISE(ABORT, 'position_report is append-only'); END;
"""

MIGRATION = Migration((1, 9), "comms: devices, messages, positions", split_sql(SQL))
