"""`heard demo`: a made-up youth justice service, run end to end without a Telegram account.

Fictional cases go in through the real CSV import. Simulated young people, parents and victims
then use the real bot over the Bot API emulator (and one in four the web chat, over HTTP to heard's
own web server; those invited by text or email tap the link in the message recorded for them) while
a controlled clock walks through the last
four financial quarters, and the board report is written at the end. Generating the data is pure and seeded
(same seed, same service); running it is async and leaves nothing behind but files.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from surveys.models import Audience, Role
from surveys.spreadsheets import csv_writer

LOCALITIES = ("Brackenford", "Eastholm Quay", "Thistlemoor")
DISPOSALS = ("Community Resolution", "Community Resolution Plus", "Youth Caution", "Youth Conditional Caution",
             "Referral Order", "Youth Rehabilitation Order", "Detention and Training Order")
AUDIENCES = (Audience.young_person, Audience.parent_carer, Audience.victim)
SERVICE_CODE = "demo-yot"
SERVICE_NAME = "Fernleigh Youth Justice Service (demo)"
DEMO_PUBLIC_URL = "http://127.0.0.1:8080"  # where the web chat would serve the links sent by SMS and email
STAFF = ((990001, Role.admin, "Morwenna"), (990002, Role.duty, "Tariq"), (990003, Role.manager, "Bea"),
         (990004, Role.victim_worker, "Ffion"))
DUTY_ID = 990002
ANSWERS = yaml.safe_load(Path(__file__).with_name("demo_answers.yaml").read_text(encoding="utf-8"))

# How often each thing happens, roughly as in a real YOT caseload.
_DISPOSAL_WEIGHTS = (18, 12, 12, 13, 28, 12, 5)
_LENGTH_DAYS = {"Community Resolution": (30, 60), "Community Resolution Plus": (60, 90),
                "Youth Caution": (60, 90), "Youth Conditional Caution": (90, 120), "Referral Order": (180, 365),
                "Youth Rehabilitation Order": (270, 540), "Detention and Training Order": (180, 365)}
_LOCALITY_WEIGHTS = (45, 33, 22)
_AGES = {10: 2, 11: 3, 12: 5, 13: 8, 14: 12, 15: 18, 16: 22, 17: 20}
_GENDERS = {"Male": 76, "Female": 22, "Non-binary": 2}
_ETHNICITIES = {"White British": 58, "Mixed White and Black Caribbean": 10, "Black British Caribbean": 8,
                "Asian British Pakistani": 8, "White Other": 7, "Black British African": 5, "Not stated": 4}
_RESPONDS = {Audience.young_person: 0.72, Audience.parent_carer: 0.62, Audience.victim: 0.7}
_COUNTER = re.compile(r"Question \d+ of \d+")
CONCURRENT_UPDATES = 4
SIMULATION_SHARE = 0.85  # of the progress bar; writing the report (5 steps) takes the rest


# --- the fictional caseload (pure) ------------------------------------------------------

@dataclass(frozen=True)
class DemoCase:
    case_ref: str
    disposal: str
    locality: str
    start: date
    end: date
    age: int
    gender: str
    ethnicity: str
    send: bool
    looked_after: bool
    review_dates: tuple[date, ...]
    restorative_closed: date | None
    victims: int
    has_parent: bool


@dataclass(frozen=True)
class Person:
    """A simulated participant: who they are in the CSV, and how they will behave."""

    case_ref: str
    audience: str
    participant_ref: str
    user_id: int
    join_day: date
    behaviour: str  # "answers", "never_taps", "declines" or "stops"
    tone: str  # "good", "mixed" or "poor"
    discloses: bool = False
    wants_call: bool = False
    channel: str = "telegram"  # or "sms" / "email": invited by a Notify link, answers on the web page (issue 15)

    @property
    def key(self) -> str:
        return f"{self.case_ref}:{self.audience}:{self.participant_ref}"


def uses_web(person: Person) -> bool:
    """One person in four answers on the web page instead of Telegram (no Telegram, or under 16)."""
    return person.user_id % 4 == 1


def quarter_start(day: date) -> date:
    """The first day of the financial quarter (April to March year) that ``day`` falls in."""
    from analysis.aggregate import quarter_of

    return quarter_of(day).start


HISTORY_QUARTERS = 4  # the board report's trend needs four quarters of data


def history_start(today: date) -> date:
    """The first day of the financial quarter four full quarters before today's."""
    start = quarter_start(today)
    for _ in range(HISTORY_QUARTERS):
        start = quarter_start(start - timedelta(days=1))
    return start


def latest_full_quarter(today: date) -> str:
    """Like '2026-27-Q2': the last financial quarter that has ended."""
    from analysis.aggregate import last_full_quarter

    return last_full_quarter(today).label


