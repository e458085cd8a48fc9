"""The `heard` command. Each command is a thin shell over a tested function."""

from __future__ import annotations

import os

# The analysis does many tiny matrix products per message: BLAS threads only add overhead, and on a
# busy 2-core server they cut the screen from ~830 to ~160 texts a second. Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli import analyse_command
from analysis.commands import actions_app, report
from bot import notify_cli, privacy_cli
from surveys.models import Audience
from surveys.settings import Settings

app = typer.Typer(help="heard: chat-based feedback for youth justice teams.", no_args_is_help=True,
                  pretty_exceptions_enable=False, rich_markup_mode=None)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
cases_app = typer.Typer(help="Cases imported from the case-management system.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(cases_app, name="cases")
surveys_app = typer.Typer(help="Survey definitions: check, list and try them.", no_args_is_help=True)
app.add_typer(surveys_app, name="surveys")
app.command("analyse")(analyse_command)
app.command("report")(report)
app.add_typer(actions_app, name="actions")
staff_app = typer.Typer(help="Staff who may use the staff commands in Telegram.", no_args_is_help=True)
app.add_typer(staff_app, name="staff")
alerts_app = typer.Typer(help="Safeguarding alerts: what is waiting, and taking one.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")
app.add_typer(privacy_cli.keys_app, name="keys")
app.add_typer(privacy_cli.participant_app, name="participant")
app.command("purge")(privacy_cli.purge)
app.command("backup")(privacy_cli.backup)
app.command("restore")(privacy_cli.restore)
# The staff loop: call-backs, a worker's view of a case, a subject access export.
from bot import casework_cli  # noqa: E402

app.add_typer(casework_cli.callbacks_app, name="callbacks")
app.add_typer(casework_cli.case_app, name="case")
privacy_cli.participant_app.command("export")(casework_cli.participant_export)
# Report follow-ups: a manager approves board quotes.
from analysis.commands import quotes_app  # noqa: E402

app.add_typer(quotes_app, name="quotes")


@dataclass
class Context:
    """What every command needs, built once: settings, a migrated database, our service's id."""

    settings: Settings
    engine: object
    service_id: int


def load_settings() -> Settings:
    try:
        return Settings()
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        fail(f"Your settings need a fix:\n{error}")


def open_context(settings: Settings | None = None, *, adopt_hash_key: bool = True) -> Context:
    """For commands that change things: migrates the database, and makes the service row on first use."""
    from surveys.hashkey import HashKeyProblem, adopt
    from surveys.models import utcnow
    from surveys.store import current_revision, ensure_service, head_revision, make_engine, session_scope, upgrade

    settings = settings or load_settings()
    engine = make_engine(settings.database_url, keys=_keys(settings), hash_key=_hash_key(settings))
    if current_revision(engine) != head_revision(settings.database_url):
        upgrade(settings.database_url)
    if adopt_hash_key:
        try:
            adopt(engine, now=utcnow())
        except HashKeyProblem as problem:
            fail(f"{problem}.")
    codes = _service_codes(engine)
    settings = _chosen_service(settings, codes, creating=True)
    with session_scope(engine) as session:
        service_id = ensure_service(session, settings.service, settings.service_name).id
    if settings.service not in codes and codes:
        typer.echo(f"Started a new service '{settings.service}' in this database (it also holds: {', '.join(codes)}).",
                   err=True)
    return Context(settings, engine, service_id)


def open_read_only(settings: Settings | None = None) -> Context:
    """For commands that only look: never creates a database file, a table or a service row.

    Says plainly when the database is missing or out of date, or the service code is wrong.
    """
    from surveys.store import current_revision, head_revision, make_engine

    settings = settings or load_settings()
    url = safe_url(settings.database_url)
    database = _sqlite_path(settings.database_url)
    if database is not None and not database.exists():
        fail(f"There is no database at {database.resolve()}. Check HEARD_DATABASE_URL (now {url}), "
             f"or run this where the bot's database is.")
    engine = make_engine(settings.database_url, keys=_keys(settings), hash_key=_hash_key(settings))
    try:
        revision = current_revision(engine)
    except Exception as error:  # noqa: BLE001 - a wrong URL, a server that is down: say which
        fail(f"Could not open the database at {url} ({type(error).__name__}). Check HEARD_DATABASE_URL.")
    if revision != head_revision(settings.database_url):
        fail(f"The database at {url} is not up to date (migration {revision or 'none'}). Run: heard db upgrade")
    settings = _chosen_service(settings, _service_codes(engine), creating=False)
    with engine.connect() as connection:
        service_id = connection.execute(sa_text("SELECT id FROM service WHERE code = :code"),
                                        {"code": settings.service}).scalar_one()
    return Context(settings, engine, service_id)


def with_resolved_service(settings: Settings) -> Settings:
    """``settings`` naming the one service the database holds when HEARD_SERVICE was not set.

    Looks without writing: a missing database or table leaves the settings as they are.
    """
    if "service" in settings.model_fields_set:
        return settings
    database = _sqlite_path(settings.database_url)
    if database is not None and not database.exists():
        return settings
    from surveys.store import make_engine

    engine = make_engine(settings.database_url)
    try:
        codes = _service_codes(engine)
    except Exception:  # noqa: BLE001 - no schema yet: the command itself will say so
        return settings
    finally:
        engine.dispose()
    return settings.model_copy(update={"service": codes[0]}) if len(codes) == 1 else settings


def _keys(settings: Settings):
    from surveys.crypto import Keyring

    try:
        return Keyring.from_settings(settings)
    except ValueError as error:
        fail(f"HEARD_ENCRYPTION_KEY needs a fix: {error}")


def _hash_key(settings: Settings) -> bytes:
    from surveys.hashkey import HashKeyProblem, hash_key_from_settings

    try:
        return hash_key_from_settings(settings)
    except HashKeyProblem as problem:
        fail(f"The hash key needs a fix: {problem}.")


def _sqlite_path(url: str) -> Path | None:
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _service_codes(engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.execute(sa_text("SELECT code FROM service")).scalars())


def _chosen_service(settings: Settings, codes: list[str], *, creating: bool) -> Settings:
    """Which service a command works for: HEARD_SERVICE, or the only one the database holds."""
    explicit = "service" in settings.model_fields_set
    if settings.service in codes:
        return settings
    if not explicit and len(codes) == 1:
        return settings.model_copy(update={"service": codes[0]})
    if creating and (explicit or not codes):
        return settings
    if not codes:
        fail("This database holds no service yet: nothing has been imported. Start with: heard cases import FILE.csv")
    if explicit:
        fail(f"There is no service '{settings.service}' in this database; it holds: {', '.join(codes)}. "
             f"Set HEARD_SERVICE to one of those.")
    fail(f"This database holds several services ({', '.join(codes)}): set HEARD_SERVICE to the one you mean.")


def sa_text(sql: str):
    import sqlalchemy as sa

    return sa.text(sql)


def fail(message: str, code: int = 1):
    typer.secho(message, fg="red", err=True)
    raise typer.Exit(code)


def parse_audience(text: str) -> Audience:
    try:
        return Audience(text)
    except ValueError:
        fail(f"Unknown audience '{text}'. Use one of: {', '.join(a.value for a in Audience)}.", 2)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or update the database schema (safe to run again)."""
    from surveys.store import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    typer.echo(f"Database is up to date ({safe_url(settings.database_url)}).")


def safe_url(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).render_as_string(hide_password=True)


@surveys_app.command("check")
def surveys_check(
    files: Annotated[list[Path] | None, typer.Argument(help="YAML files (default: the shipped surveys).")] = None,
) -> None:
    """Check survey definitions and list every mistake, with file and question; and that every
    survey field and every bot message has its Welsh (Cymraeg), unless bot/welsh_drafts.txt allows it."""
    from bot.welsh import load_drafts, missing_welsh
    from surveys.schema import DEFINITIONS_FOLDER, check_files, load_definition

    paths = files or sorted(DEFINITIONS_FOLDER.glob("*.yaml"))
    errors = check_files(paths)
    for error in errors:
        typer.echo(str(error))
    if errors:
        typer.secho(f"{len(errors)} problem(s) to fix.", fg="red", err=True)
        raise typer.Exit(1)
    no_welsh, drafts = missing_welsh(map(load_definition, paths), load_drafts())
    for name in no_welsh:
        typer.echo(f"{name}: no Welsh (cy) wording")
    if drafts:
        typer.echo(f"{len(drafts)} string(s) have no Welsh yet but are allowed as drafts (bot/welsh_drafts.txt).")
    if no_welsh:
        typer.secho(f"{len(no_welsh)} string(s) need Welsh: add a cy: line to the survey field, or the key to "
                    f"the \"cy\" wording in bot/texts.py.", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(f"{len(paths)} surveys OK")


@surveys_app.command("welsh")
def surveys_welsh(
    missing_only: Annotated[bool, typer.Option("--missing", help="Only strings with no Welsh yet.")] = False,
) -> None:
    """Every Welsh string beside its English, for a Welsh speaker to review and correct."""
    from bot.welsh import all_strings
    from surveys.schema import load_all

    for name, english, welsh in all_strings(load_all().values()):
        if missing_only and welsh:
            continue
        typer.echo(f"{name}\n  en: {english}\n  cy: {welsh or '(none yet)'}")


@surveys_app.command("list")
def surveys_list() -> None:
    """List the shipped surveys: id, version, who it is for, how many questions."""
    from surveys.schema import load_all

    for definition in load_all().values():
        typer.echo(f"{definition.id:<20} v{definition.version}  {definition.audience:<13} "
                   f"{len(definition.questions):>2} questions  {definition.title.get()}")


@surveys_app.command("preview")
def surveys_preview(
    survey_id: str, lang: Annotated[str, typer.Option(help="Language code, e.g. en or cy.")] = "en",
) -> None:
    """Answer a survey in this terminal, as a young person, parent or victim would."""
    from bot.preview import run_preview
    from surveys.schema import load_all

    from bot.texts import TEXTS

    if lang not in TEXTS:
        typer.secho(f"heard has no wording in {lang!r}. Languages: {', '.join(TEXTS)}", fg="red", err=True)
        raise typer.Exit(2)
    definitions = load_all()
    if survey_id not in definitions:
        typer.secho(f"There is no survey called {survey_id!r}. Known surveys: {', '.join(definitions)}",
                    fg="red", err=True)
        raise typer.Exit(2)
    run_preview(definitions[survey_id], _read_line, typer.echo, lang=lang)


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:  # Ctrl-D or piped input ran out: end the line the prompt started
        typer.echo()
        return None


@cases_app.command("import")
def cases_import(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                             help="CSV export, one row per participant.")) -> None:
    """Import or update cases. Every row is checked first: one bad row and nothing changes.

    Rows are then saved a few hundred at a time, so the bot can store answers (and raise
    alerts) while a long import runs. If it stops part way, running it again finishes it.
    """
    from surveys.enrol import ImportRejected, import_in_batches, parse_csv
    from surveys.models import utcnow
    from surveys.schema import load_all
    from surveys.store import audit, session_scope

    ctx = open_context()
    try:
        records = parse_csv(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        fail(f"{file} is not a UTF-8 text file. Save it from your spreadsheet as 'CSV UTF-8' and try again.")
    except ImportRejected as rejected:
        lines = "\n".join(f"  line {line}: {reason}" for line, reason in rejected.problems)
        fail(f"Nothing was imported. Fix these rows and run the import again:\n{lines}")
    done = {"cases": 0, "surveys": 0}

    def progress(stage: str, count: int, total: int) -> None:
        done[stage] = count

    try:
        summary, planned = import_in_batches(ctx.engine, ctx.service_id, records, load_all(), zone=ctx.settings.zone,
                                             window=ctx.settings.window, now=utcnow(), progress=progress)
    except (Exception, KeyboardInterrupt) as error:  # say how far it got; the error's text may hold case data
        stage = (f"{done['cases']} of {len(records)} rows were saved" if done["cases"] < len(records)
                 else f"all {len(records)} rows were saved and surveys were planned for {done['surveys']} cases")
        fail(f"The import stopped ({type(error).__name__}): {stage}. Nothing saved is lost. "
             f"Run the same import again to finish it; rows already saved will not be duplicated.")
    with session_scope(ctx.engine) as session:
        audit(session, "cli", "cases.import", detail=f"rows={summary.rows}", service_id=ctx.service_id)
    typer.echo(f"Imported {summary.rows} rows: {summary.cases_created} new cases, {summary.cases_updated} updated, "
               f"{summary.participants_created} new participants.")
    typer.echo(f"Surveys: {planned.created} planned, {planned.moved} moved to new dates, {planned.cancelled} cancelled.")


@app.command("invite")
def invite(case_ref: str, audience: str = typer.Option(..., help="young_person, parent_carer, victim or placement"),
           participant_ref: str = typer.Option("", help="Which victim (or other person) of this case."),
           qr: Path | None = typer.Option(None, help="Also write the link as a QR code PNG here."),
           force: bool = typer.Option(False, "--force", help="Move someone already linked to a new Telegram account."),
           channel: str = typer.Option("telegram", help=notify_cli.CHANNEL_HELP)) -> None:
    """Make a one-time invitation link for one person.

    Someone already linked keeps their chat: a new link for them needs --force, and when it is used
    their old chat is told it was moved.
    """
    from surveys.casework import explain_missing
    from surveys.enrol import create_invite, deep_link, find_participant
    from surveys.models import utcnow
    from surveys.store import audit, session_scope

    if (chosen := notify_cli.parse_channel(channel)) != "telegram":  # issue 15: a web link, or sent by SMS or email
        return notify_cli.invite_by_channel(case_ref, audience, participant_ref, qr, force, chosen)
    ctx = open_context()
    who = parse_audience(audience)
    username = ctx.settings.bot_username
    if not username:
        fail("Set HEARD_BOT_USERNAME to your bot's username (from BotFather) so the link points at your bot.", 2)
    with session_scope(ctx.engine) as session:
        participant = find_participant(session, ctx.service_id, case_ref, who, participant_ref)
        if participant is None:
            fail(explain_missing(session, ctx.service_id, case_ref, who, participant_ref))
        if participant.chat_hash is not None and not force:
            fail(f"The {who.value.replace('_', ' ')} of {case_ref} is already linked to a Telegram account, so they "
                 f"need no link. To move them to a new account, run this again with --force (their old chat is told).", 2)
        code = create_invite(session, participant, now=utcnow(), days=ctx.settings.invite_days)
        audit(session, "cli", "invite.create", subject=f"participant:{participant.id}",
              detail="move" if participant.chat_hash else None, service_id=ctx.service_id)
    link = deep_link(username, code)
    typer.echo(link)
    typer.echo(f"Works once, for {ctx.settings.invite_days} days.", err=True)
    if qr:
        write_qr(link, qr)
        typer.echo(f"QR code written to {qr}", err=True)


@app.command("send")
def send(case_ref: str, audience: str = typer.Option(..., help="young_person, parent_carer, victim or placement"),
         survey: str = typer.Option(..., help="Survey id, e.g. yp_exit (see: heard surveys list)"),
         participant_ref: str = typer.Option("", help="Which victim (or other person) of this case.")) -> None:
    """Send a survey now (the running bot delivers it within a minute, inside the send window)."""
    from surveys.casework import waiting_reason
    from surveys.enrol import find_participant
    from surveys.invitations import create_manual
    from surveys.models import utcnow
    from surveys.schema import load_all
    from surveys.store import audit, session_scope

    ctx = open_context()
    who = parse_audience(audience)
    definition = load_all().get(survey)
    if definition is None:
        fail(f"There is no survey called '{survey}'. See: heard surveys list", 2)
    if definition.audience != who:
        fail(f"{survey} is for {definition.audience.value}, not {who.value}.", 2)
    with session_scope(ctx.engine) as session:
        participant = find_participant(session, ctx.service_id, case_ref, who, participant_ref)
        if participant is None:
            from surveys.casework import explain_missing
            fail(explain_missing(session, ctx.service_id, case_ref, who, participant_ref))
        invitation = create_manual(session, participant, definition, now=utcnow())
        audit(session, "cli", "survey.send", subject=f"invitation:{invitation.id}", service_id=ctx.service_id)
        state = waiting_reason(participant)
    typer.echo(f"Queued {survey} for {case_ref} ({who.value}): {state}.")


@app.command("due")
def due(days: int = typer.Option(7, help="How far ahead to look.")) -> None:
    """What goes out soon, and who has not answered."""
    from surveys.casework import due_soon, needs_link, not_answered
    from surveys.models import utcnow
    from surveys.store import audit, session_scope

    ctx = open_read_only()
    with session_scope(ctx.engine) as session:
        soon = due_soon(session, ctx.service_id, now=utcnow(), days=days)
        stuck = needs_link(session, ctx.service_id, now=utcnow(), days=days)
        waiting = not_answered(session, ctx.service_id)
        audit(session, "cli", "staff.due", service_id=ctx.service_id)
    zone = ctx.settings.zone
    for title, lines in ((f"Going out in the next {days} days", soon),
                         ("Due, but their link has expired or was never made (run the command shown)", stuck),
                         ("Sent but not answered", waiting)):
        typer.echo(f"{title} ({len(lines)})")
        for line in lines:
            when = line.when.astimezone(zone).strftime("%a %d %b %H:%M") if line.when else "-"
            typer.echo(f"  {when:<16} {line.who():<36} {line.survey_id:<20} {line.note}")


@app.command("stats")
def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON for other tools.")) -> None:
    """Invitation and response counts by survey and status."""
    import json

    from surveys.casework import stats as count
    from surveys.store import session_scope

    ctx = open_read_only()
    with session_scope(ctx.engine) as session:
        figures = count(session, ctx.service_id)
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    for survey_id, row in figures["surveys"].items():
        typer.echo(f"{survey_id:<20} delivered {row['delivered']:>5}  responded {row['responded']:>5}  "
                   f"completed {row['completed']:>5}  never sent (link not used) {row['never_sent']:>5}")
    typer.echo(f"open invitations: {figures['open']}, call-backs waiting: {figures['callbacks_open']}, "
               f"alerts not taken: {figures['alerts_unacknowledged']}")


@staff_app.command("add")
def staff_add(telegram_id: int = typer.Option(..., help="Their numeric Telegram user id."),
              role: str = typer.Option(..., help="admin, case_worker, victim_worker, manager or duty"),
              name: str = typer.Option(None, help="How colleagues see them in alerts (their own name).")) -> None:
    """Give a Telegram user a staff role."""
    from sqlmodel import select

    from surveys.models import Role, Staff
    from surveys.store import audit, session_scope

    try:
        chosen = Role(role)
    except ValueError:
        fail(f"Unknown role '{role}'. Use one of: {', '.join(r.value for r in Role)}.", 2)
    ctx = open_context()
    with session_scope(ctx.engine) as session:
        existing = session.exec(select(Staff).where(Staff.service_id == ctx.service_id, Staff.role == chosen,
                                                    Staff.telegram_user_id == telegram_id)).first()
        others = session.exec(select(Staff).where(Staff.service_id == ctx.service_id,
                                                  Staff.telegram_user_id == telegram_id)).all()
        # Roles are a set: one row per role. A role added to someone already here keeps their name.
        staff = existing or Staff(service_id=ctx.service_id, telegram_user_id=telegram_id, role=chosen)
        staff.active = True
        staff.name = name or staff.name or next((o.name for o in others if o.name and o.active), None)
        if name:
            for other in others:
                other.name = name
        session.add(staff)
        audit(session, "cli", "staff.add", subject=f"telegram:{telegram_id}", detail=chosen.value,
              service_id=ctx.service_id)
        session.flush()
        held = sorted(role for role in session.exec(select(Staff.role).where(
            Staff.service_id == ctx.service_id, Staff.telegram_user_id == telegram_id, Staff.active.is_(True))))
        reach = _reach_of(session, ctx.service_id).get(telegram_id)
    typer.echo(f"{telegram_id} is now {chosen.value}." if held == [chosen.value]
               else f"{telegram_id} is now {chosen.value} (roles: {', '.join(held)}).")
    if chosen.value in _ALERT_ROLES:
        typer.echo(f"Alerts: {_reach_line(reach, ctx.settings)}")


@staff_app.command("remove")
def staff_remove(telegram_id: int = typer.Option(...), role: str = typer.Option(None, help="Only this role.")) -> None:
    """Take away staff roles (all of them unless --role is given)."""
    import sqlalchemy as sa

    from surveys.models import Staff
    from surveys.store import audit, session_scope

    ctx = open_context()
    with session_scope(ctx.engine) as session:
        query = sa.update(Staff).where(Staff.service_id == ctx.service_id, Staff.telegram_user_id == telegram_id)
        if role:
            query = query.where(Staff.role == role)
        changed = session.execute(query.values(active=False)).rowcount
        audit(session, "cli", "staff.remove", subject=f"telegram:{telegram_id}", service_id=ctx.service_id)
    typer.echo(f"Removed {changed} role(s) from {telegram_id}.")


@staff_app.command("list")
def staff_list() -> None:
    """Everyone with a staff role."""
    from sqlmodel import select

    from surveys.models import Staff
    from surveys.store import session_scope

    ctx = open_read_only()
    with session_scope(ctx.engine) as session:
        rows = session.exec(select(Staff).where(Staff.service_id == ctx.service_id, Staff.active.is_(True))
                            .order_by(Staff.telegram_user_id, Staff.role)).all()
        reach = _reach_of(session, ctx.service_id)
    for staff in rows:
        typer.echo(f"{staff.telegram_user_id:>14}  {staff.role:<14} {staff.name or ''}")
        if staff.role in _ALERT_ROLES:
            typer.echo(f"{'':>16}alerts: {_reach_line(reach.get(staff.telegram_user_id), ctx.settings)}")
    if not rows:
        typer.echo("No staff yet. Add one: heard staff add --telegram-id N --role admin")


@alerts_app.command("list")
def alerts_list(tier: str = typer.Option(None, help="Only this tier: urgent or review.")) -> None:
    """Alerts nobody has taken yet, oldest first (never what was written: use 'heard alerts show')."""
    from surveys.alerts import waited, waiting
    from surveys.models import utcnow
    from surveys.store import audit, session_scope

    chosen = _parse_tier(tier) if tier else None
    ctx = open_read_only()
    now = utcnow()
    with session_scope(ctx.engine) as session:
        rows = waiting(session, ctx.service_id, chosen)
        audit(session, "cli", "alerts.list", service_id=ctx.service_id)
    if not rows:
        typer.echo("Nothing is waiting. Every alert has been taken.")
        return
    for alert in rows:
        typer.echo(f"#{alert.alert_id:<5} {alert.tier:<7} waiting {waited(alert.created_at, now):<8} "
                   f"{alert.who():<36} {alert.reason}")
    typer.echo("Read one with: heard alerts show ID. Take it with: heard alerts take ID --by YOUR_TELEGRAM_ID")


def _parse_tier(text: str):
    from surveys.models import AlertTier

    try:
        return AlertTier(text)
    except ValueError:
        fail(f"Unknown tier '{text}'. Use urgent or review.", 2)


@alerts_app.command("show")
def alerts_show(alert_id: int) -> None:
    """What the person wrote, for the worker deciding what to do (each reading is audited)."""
    from surveys.models import SafeguardingAlert
    from surveys.store import audit, session_scope

    ctx = open_read_only()
    with session_scope(ctx.engine) as session:
        alert = session.get(SafeguardingAlert, alert_id)
        if alert is None or alert.service_id != ctx.service_id:
            fail(f"There is no alert #{alert_id} in this service. 'heard alerts list' shows the open ones.")
        audit(session, "cli", "alert.text_shown", subject=f"alert:{alert_id}", service_id=ctx.service_id)
        text, reason, tier = alert.text or "", alert.reason, alert.tier
    typer.echo(f"Alert #{alert_id} ({tier}): {reason}\n\n{text}")


@alerts_app.command("take")
def alerts_take(alert_id: int, by: int = typer.Option(None, help="Your Telegram user id, to record who took it.")) -> None:
    """Take an alert: you are dealing with it, and it stops being escalated."""
    from surveys.alerts import take
    from surveys.models import SafeguardingAlert, Staff, utcnow
    from surveys.store import audit, session_scope

    ctx = open_context()
    with session_scope(ctx.engine) as session:
        staff_id = None
        if by is not None:
            staff_id = session.exec(select_staff(ctx.service_id, by)).first()
            if staff_id is None:
                fail(f"{by} is not staff here. See 'heard staff list'.")
        alert = session.get(SafeguardingAlert, alert_id)
        if alert is None or alert.service_id != ctx.service_id:
            fail(f"There is no alert #{alert_id} in this service. 'heard alerts list' shows the open ones.")
        taken = take(session, ctx.service_id, alert_id, staff_id=staff_id, now=utcnow())
        if taken:
            audit(session, f"staff:{staff_id}" if staff_id else "cli", "alert.acknowledge",
                  subject=f"alert:{alert_id}", service_id=ctx.service_id)
        owner = session.get(Staff, alert.acknowledged_by) if alert.acknowledged_by else None
    if not taken:
        fail(f"Alert #{alert_id} was already taken{f' by {owner.name}' if owner and owner.name else ''}.")
    typer.echo(f"Alert #{alert_id} is yours. Nobody else will be asked to take it.")


def select_staff(service_id: int, telegram_id: int):
    from sqlmodel import select

    from surveys.models import Staff

    return select(Staff.id).where(Staff.service_id == service_id, Staff.telegram_user_id == telegram_id,
                                  Staff.active.is_(True))


# --- staff add/list: can the bot reach the people who get safeguarding alerts? (alert delivery)
_ALERT_ROLES = {"duty", "manager", "admin"}


def _reach_of(session, service_id: int) -> dict:
    from surveys.alert_delivery import reach_by_user

    return reach_by_user(session, service_id)


def _reach_line(reach, settings: Settings) -> str:
    """Plain words for a worker: can alerts get to this person, and if not, what to do."""
    from bot.texts import t

    link = f"t.me/{settings.bot_username}" if settings.bot_username else t("alert.bot_link_unknown")
    if reach is None or reach.state == "never":
        return t("alert.reach_never", link=link)
    if reach.state == "lost":
        return t("alert.reach_lost", link=link, day=reach.refused_at.astimezone(settings.zone).strftime("%d %b %Y"))
    return t("alert.reach_yes")


def main() -> None:
    """The `heard` command: an error nothing handled is logged as JSON, never as a raw traceback."""
    import sys

    from bot import logs

    try:
        app()
    except Exception as error:  # noqa: BLE001 - a raw traceback could print the values a query was given
        print(logs.crash_line(error), file=sys.stderr)
        sys.exit(1)


@app.command("run")
def run(webhook_url: str = typer.Option(None, help="Public HTTPS URL for webhook mode (default: long polling)."),
        listen: str = typer.Option("127.0.0.1", help="Address for the webhook server."),
        port: int = typer.Option(8443, help="Port for the webhook server."),
        api_url: str = typer.Option(None, envvar="HEARD_BOT_API_URL",
                                    help="Another Bot API server, e.g. a self-hosted one.")) -> None:
    """Run the bot."""
    import logging

    from bot import logs

    settings = load_settings()  # a settings mistake or a missing token is told in words, no traceback
    if settings.telegram_bot_token is None:
        fail("No Telegram bot token is set.\n"
             "1. In Telegram, message @BotFather and send /newbot.\n"
             "2. Put the token it gives you in the TELEGRAM_BOT_TOKEN environment variable.\n"
             "3. Run heard run again.\n"
             "To try heard without a token, run: heard demo", 2)
    logs.configure(logging.INFO)  # JSON lines, no tokens, texts or chat ids: from here on, even if start-up fails
    try:
        _run(settings, webhook_url=webhook_url, listen=listen, port=port, api_url=api_url)
    except Exception as error:  # noqa: BLE001 - logged as type and frames; its message may quote data
        logging.getLogger("heard").critical("heard stopped: %s", _stop_reason(error), exc_info=error)
        raise typer.Exit(1) from None


def _stop_reason(error: Exception) -> str:
    from surveys.hashkey import HashKeyProblem

    # Our own problems explain themselves in words we wrote; anything else is named by its type.
    return str(error) if isinstance(error, HashKeyProblem) else f"an unexpected {type(error).__name__}"


def _run(settings: Settings, *, webhook_url, listen, port, api_url) -> None:
    import secrets

    from telegram import Update
    from telegram.ext import ApplicationBuilder

    from bot.app import build_application, build_heard

    token = settings.telegram_bot_token.get_secret_value()
    builder = ApplicationBuilder().token(token)
    if api_url:
        base = api_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    heard = build_heard(with_resolved_service(settings))
    application = build_application(heard, builder)
    if webhook_url:
        import asyncio

        from bot.web import serve

        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)
        # Our own server: the Telegram webhook at /telegram plus GET /healthz for the platform.
        asyncio.run(serve(application, heard.engine, listen=listen, port=port, secret=secret, webhook_url=webhook_url))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


@app.command("demo")
def demo(directory: Path = typer.Option(Path("heard-demo"), "--dir", help="Folder for the demo database and report."),
         cases: int = typer.Option(120, help="How many made-up cases.")) -> None:
    """Try heard without a Telegram account: a made-up service, simulated people, a real report."""
    from bot.demo import main

    main(directory, cases=cases)


def write_qr(link: str, path: Path) -> None:
    import qrcode

    qrcode.make(link).save(path)


if __name__ == "__main__":
    main()
