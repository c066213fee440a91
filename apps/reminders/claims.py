"""The two statements that make sending safe, as raw SQL for one round trip each.

Both are conditional UPDATE ... RETURNING (PostgreSQL, and SQLite 3.35+), so that whoever runs them
concurrently (two sweeps, two workers) gets disjoint rows: the database decides, not the caller.
"""

import datetime as dt

from django.db import connection as db_connection

from apps.reminders.models import ReminderDelivery


def deliveries_take_due(*, now: dt.datetime, hold_until: dt.datetime) -> list[int]:
    """The pending deliveries whose next attempt is due, each held until `hold_until` so the next
    sweeps do not enqueue it again while its batch waits in the queue. One statement (select and
    hold at once): two sweeps at the same moment take disjoint sets. Ids in ascending order."""
    table = ReminderDelivery._meta.db_table
    pending = ReminderDelivery.Status.PENDING
    adapt = db_connection.ops.adapt_datetimefield_value
    sql = f"""
        UPDATE {table} SET next_attempt_at = %s
        WHERE status = '{pending}' AND (next_attempt_at IS NULL OR next_attempt_at <= %s)
        RETURNING id"""  # the table name and status are ours; the values are parameters
    with db_connection.cursor() as cursor:
        cursor.execute(sql, [adapt(hold_until), adapt(now)])
        return sorted(row[0] for row in cursor.fetchall())


def mark_sent_and_claim(
    *, sent: tuple[int, dt.datetime, dt.datetime] | None, claim_id: int | None, now: dt.datetime
) -> tuple[int, int]:
    """Mark the previous e-mail sent and claim the next delivery (pending → sending), in one statement.

    One statement in autocommit is one round trip and one commit per reminder, where an UPDATE for
    each in a transaction costs four round trips; on a busy database server that is most of the
    sending time. The guarantee is unchanged: a crash before this statement leaves the previous
    delivery in "sending" (the message in flight), and the next one is not claimed until it runs.
    Each part is conditional: the mark only while the claim is still ours (same claimed_at), the
    claim only while pending. Returns (marked, claimed), each 0 or 1.
    """
    ops = db_connection.ops
    sent_id, sent_claimed_at, sent_at = sent if sent else (-1, now, now)
    claim = -1 if claim_id is None else claim_id
    table = ReminderDelivery._meta.db_table
    S = ReminderDelivery.Status
    sql = f"""
        UPDATE {table} SET
          status = CASE WHEN id = %s THEN '{S.SENDING}' ELSE '{S.SENT}' END,
          attempts = CASE WHEN id = %s THEN attempts + 1 ELSE attempts END,
          claimed_at = CASE WHEN id = %s THEN %s ELSE claimed_at END,
          next_attempt_at = CASE WHEN id = %s THEN NULL ELSE next_attempt_at END,
          sent_at = CASE WHEN id = %s THEN sent_at ELSE %s END,
          last_error = CASE WHEN id = %s THEN last_error ELSE '' END,
          updated_at = %s
        WHERE (id = %s AND status = '{S.PENDING}')
           OR (id = %s AND status = '{S.SENDING}' AND claimed_at = %s)
        RETURNING id"""  # the table name and statuses are ours; every value is a parameter
    dt_ = ops.adapt_datetimefield_value
    params = [claim, claim, claim, dt_(now), claim, claim, dt_(sent_at), claim, dt_(now)]
    params += [claim, sent_id, dt_(sent_claimed_at)]
    with db_connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = {row[0] for row in cursor.fetchall()}
    return int(sent_id in ids), int(claim in ids)