def _pick(rng: random.Random, weights: dict[str, int] | dict[int, int]):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def make_cases(rng: random.Random, today: date, count: int = 120) -> list[DemoCase]:
    """``count`` cases whose interventions end from the start of the history to a few weeks ahead.

    The first few cases cover every disposal and locality, so even a small demo has them all.
    """
    first = history_start(today)
    span = (today + timedelta(days=21) - first).days
    cases = []
    for i in range(count):
        disposal = DISPOSALS[i] if i < len(DISPOSALS) else rng.choices(DISPOSALS, _DISPOSAL_WEIGHTS)[0]
        locality = LOCALITIES[i] if i < len(LOCALITIES) else rng.choices(LOCALITIES, _LOCALITY_WEIGHTS)[0]
        end = first + timedelta(days=3 + rng.randrange(span - 3))
        start = end - timedelta(days=rng.randint(*_LENGTH_DAYS[disposal]))
        reviews = ()
        if disposal == "Referral Order":  # panels every three months, those inside the history
            reviews = tuple(d for d in (start + timedelta(days=90 * n) for n in (1, 2, 3))
                            if first + timedelta(days=7) <= d < end - timedelta(days=14))
        court = disposal in DISPOSALS[4:]
        victims = 0 if rng.random() > (0.5 if court else 0.3) else rng.choice((1, 1, 1, 2))
        closed = None
        if victims:
            closed = max(start + timedelta(days=14), end - timedelta(days=rng.randrange(40)), first)
        cases.append(DemoCase(
            case_ref=f"FYJ-{26 if start.year >= 2026 else 25}-{1001 + i:04d}", disposal=disposal, locality=locality,
            start=start, end=end, age=_pick(rng, _AGES), gender=_pick(rng, _GENDERS),
            ethnicity=_pick(rng, _ETHNICITIES), send=rng.random() < 0.3, looked_after=rng.random() < 0.12,
            review_dates=reviews, restorative_closed=closed, victims=victims, has_parent=rng.random() < 0.8))
    return cases


CSV_COLUMNS = ("case_ref", "audience", "participant_ref", "disposal", "locality", "intervention_start",
               "intervention_end", "age", "gender", "ethnicity", "send", "looked_after", "review_dates",
               "restorative_closed", "phone", "email", "channel")
# Share of each audience reached by a link in a text message or an email instead of Telegram (issue 15):
# young people under 16 may not use Telegram, and many parents and victims do not have it.
_LINK_CHANNELS = {"young_person": (("sms", 0.22),), "parent_carer": (("sms", 0.25), ("email", 0.12)),
                  "victim": (("sms", 0.15), ("email", 0.25))}


def link_channel(person: Person) -> str:
    """Telegram, or SMS or email for some (never for the few whose story includes a disclosure or /stop,
    which the demo plays out in Telegram)."""
    if person.discloses or person.behaviour == "stops":
        return "telegram"
    roll = random.Random(f"channel:{person.key}").random()
    for channel, share in _LINK_CHANNELS.get(person.audience, ()):
        if roll < share:
            return channel
        roll -= share
    return "telegram"


def contact_columns(person: Person | None, number: int) -> list[str]:
    """Made-up contact details: numbers from Ofcom's range kept for drama (07700 900000 to 900999), example.org."""
    if person is None or person.channel == "telegram":
        return ["", "", ""]
    if person.channel == "sms":
        return [f"07700 900{number % 1000:03d}", "", "sms"]
    return ["", f"person{number}@example.org", "email"]


def cases_csv(cases: list[DemoCase], persons: list[Person] = ()) -> str:
    """The export a case-management system would give: one row per person, UK-style dates; with
    ``persons``, the phone or email of those reached by a link."""
    by_key = {person.key: person for person in persons}
    number = 0
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for case in cases:
        people = [("young_person", "")] + ([("parent_carer", "")] if case.has_parent else [])
        people += [("victim", f"V{n}") for n in range(1, case.victims + 1)]
        for audience, ref in people:
            key, number = f"{case.case_ref}:{audience}:{ref}", number + 1
            writer.writerow([
                case.case_ref, audience, ref, case.disposal, case.locality, case.start.strftime("%d/%m/%Y"),
                case.end.strftime("%d/%m/%Y"), case.age, case.gender, case.ethnicity, "yes" if case.send else "no",
                "yes" if case.looked_after else "no",
                ";".join(d.isoformat() for d in case.review_dates) if audience == "young_person" else "",
                case.restorative_closed.isoformat() if audience == "victim" and case.restorative_closed else "",
                *contact_columns(by_key.get(key), number)])
    return out.getvalue()


def make_people(rng: random.Random, cases: list[DemoCase], today: date) -> list[Person]:
    """Everyone in the CSV, with a join day before their first survey and a way of behaving."""
    first = history_start(today)
    people: list[Person] = []
    for case in cases:
        entries = [("young_person", "")] + ([("parent_carer", "")] if case.has_parent else [])
        entries += [("victim", f"V{n}") for n in range(1, case.victims + 1)]
        for audience, ref in entries:
            if audience == "victim":
                first_due = case.restorative_closed + timedelta(days=14)
            else:
                first_due = min((*case.review_dates, case.end))
            earliest = max(first, case.start if audience != "victim" else case.restorative_closed)
            latest = max(earliest, min(first_due, today - timedelta(days=1)))
            join = earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))
            roll = rng.random()
            behaviour = "never_taps" if roll < 0.08 else "declines" if roll < 0.13 else "answers"
            # Thistlemoor's team is short-staffed in this story: more slow, mixed experiences.
            poor_bias = 0.1 if case.locality == "Thistlemoor" else 0.0
            tone_roll = rng.random()
            tone = "poor" if tone_roll < 0.12 + poor_bias else "mixed" if tone_roll < 0.34 + 2 * poor_bias else "good"
            people.append(Person(case.case_ref, audience, ref, 700001 + len(people), join, behaviour, tone,
                                 wants_call=audience == "victim" and rng.random() < 0.15))
    return [replace(person, channel=link_channel(person)) for person in _cast_roles(rng, people)]


