"""When things are sent: pure rules over dates, a time zone and a send window.

Nothing here reads the clock or the database; callers pass ``now`` and the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

# An invitation nobody could be sent (chat never linked) is given up this long after it fell due.
UNSENT_GRACE_DAYS = 60


@dataclass(frozen=True)
class Occasion:
    """One survey a participant should get, and the local day it falls due."""

    survey_id: str
    survey_version: int
    occasion: str
    due_day: date


def in_window(moment: datetime, zone: ZoneInfo, window: tuple[time, time]) -> bool:
    local = moment.astimezone(zone).time()
    return window[0] <= local < window[1]


def next_send_time(moment: datetime, zone: ZoneInfo, window: tuple[time, time]) -> datetime:
    """``moment`` if it is inside the send window, else the next window opening (in UTC).

    Works on local wall-clock time, so the window keeps its hours across BST/GMT changes.
    """
    if in_window(moment, zone, window):
        return moment
    local = moment.astimezone(zone)
    day = local.date() if local.time() < window[0] else local.date() + timedelta(days=1)
    return opening(day, zone, window)


def opening(day: date, zone: ZoneInfo, window: tuple[time, time]) -> datetime:
    """The moment the send window opens on a local day, in UTC."""
    return datetime.combine(day, window[0], tzinfo=zone).astimezone(timezone.utc)


def occasions_for(case, audience: str, definitions) -> list[Occasion]:
    """Every scheduled survey this person should get, from the case's dates.

    ``case`` needs intervention_start, intervention_end, review_dates (';'-joined ISO dates) and restorative_closed_on;
    ``definitions`` maps survey id to a definition with ``audience`` and ``schedule``.
    """
    found: list[Occasion] = []
    for definition in definitions.values():
        schedule = definition.schedule
        if definition.audience != audience or schedule is None:
            continue
        offsets = schedule.offsets
        for label, anchor in _anchors(schedule.trigger, case):
            for number, offset in enumerate(offsets, start=1):
                occasion = label if len(offsets) == 1 else f"{label}:{number}"
                found.append(Occasion(definition.id, definition.version, occasion, anchor + timedelta(days=offset)))
    return found


def _anchors(trigger: str, case) -> list[tuple[str, date]]:
    if trigger == "intervention_start" and getattr(case, "intervention_start", None):
        return [("start", case.intervention_start)]
    if trigger == "intervention_end" and case.intervention_end:
        return [("exit", case.intervention_end)]
    if trigger == "review_date":
        return [(f"review:{day}", date.fromisoformat(day)) for day in filter(None, case.review_dates.split(";"))]
    if trigger == "restorative_closed" and case.restorative_closed_on:
        return [("followup", case.restorative_closed_on)]
    return []  # manual surveys, or the date is not known yet


def reminder_due(sent_at: datetime, reminders_days: list[int], reminders_sent: int) -> datetime | None:
    """When the next reminder is due, or None when every reminder has gone."""
    if reminders_sent >= len(reminders_days):
        return None
    return sent_at + timedelta(days=reminders_days[reminders_sent])


def retry_delay(attempts: int, retry_after: float | None = None) -> timedelta:
    """Back off after a failed send: Telegram's own retry_after when it gives one, else 30 s doubling to 1 h."""
    if retry_after is not None:
        return timedelta(seconds=max(1.0, retry_after))
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def window_minutes(start: datetime, end: datetime, zone: ZoneInfo, window: tuple[time, time]) -> float:
    """Minutes between ``start`` and ``end`` that fall inside the send window, on local wall-clock days.

    Each local day's window is turned into UTC on its own, so a day with a clock change still
    counts its real minutes, and nights and weekends-at-night never count.
    """
    if end <= start:
        return 0.0
    total = timedelta()
    day = start.astimezone(zone).date()
    while (opens := opening(day, zone, window)) < end:
        closes = datetime.combine(day, window[1], tzinfo=zone).astimezone(timezone.utc)
        overlap = min(closes, end) - max(opens, start)
        if overlap > timedelta():
            total += overlap
        day += timedelta(days=1)
    return total.total_seconds() / 60


def alert_overdue(created_at: datetime, now: datetime, zone: ZoneInfo, window: tuple[time, time],
                  minutes: int) -> bool:
    """An unacknowledged alert is overdue once ``minutes`` of send-window time have passed since it came in."""
    return window_minutes(created_at, now, zone, window) >= minutes


def escalation_due(created_at: datetime, escalated_at: datetime | None, now: datetime, zone: ZoneInfo,
                   window: tuple[time, time], minutes: int) -> bool:
    """The next escalation of an untaken alert: ``minutes`` of send-window time after it came in,
    then the same again after each escalation, until someone takes it."""
    return alert_overdue(escalated_at or created_at, now, zone, window, minutes)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The local calendar day of ``moment`` (the review digest goes once per local day)."""
    return moment.astimezone(zone).date()


# --- call-backs (the staff loop) ----------------------------------------------------------
# A call-back request is reminded to managers once it has waited this many working days.
CALLBACK_WORKING_DAYS = 2


def add_working_days(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """``moment`` plus ``days`` working days (Monday to Friday, local time; bank holidays not known).

    A moment at the weekend counts from the start of the Monday after it.
    """
    local = moment.astimezone(zone)
    while local.weekday() >= 5:
        local = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    day, left = local.date(), days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return datetime.combine(day, local.time(), tzinfo=zone).astimezone(timezone.utc)


def callback_escalation_due(created_at: datetime, escalated_at: datetime | None, now: datetime,
                            zone: ZoneInfo) -> bool:
    """An open call-back goes to managers once it is CALLBACK_WORKING_DAYS working days old,
    then once on each working day after that until it is done."""
    today = now.astimezone(zone).date()
    if today.weekday() >= 5 or now < add_working_days(created_at, CALLBACK_WORKING_DAYS, zone):
        return False
    return escalated_at is None or escalated_at.astimezone(zone).date() < today