def _cast_roles(rng: random.Random, people: list[Person]) -> list[Person]:
    """A few people who disclose harm, and a couple who say /stop, chosen among those who answer."""
    answering = [i for i, p in enumerate(people) if p.behaviour == "answers"]
    by_audience = {a: [i for i in answering if people[i].audience == a] for a in AUDIENCES}
    scale = max(1, len(people) // 100)
    chosen = rng.sample(by_audience["young_person"], min(len(by_audience["young_person"]), 2 * scale + 1))
    chosen += rng.sample(by_audience["victim"], min(len(by_audience["victim"]), scale))
    chosen += rng.sample(by_audience["parent_carer"], min(len(by_audience["parent_carer"]), 1))
    for i in chosen:
        people[i] = replace(people[i], discloses=True)
    quiet = [i for i in by_audience["parent_carer"] + by_audience["young_person"] if i not in chosen]
    for i in rng.sample(quiet, min(len(quiet), 2)):
        people[i] = replace(people[i], behaviour="stops")
    return people


# --- how a person answers (pure) -----------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """What someone does with one survey: answer after ``delay`` days (None: never), maybe stopping early."""

    delay: int | None
    stop_after: int | None = None


def plan_for(person: Person, occasion: str, seed: int) -> Plan:
    rng = random.Random(f"{seed}:plan:{person.key}:{occasion}")
    if person.discloses:
        return Plan(rng.choice((0, 0, 1)))
    if rng.random() > _RESPONDS[person.audience]:
        return Plan(None)
    delay = rng.choices((0, 1, 2, 5), weights=(55, 20, 15, 10))[0]  # 2 and 5: after a reminder
    return Plan(delay, rng.randint(2, 4) if rng.random() < 0.08 else None)


def _text(rng: random.Random, audience: str, kind: str) -> str:
    return rng.choice(ANSWERS[audience][kind])


def _scale_value(rng: random.Random, tone: str, low: int, high: int) -> int:
    spread = high - low
    if tone == "good":
        return high - rng.choice((0, 0, 0, 1, 1, 2 if spread > 4 else 1))
    if tone == "mixed":
        return low + spread // 2 + rng.choice((-1, 0, 0, 1))
    return low + rng.choice((0, 0, 1, 1, 2 if spread > 4 else 1))


def journey_value(person: Person, area: str, progress: float, seed: int) -> int:
    """A young person's own 1-10 rating, ``progress`` (0 to 1) of the way through their order.

    Stable per person and area, so the first and last ratings pair up into distance travelled.
    """
    rng = random.Random(f"{seed}:journey:{person.key}:{area}")
    base = rng.randint(2, 6)
    gain = {"good": rng.randint(1, 5), "mixed": rng.randint(-1, 3), "poor": rng.randint(-2, 1)}[person.tone]
    return max(1, min(10, base + round(gain * progress)))


def answer_actions(question, person: Person, rng: random.Random, *, survey_id: str, seed: int,
                   disclose_here: bool, progress: float = 1.0) -> list[tuple[str, str]]:
    """What this person sends for one question: ("press", button text) or ("text", words).

    Buttons are named by what they show; the caller finds the button whose text ends with it.
    """
    kind = str(question.type)
    skip = [("press", "Skip ⏭")]
    if kind == "text":
        if disclose_here:
            return [("text", _text(rng, person.audience, "disclosure"))]
        if question.id == "do_better":
            return [("text", _text(rng, person.audience, "improve"))] if rng.random() < 0.7 else skip
        roll = rng.random()
        if roll < 0.15:
            return skip
        if survey_id == "yp_review":
            return [("text", _text(rng, person.audience, "review"))]
        mood = {"good": "good", "poor": "poor"}.get(person.tone, rng.choice(("good", "poor")))
        return [("text", _text(rng, person.audience, mood if roll < 0.7 else "short"))]
    if rng.random() < 0.05 and not question.required:
        return skip
    unclear = [("text", _text(rng, person.audience, "unclear"))] if rng.random() < 0.04 else []
    if kind in ("scale5", "journey10"):
        if kind == "journey10":
            value = journey_value(person, question.area or question.id, progress, seed)
        else:
            value = _scale_value(rng, person.tone, 1, 5)
        typed = rng.random() < 0.15
        shown = str(value) if not typed or rng.random() < 0.7 else f"{value}/{10 if kind == 'journey10' else 5}"
        return unclear + [("text", shown) if typed else ("press", str(value))]
    if kind == "yesno":
        yes = person.wants_call if getattr(question, "callback", False) else (
            rng.random() < {"good": 0.92, "mixed": 0.7, "poor": 0.3}[person.tone])
        if rng.random() < 0.2:
            return unclear + [("text", rng.choice(("yeah", "yh", "yes")) if yes else rng.choice(("nah", "no")))]
        return unclear + [("press", "Yes" if yes else "No")]
    labels = [option.label.get("en") for option in question.options]
    if kind == "choice":
        best_first = {"good": (78, 14, 4, 4), "mixed": (30, 45, 15, 10), "poor": (8, 30, 47, 15)}[person.tone]
        return unclear + [("press", rng.choices(labels, weights=best_first[:len(labels)])[0])]
    # multi: one to three real options, or the "none/nothing" one now and then
    real, last = labels[:-1], labels[-1]
    picks = [last] if rng.random() < (0.25 if person.tone == "poor" else 0.06) else \
        rng.sample(real, rng.choice((1, 1, 2, 2, 3)))
    return [("press", label) for label in picks] + [("press", "Done ✔️")]


def web_inputs(question, actions: list[tuple[str, str]]) -> list:
    """The same taps and words as engine inputs, as the web page's forms would send them."""
    from surveys.engine import Choose, Done, Reply, Skip, Toggle

    by_label = {option.label.get("en"): option.value for option in question.options}
    inputs = []
    for verb, what in actions:
        if what == "Skip ⏭":
            inputs.append(Skip())
        elif what == "Done ✔️":
            inputs.append(Done())
        elif verb == "text":
            inputs.append(Reply(what))
        elif str(question.type) == "yesno":
            inputs.append(Choose("yes" if what == "Yes" else "no"))
        elif what in by_label:
            inputs.append((Toggle if str(question.type) == "multi" else Choose)(by_label[what]))
        else:
            inputs.append(Choose(what))  # a number on a scale
    return inputs


# --- running it (async) --------------------------------------------------------------------

class Clock:
    """The controlled clock the bot reads (Heard.clock)."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def local(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(timezone.utc)


@dataclass
class Summary:
    people: int = 0
    linked: int = 0
    declined: int = 0
    stopped: int = 0
    surveys_sent: int = 0
    answered: int = 0
    completed: int = 0
    answers: int = 0
    alerts: int = 0
    acknowledged: int = 0
    callbacks: int = 0
    on_web: int = 0  # of those linked, how many answer on the web page
    by_link: int = 0  # people invited by SMS or email (issue 15)
    link_messages: int = 0  # invitations and reminders recorded for them (no Notify key: not sent)
    answered_by_link: int = 0
    report_files: list[Path] = field(default_factory=list)
    period: str = ""


def _button(message: dict, wanted: str) -> str | None:
    """The text of the button that shows ``wanted`` (e.g. '5' finds '😄 5', 'Safer' finds 'Safer')."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    texts = [button["text"] for row in rows for button in row]
    for text in texts:
        if text == wanted or text.endswith(" " + wanted):
            return text
    return None


class Sitting:
    """One person going through one survey (or joining, or stopping), one action per round."""

    def __init__(self, user, person: Person, *, definition=None, plan: Plan | None = None,
                 actions: list[tuple[str, str]] | None = None, rng: random.Random | None = None,
                 seed: int = 0, disclose: bool = False, progress: float = 1.0):
        self.user, self.person, self.definition, self.plan = user, person, definition, plan
        self.fixed = actions  # a set script (joining, stopping) rather than a survey
        self.rng, self.seed, self.disclose, self.progress = rng, seed, disclose, progress
        self.pending: list[tuple[str, str]] = []
        self.question_id: str | None = None
        self.answered = 0
        self.done = False
        self.disclosed = False

    def _shown_question(self):
        message = self.user.last_message or {}
        text = message.get("text") or ""
        if not _COUNTER.search(text):
            return None, message
        for question in self.definition.questions:
            if question.text.get("en") in text:
                return question, message
        return None, message

    async def act(self) -> None:
        if self.fixed is not None:
            if not self.fixed:
                self.done = True
                return
            await self._do(*self.fixed.pop(0), self.user.last_message)
            return
        question, message = self._shown_question()
        if question is None or (self.plan.stop_after is not None and self.answered >= self.plan.stop_after):
            self.done = True
            return
        if question.id != self.question_id:  # a new question: decide what to send
            self.question_id, self.answered = question.id, self.answered + 1
            disclose_here = self.disclose and not self.disclosed and question.type == "text"
            self.disclosed |= disclose_here
            self.pending = answer_actions(question, self.person, self.rng, survey_id=self.definition.id,
                                          seed=self.seed, disclose_here=disclose_here, progress=self.progress)
        if not self.pending:  # the bot asked again (e.g. it could not read the answer): tap a button
            self.pending = [("press", "Skip ⏭")]
        await self._do(*self.pending.pop(0), message)

    async def _do(self, verb: str, what: str, message: dict | None) -> None:
        if verb == "command":
            await self.user.send_command(what)
        elif verb == "text":
            await self.user.send_text(what)
        else:
            label = _button(message or {}, what)
            if label is None:
                self.done = True  # nothing sensible to tap: give up, as people do
                return
            await self.user.press(label, message=message)


class Demo:
    """The service, the emulator and the running bot, and the simulated people in it."""

    def __init__(self, directory: Path, cases: int, seed: int, today: date, rate_limit: bool,
                 step: Callable[[str, float], None]):
        from surveys.settings import Settings

        self.directory, self.count, self.seed, self.today = directory, cases, seed, today
        self.rate_limit, self.step = rate_limit, step
        self.settings = Settings(database_url=f"sqlite:///{directory / 'heard.db'}", service=SERVICE_CODE,
                                 service_name=SERVICE_NAME, bot_username="emulated_123_bot",
                                 public_url=DEMO_PUBLIC_URL, web_cookie_secure=False,  # the web chat on http://127.0.0.1
                                 _env_file=None)
        self.zone = self.settings.zone
        self.clock = Clock(local(history_start(today) - timedelta(days=1), 9, 0, self.zone))
        rng = random.Random(seed)
        self.cases = make_cases(rng, today, cases)
        self.people = make_people(rng, self.cases, today)
        self.case_of = {case.case_ref: case for case in self.cases}
        self.users: dict[int, object] = {}  # participant id -> SimUser
        self.person_of: dict[int, Person] = {}  # participant id -> Person
        self.plans: dict[int, Plan] = {}  # invitation id -> plan
        self.started: set[int] = set()  # invitations someone has begun answering
        self.disclosed: set[str] = set()  # people who have already disclosed
        self.acked: set[int] = set()
        self.on_web: set[int] = set()  # participant ids of the people who answer on the web page
        self.by_link: dict[int, Person] = {}  # participant id -> Person, for those invited by SMS or email
        self.link_browsers: dict = {}  # participant id -> the WebVisitor they open their links in

    # ----- setting up -----

    def create_service(self) -> None:
        from bot.app import build_heard
        from bot.notify import RecordingSender
        from surveys.enrol import import_rows, parse_csv
        from surveys.invitations import sync_cases
        from surveys.models import Role, Staff
        from surveys.store import audit, session_scope

        self.heard = build_heard(self.settings, clock=self.clock)
        h = self.heard
        # No GOV.UK Notify key in the demo: SMS and email are recorded here, never sent (bot/notify.py).
        h.notify = self.messages = RecordingSender()
        with session_scope(h.engine) as session:
            summary = import_rows(session, h.service_id, parse_csv(cases_csv(self.cases, self.people)), now=self.clock())
            sync_cases(session, summary.case_ids, h.definitions, zone=self.zone, window=self.settings.window,
                       now=self.clock())
            audit(session, "cli", "cases.import", detail=f"rows={summary.rows}", service_id=h.service_id,
                  at=self.clock())
            for telegram_id, role, name in STAFF:
                session.add(Staff(service_id=h.service_id, telegram_user_id=telegram_id, role=Role(role), name=name))

    # ----- the simulation -----

    async def run(self) -> None:
        from telegram.ext import ApplicationBuilder

        from bot.app import build_application
        from bot.sandbox.emulator import DEFAULT_TOKEN, Emulator
        from bot.processing import PerChatUpdateProcessor

        class Tracking(PerChatUpdateProcessor):
            """Counts the updates the bot has finished, so we know when it is done (no sleeping)."""

            def __init__(self):
                super().__init__(max_concurrent_updates=CONCURRENT_UPDATES)
                self.done = 0
                self.changed = asyncio.Event()

            async def do_process_update(self, update, coroutine) -> None:
                try:
                    await super().do_process_update(update, coroutine)
                finally:
                    self.done += 1
                    self.changed.set()

        self.processor = Tracking()
        async with Emulator() as emu:
            self.emu = emu
            for telegram_id, _role, name in STAFF:  # staff have opened a chat with the bot, as they would
                emu.user(telegram_id, name)
            builder = (ApplicationBuilder().token(DEFAULT_TOKEN).base_url(emu.api_url).base_file_url(emu.file_url)
                       .connect_timeout(5).read_timeout(5).write_timeout(5).pool_timeout(5)
                       .get_updates_read_timeout(3))
            self.app = build_application(self.heard, builder, dispatch=False, rate_limit=self.rate_limit,
                                         update_processor=self.processor)
            async with self.app:
                await self.app.start()
                try:
                    await self.app.updater.start_polling(poll_interval=0, timeout=1)
                    try:
                        async with self._web_server():
                            await self._walk_the_days()
                    finally:
                        await self.app.updater.stop()
                finally:
                    await self.app.stop()

    @contextlib.asynccontextmanager
    async def _web_server(self):
        """heard's own web server with the web chat, on 127.0.0.1, as `heard run` serves it."""
        from aiohttp import web

        from bot.web import make_web_app

        runner = web.AppRunner(make_web_app(self.app, self.heard.engine, None), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.web_base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        try:
            yield
        finally:
            for visitor in [u.visitor for u in self.users.values() if hasattr(u, "visitor")]:
                await visitor.close()
            for browser in self.link_browsers.values():
                await browser.close()
            await runner.cleanup()

    async def settle(self) -> None:
        """Wait until the bot has finished every update we sent it (its replies are awaited within)."""
        sent = self.emu.updates_sent()
        async with asyncio.timeout(30):
            while self.processor.done < sent:
                self.processor.changed.clear()
                await self.processor.changed.wait()

    async def rounds(self, sittings: list[Sitting], minutes: int = 1) -> None:
        """Everyone with something to do acts once, the bot answers them all, and again."""
        while sittings:
            for sitting in sittings:
                await sitting.act()
            await self.settle()
            sittings = [s for s in sittings if not s.done]
            self.clock.now += timedelta(minutes=minutes)

    async def _walk_the_days(self) -> None:
        from bot.dispatch import run_tick

        joins: dict[date, list[Person]] = {}
        for person in self.people:
            joins.setdefault(person.join_day, []).append(person)
        first, last = history_start(self.today), self.today - timedelta(days=1)
        total = (last - first).days + 1
        for n in range(total):
            day = first + timedelta(days=n)
            self.step(f"Simulating {day:%a %d %b %Y}", SIMULATION_SHARE / total)
            self.clock.now = local(day, 9, 15, self.zone)
            await self.rounds([self._join(person) for person in joins.get(day, [])])
            self.clock.now = local(day, 10, 0, self.zone)
            await run_tick(self.app.bot, self.heard)
            await self.settle()
            self.clock.now = local(day, 10, 20, self.zone)
            await self.rounds(self._answering_today(day) + self._opening_their_links(day))
            await self._duty_acknowledges(day)

    def _join(self, person: Person) -> Sitting:
        """The worker makes a link; the person taps it (or not) and says yes or no."""
        from surveys.enrol import create_invite, find_participant
        from surveys.models import Audience
        from surveys.store import audit, session_scope

        h = self.heard
        if person.channel != "telegram":
            return self._join_by_link(person)
        with session_scope(h.engine) as session:
            participant = find_participant(session, h.service_id, person.case_ref, Audience(person.audience),
                                           person.participant_ref)
            code = create_invite(session, participant, now=self.clock(), days=self.settings.invite_days,
                                 created_by="staff:demo")
            audit(session, "cli", "invite.create", subject=f"participant:{participant.id}",
                  service_id=h.service_id, at=self.clock())
            participant_id = participant.id
        if uses_web(person):
            return self._join_on_web(person, participant_id, code)
        user = self.emu.user(person.user_id, "Sam")
        self.users[participant_id], self.person_of[participant_id] = user, person
        if person.behaviour == "never_taps":
            return Sitting(user, person, actions=[])
        answer = "No thanks" if person.behaviour == "declines" else "Yes, that's OK"
        # The demo's people read English: they answer "English or Cymraeg?" first.
        return Sitting(user, person, actions=[("command", f"/start {code}"), ("press", "English"), ("press", answer)])

    def _join_on_web(self, person: Person, participant_id: int, code: str):
        from webchat.visitor import WebSitting, WebVisitor

        visitor = WebSitting(WebVisitor(self.web_base), person, script=[])
        self.users[participant_id], self.person_of[participant_id] = visitor, person
        self.on_web.add(participant_id)
        if person.behaviour != "never_taps":
            consent = "consent:no" if person.behaviour == "declines" else "consent:yes"
            visitor.script = [("open", code), ("press", {"act": "lang:en"}), ("press", {"act": consent})]
        return visitor

    def _web_sitting(self, person: Person, browser, invitation, plan: Plan, disclose: bool):
        """Someone on the web opens the page and answers what it shows, as bot/demo.answer_actions decides."""
        from webchat.visitor import WebSitting

        rng = random.Random(f"{self.seed}:answers:{person.key}:{invitation.occasion}")
        state = {"disclosed": False}
        progress = self._progress(person, invitation)

        def choose(question):
            here = disclose and not state["disclosed"] and question.type == "text"
            state["disclosed"] |= here
            return answer_actions(question, person, rng, survey_id=invitation.survey_id, seed=self.seed,
                                  disclose_here=here, progress=progress)

        return WebSitting(browser, person, definition=self.heard.definitions[invitation.survey_id],
                          plan=plan, choose=choose)
    def _join_by_link(self, person: Person) -> Sitting:
        """Someone with a phone or email on the case: the dispatcher sends their surveys as links (issue 15)."""
        from surveys.enrol import find_participant
        from surveys.models import Audience
        from surveys.store import session_scope

        with session_scope(self.heard.engine) as session:
            participant = find_participant(session, self.heard.service_id, person.case_ref, Audience(person.audience),
                                           person.participant_ref)
            self.by_link[participant.id] = person
        return Sitting(None, person, actions=[])

    def _opening_their_links(self, day: date) -> list:
        """People invited by SMS or email tap the newest link they were sent and answer on the web page,
        through heard's own web server like everyone on the web: screened, with alerts and all."""
        from sqlmodel import select

        from surveys.models import Consent, Invitation, InvitationStatus, Participant
        from surveys.store import session_scope
        from webchat.visitor import WebVisitor

        with session_scope(self.heard.engine) as session:
            open_now = session.exec(select(Invitation, Participant.consent).join(Participant).where(
                Invitation.status == InvitationStatus.sent, Invitation.participant_id.in_(list(self.by_link)))).all()
        sittings = []
        for invitation, consent in open_now:
            person = self.by_link[invitation.participant_id]
            plan = self.plans.setdefault(invitation.id, plan_for(person, invitation.occasion, self.seed))
            sent_day = invitation.sent_at.astimezone(self.zone).date()
            if (invitation.id in self.started or person.behaviour == "never_taps" or plan.delay is None
                    or sent_day + timedelta(days=plan.delay) != day):
                continue
            self.started.add(invitation.id)
            if invitation.participant_id not in self.link_browsers:  # the same phone every time
                self.link_browsers[invitation.participant_id] = WebVisitor(self.web_base)
            browser = self.link_browsers[invitation.participant_id]
            script = [("open", self._newest_code(invitation.id))]
            if consent == Consent.pending:  # the page asks their language, then whether they agree
                agreed = "consent:no" if person.behaviour == "declines" else "consent:yes"
                script += [("press", {"act": "lang:en"}), ("press", {"act": agreed})]
            disclose = person.discloses and person.key not in self.disclosed
            if disclose:
                self.disclosed.add(person.key)
            sitting = self._web_sitting(person, browser, invitation, plan, disclose)
            sitting.script = script
            sittings.append(sitting)
        return sittings

    def _newest_code(self, invitation_id: int) -> str:
        """The one-time code in the newest text or email sent for this invitation (reminders carry new ones)."""
        reference = f"heard-invitation-{invitation_id}"
        body = next(message.body for _channel, _to, message, ref in reversed(self.messages.sent)
                    if ref == reference or ref.startswith(reference + "-"))
        return body.split("/s/", 1)[1].split()[0]

    def _answering_today(self, day: date) -> list[Sitting]:
        from sqlmodel import select

        from surveys.models import Invitation, InvitationStatus
        from surveys.store import session_scope

        with session_scope(self.heard.engine) as session:
            open_now = session.exec(select(Invitation).where(
                Invitation.status.in_([InvitationStatus.sent, InvitationStatus.started]),
                Invitation.participant_id.in_(list(self.users)))).all()
            # Nobody sends to the web: a survey there waits, due, until the person opens the page.
            open_now += session.exec(select(Invitation).where(
                Invitation.status == InvitationStatus.scheduled, Invitation.due_at <= self.clock(),
                Invitation.participant_id.in_(list(self.on_web)))).all()
        sittings = []
        for invitation in open_now:
            person = self.person_of[invitation.participant_id]
            user = self.users[invitation.participant_id]
            if invitation.id in self.started:
                continue
            web = invitation.participant_id in self.on_web
            if person.behaviour == "stops":
                self.started.add(invitation.id)
                if web:
                    user.script = [("look", None), ("press", {"act": "stop"})]
                    user.done = False
                    sittings.append(user)
                    continue
                sittings.append(Sitting(user, person, actions=[("command", "/stop"), ("press", "Yes, stop")]))
                continue
            plan = self.plans.setdefault(invitation.id, plan_for(person, invitation.occasion, self.seed))
            sent_day = (invitation.sent_at or invitation.due_at).astimezone(self.zone).date()
            if plan.delay is None or sent_day + timedelta(days=plan.delay) != day:
                continue
            self.started.add(invitation.id)
            disclose = person.discloses and person.key not in self.disclosed
            if disclose:
                self.disclosed.add(person.key)
            if web:
                sittings.append(self._web_sitting(person, user.visitor, invitation, plan, disclose))
                continue
            rng = random.Random(f"{self.seed}:answers:{person.key}:{invitation.occasion}")
            sittings.append(Sitting(user, person, definition=self.heard.definitions[invitation.survey_id],
                                    plan=plan, rng=rng, seed=self.seed, disclose=disclose,
                                    progress=self._progress(person, invitation)))
        return sittings

    def _progress(self, person: Person, invitation) -> float:
        """How far through the order a survey comes: a review part way, the exit survey at the end."""
        if not invitation.occasion.startswith("review:"):
            return 1.0
        case = self.case_of[person.case_ref]
        return (date.fromisoformat(invitation.occasion[7:]) - case.start) / (case.end - case.start)

    async def _duty_acknowledges(self, day: date) -> None:
        """The duty worker takes most alerts within minutes, one or two late, a few not at all."""
        from sqlmodel import select

        from surveys.models import SafeguardingAlert
        from surveys.store import session_scope

        with session_scope(self.heard.engine) as session:
            alerts = session.exec(select(SafeguardingAlert).where(
                SafeguardingAlert.acknowledged_at.is_(None), SafeguardingAlert.notified_at.is_not(None))).all()
        duty = self.emu.user(DUTY_ID, "Tariq")
        for alert in sorted(alerts, key=lambda a: a.id):
            if alert.id in self.acked:
                continue
            self.acked.add(alert.id)
            rng = random.Random(f"{self.seed}:ack:{alert.id}")
            roll = rng.random()
            if roll < 0.15:
                continue  # never acknowledged in the app (handled by phone, say)
            wait = timedelta(minutes=rng.randint(4, 25)) if roll < 0.8 else timedelta(hours=rng.randint(2, 5))
            self.clock.now = max(self.clock.now, alert.created_at + wait)
            message = next((m for m in reversed(duty.messages)
                            if f"ack:{alert.id}" in str(m.get("reply_markup", ""))), None)
            if message is not None:
                await duty.press(f"ack:{alert.id}", message=message)
                await self.settle()

    # ----- after -----

    def add_actions(self) -> None:
        from analysis.actions import add_action
        from analysis.aggregate import parse_period
        from surveys.store import session_scope

        # Dated inside the report's quarter, when the board would have agreed them; one is still open.
        start = parse_period(latest_full_quarter(self.today)).start
        with session_scope(self.heard.engine) as session:
            for days, (theme, owner, status, text) in zip((20, 45, 70), (
                    ("fairness_speed", "Panel coordinator", "done",
                     "Referral order panels are now booked within 15 working days of court, and families get a "
                     "text the day before."),
                    ("worker_relationship", "Operations manager", "done",
                     "A young person keeps the same worker from start to end unless they ask to change."),
                    ("education_school", "Education lead", "in_progress",
                     "Appointments are offered after 3:30pm or at college, so nobody misses lessons to see us."))):
                add_action(session, self.heard.service_id, theme, text, actor="staff:demo", owner=owner,
                           status=status, on=start + timedelta(days=days),
                           now=local(start + timedelta(days=days), 14, 0, self.zone))

    def review_quotes(self, period, dependencies, targets) -> None:
        """A manager reads the candidates: approves those that read whole, drops those with words taken out."""
        from analysis.quotes import candidates, decide, review_figures
        from surveys.models import QuoteDecision
        from surveys.store import session_scope

        for _ in range(2):  # a dropped quote's place goes to the next comment, read in the second round
            waiting = [q for q in candidates(review_figures(self.heard.engine, SERVICE_CODE, period, *dependencies,
                                                            targets, self.zone)) if q.review is None]
            now = local(period.last_day, 16, 0, self.zone)
            with session_scope(self.heard.engine) as session:
                for decision in QuoteDecision:
                    chosen = [q.answer_id for q in waiting if ("[" in q.text) == (decision is QuoteDecision.dropped)]
                    decide(session, self.heard.service_id, chosen, decision, "staff:demo", now)

    def write_report(self) -> list[Path]:
        from analysis.aggregate import parse_period
        from analysis.rag import load_targets
        from analysis.report import default_dependencies, generate_report

        definitions, catalogue, redact = default_dependencies()
        period = parse_period(latest_full_quarter(self.today))
        self.review_quotes(period, (definitions, catalogue, redact), load_targets())
        return generate_report(self.heard.engine, SERVICE_CODE, period, self.directory, ["html", "pdf", "csv"],
                               definitions, catalogue, redact, load_targets(), self.zone, SERVICE_NAME,
                               actor="staff:demo", step=lambda words: self.step(words, (1 - SIMULATION_SHARE) / 5),
                               today=self.today)

    def summary(self) -> Summary:
        import sqlalchemy as sa
        from sqlmodel import select

        from surveys.models import (Answer, CallbackRequest, Consent, Invitation, Participant,
                                    SafeguardingAlert, WebSession)
        from surveys.store import session_scope

        def count(query) -> int:
            return session.exec(select(sa.func.count()).select_from(query.subquery())).one()

        with session_scope(self.heard.engine) as session:
            web = select(WebSession.participant_id).where(WebSession.ended_at.is_(None)).distinct()
            answered = select(Invitation.participant_id).where(
                Invitation.id.in_(select(Answer.invitation_id))).distinct()
            return Summary(
                people=len(self.people),
                linked=count(select(Participant.id).where(Participant.chat_hash.is_not(None))) + count(web),
                on_web=count(web),
                declined=count(select(Participant.id).where(Participant.consent == Consent.declined)),
                stopped=count(select(Participant.id).where(Participant.opted_out_at.is_not(None))),
                surveys_sent=count(select(Invitation.id).where(Invitation.sent_at.is_not(None))),
                answered=count(answered),
                completed=count(select(Invitation.id).where(Invitation.completed_at.is_not(None))),
                answers=count(select(Answer.id)),
                alerts=count(select(SafeguardingAlert.id)),
                acknowledged=count(select(SafeguardingAlert.id).where(SafeguardingAlert.acknowledged_at.is_not(None))),
                callbacks=count(select(CallbackRequest.id)),
                by_link=len(self.by_link), link_messages=len(self.messages.sent),
                answered_by_link=count(answered.where(Invitation.participant_id.in_(list(self.by_link)))),
                period=latest_full_quarter(self.today))

    def close(self) -> None:
        if getattr(self, "heard", None) is not None:
            self.heard.close()  # its worker threads
            self.heard.engine.dispose()


def fresh_database(directory: Path) -> bool:
    """Make ``directory`` and remove an old demo database; True if there was one."""
    directory.mkdir(parents=True, exist_ok=True)
    db = directory / "heard.db"
    existed = db.exists()
    for path in (db, directory / "heard.db-wal", directory / "heard.db-shm"):
        path.unlink(missing_ok=True)
    return existed


async def run_demo(directory: Path, *, cases: int = 120, seed: int = 2026, today: date | None = None,
                   rate_limit: bool = False, step: Callable[[str, float], None] = lambda words, share: None
                   ) -> Summary:
    """Build the service, simulate four quarters of it, write the report; returns what happened."""
    demo = Demo(directory, cases, seed, today or date.today(), rate_limit, step)
    try:
        step("Creating a made-up youth justice service", 0)
        demo.create_service()
        await demo.run()
        demo.add_actions()
        result = demo.summary()
        result.report_files = demo.write_report()
        return result
    finally:
        demo.close()


def main(directory: Path, cases: int = 120, seed: int = 2026) -> None:
    """The `heard demo` command: progress while it runs, then what happened and what to do next."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console()
    if fresh_database(directory):
        console.print(f"Removed the old demo database in {directory}/ and started fresh.", soft_wrap=True,
                      markup=False, highlight=False)
    with Progress(TextColumn("{task.description:<38}"), BarColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("Starting", total=1.0)
        result = asyncio.run(run_demo(directory, cases=cases, seed=seed, step=lambda words, share: bar.update(
            task, description=words, advance=share)))
    console.print(format_summary(result, directory), soft_wrap=True, markup=False, highlight=False)


def format_summary(result: Summary, directory: Path) -> str:
    html = next((p for p in result.report_files if p.suffix == ".html"), None)
    files = "\n".join(f"  {path}" for path in result.report_files)
    return (
        f"Demo finished: {SERVICE_NAME} (all made up).\n"
        f"  {result.people} people were given a link; {result.linked} tapped it ({result.on_web} on the web page, "
        f"the rest in Telegram), {result.declined} said no thanks, "
        f"{result.stopped} sent /stop later.\n"
        f"  {result.by_link} of them were invited by text message or email instead of Telegram: "
        f"{result.link_messages} messages and reminders were recorded, not sent (the demo has no GOV.UK Notify key); "
        f"{result.answered_by_link} of them answered through their link.\n"
        f"  {result.surveys_sent} surveys were sent; {result.answered} people answered "
        f"({result.completed} surveys finished, {result.answers} answers).\n"
        f"  {result.alerts} safeguarding alerts were raised ({result.acknowledged} taken by the duty worker); "
        f"victims asked for {result.callbacks} call-back(s).\n\n"
        f"Board report for {result.period}:\n{files}\n\n"
        f"Open it:            xdg-open {html}\n"
        f"Look at the data:   HEARD_DATABASE_URL=sqlite:///{directory / 'heard.db'} HEARD_SERVICE={SERVICE_CODE} "
        f"heard stats\n"
        f"Try a survey:       heard surveys preview yp_exit\n"
        f"Run the real bot:   set TELEGRAM_BOT_TOKEN (from @BotFather) and HEARD_BOT_USERNAME, then: heard run")
