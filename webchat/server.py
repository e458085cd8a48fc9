"""The web chat's HTTP side: routes, cookies, CSRF, security headers, rate limits.

Each request reads the person's place from the database (nothing is held in memory but the
rate limiter), calls the same ``surveys/`` functions as the Telegram handlers, and answers
with a page or a redirect (POST-redirect-GET, so reloading never answers twice). Every piece of
text a person types is screened for a disclosure before anything else reads it, exactly as
bot/screening.py does for Telegram: the alert is stored, help is shown on the page, and the duty
workers are told in Telegram.

The routes are async, but their database work (and the text analysis) runs in plain functions
called through ``Heard.transaction``/``Heard.run``: in the bounded thread pool, never on the event
loop, so one slow query never holds up every other page (tests/test_transactions.py checks this).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import jinja2
import sqlalchemy as sa
from aiohttp import web
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.texts import t
from surveys import alert_storing, engine
from surveys.alerts import Flag, help_text_key, record_alert
from surveys.alert_delivery import mark_help_sent
from surveys.answering import as_answers, load_answers, load_survey, respond
from surveys.enrol import InviteProblem, redeem_invite
from surveys.invitations import cancel_open, resume_after_stop
from surveys.participants import record_consent
from surveys.models import AlertTier, AuditEvent, Audience, Consent, Invitation, InvitationStatus, Participant
from surveys.retention import erase_participant
from surveys.hashkey import hash_key_of, identifier_hash
from surveys.hearing_back import as_asked
from surveys.store import audit, read_only, session_scope
from surveys.text import clean_optional
from surveys.web_sessions import (Visitor, csrf_ok, csrf_token, link_state, open_survey, participant_for_token,
                                  start_web_session, visitor_for_token)
from webchat import pages

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
_OPEN = (InvitationStatus.sent, InvitationStatus.started)
_CHANGES = ("lang:en", "lang:cy", "consent:yes", "consent:no", "stop", "delete")  # forms that are not answers
SESSION_COOKIE = "heard_session"
FORM_COOKIE = "heard_form"  # before there is a session: a double-submit token for the Start form
# What the next page should say after a form ("help_urgent", "finished"...) rides in this cookie for one
# page, never in the address: a shared phone's history must not show that help was offered.
NOTES_COOKIE = "heard_notes"
NOTES_SECONDS = 60
SESSION_DAYS = 60
CODE_FAILURES_ALLOWED = 10  # wrong, used or expired codes from one address...
CODE_WINDOW_SECONDS = 15 * 60  # ...within this time; then it waits
HELP_WITHIN_SECONDS = alert_storing.HELP_WITHIN_SECONDS  # here so a test can shorten it
REFUSED = "invite.refused"  # the audit action a refused code leaves
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                trim_blocks=True, lstrip_blocks=True)
_STATIC = {"chat.css": "text/css", "chat.js": "text/javascript"}


class CodeLimiter:
    """Counts refused codes per client address in the audit table, so every web process shares one
    count (a second process is not a second set of guesses). The address is kept only as a short
    keyed hash, as Telegram chats are (surveys/hashkey.py), and the daily purge clears it after a day."""

    def __init__(self, allowed: int = CODE_FAILURES_ALLOWED, window: float = CODE_WINDOW_SECONDS):
        self.allowed, self.window = allowed, timedelta(seconds=window)

    @staticmethod
    def _subject(session, address: str) -> str:
        return identifier_hash(hash_key_of(session), "web-address", address)[:16]

    def blocked(self, session, address: str, now: datetime) -> bool:
        refused = session.exec(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == REFUSED, AuditEvent.subject == self._subject(session, address),
            AuditEvent.at > now - self.window)).one()[0]
        return refused >= self.allowed

    def failed(self, session, address: str, reason: str, now: datetime) -> None:
        audit(session, "web", REFUSED, subject=self._subject(session, address), detail=reason, at=now)


@dataclass
class WebChat:
    """Everything the routes need: the same Heard as the Telegram handlers, and the bot to reach staff."""

    heard: object  # bot.context.Heard
    bot: object | None = None  # telegram.Bot: duty alerts and "you moved" notes; None: the dispatcher retries alerts
    limiter: CodeLimiter | None = None
    secure_cookie: bool | None = None  # None: HEARD_WEB_COOKIE_SECURE
    retry_seconds: float = alert_storing.BACKGROUND_RETRY_SECONDS  # between tries to store an alert while the database fails

    def __post_init__(self):
        self.limiter = self.limiter or CodeLimiter()
        self.settings = self.heard.settings
        self.tasks: set[asyncio.Task] = set()

    # --- plumbing ------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/s/{code}", self.landing), web.post("/s/{code}", self.redeem),
                web.get("/chat", self.chat), web.post("/chat", self.act), web.get("/chat/help", self.help),
                web.get("/static/{name}", self.static)]

    def client_address(self, request: web.Request) -> str:
        """Who is asking, for the wrong-code limit only (never logged, stored only as a keyed hash)."""
        address = request.remote or "-"
        if self.settings.web_trust_proxy and request.headers.get("X-Forwarded-For"):
            address = request.headers["X-Forwarded-For"].split(",")[0].strip()
        return address

    def page(self, template: str, *, lang: str = "en", status: int = 200, **values) -> web.Response:
        html = _templates.get_template(template).render(lang=lang, t=lambda key, **v: t(key, lang, **v),
                                                        cy=lambda key, **v: t(key, "cy", **v), rich=pages.rich, **values)
        return secure(web.Response(text=html, content_type="text/html", charset="utf-8", status=status))

    def cookie(self, response: web.StreamResponse, name: str, value: str, *, max_age: int, same_site: str,
               path: str = "/") -> None:
        response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite=same_site,
                            secure=self.settings.web_cookie_secure if self.secure_cookie is None else self.secure_cookie)

    def token(self, request: web.Request) -> str | None:
        return request.cookies.get(SESSION_COOKIE)

    def who(self, session, token: str | None) -> Participant | None:
        return participant_for_token(session, self.heard.service_id, token, now=self.heard.now())

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in _STATIC:
            raise web.HTTPNotFound()
        response = web.Response(body=(HERE / "static" / name).read_bytes(), content_type=_STATIC[name])
        response.headers["Cache-Control"] = "public, max-age=3600"
        return secure(response, cache=False)

    # --- the link: /s/<code> -----------------------------------------------------------------

    async def landing(self, request: web.Request) -> web.Response:
        """Opening the link shows a Start button and uses nothing up: phones and chat apps fetch links to
        preview them, and that must not spend a one-time code."""
        code = request.match_info["code"]
        owner, state, me = await self.heard.transaction(self._link_and_visitor, code[:64], self.token(request),
                                                        self.client_address(request))
        if state == "blocked":
            return self.page("message.html.j2", message=pages.rich(t("web.too_many")), status=429)
        if me is not None and owner == me:
            return see_other("/chat")  # the same device opening its link again: carry on where they were
        if state != "live":
            text = "web.second_device" if state == "used" else f"code.{state}"
            return self.page("message.html.j2", message=pages.rich(t(text)), status=410 if state != "unknown" else 404)
        form_token = secrets.token_urlsafe(24)
        response = self.page("start.html.j2", code=code, form_token=form_token)
        self.cookie(response, FORM_COOKIE, form_token, max_age=3600, same_site="Strict")
        return response

    def _link_and_visitor(self, session, code: str, token: str | None, address: str) -> tuple[int | None, str, int | None]:
        """Who the link belongs to, its state ("blocked" after too many refused codes from this address),
        and who this device's session is (a participant id, or None)."""
        now = self.heard.now()
        if self.limiter.blocked(session, address, now):
            return None, "blocked", None
        owner, state = link_state(session, code, now=now)
        me = self.who(session, token)
        if state != "live" and (me is None or owner != me):
            self.limiter.failed(session, address, state, now)
        return owner, state, me.id if me is not None else None

    async def redeem(self, request: web.Request) -> web.Response:
        code = request.match_info["code"]
        form = await request.post()
        given, expected = form.get("form_token"), request.cookies.get(FORM_COOKIE)
        if not expected or not isinstance(given, str) or not secrets.compare_digest(given, expected):
            return self.page("message.html.j2", message=pages.rich(t("web.session_gone")), status=403)
        redeemed = await self.heard.transaction(self._redeem, code[:64], self.client_address(request))
        if redeemed.refused == "blocked":
            return self.page("message.html.j2", message=pages.rich(t("web.too_many")), status=429)
        if redeemed.refused is not None:
            text = "web.second_device" if redeemed.refused == "used" else f"code.{redeemed.refused}"
            return self.page("message.html.j2", message=pages.rich(t(text)), status=410)
        if redeemed.old_chat_id is not None and self.bot is not None:
            await self._tell_old_chat(redeemed.old_chat_id, redeemed.lang)
        response = see_other("/chat")
        self.cookie(response, SESSION_COOKIE, redeemed.token, max_age=SESSION_DAYS * 86400, same_site="Lax")
        response.del_cookie(FORM_COOKIE, path="/")
        return response

    def _redeem(self, session, code: str, address: str) -> _Redeemed:
        """Spend the code and start a web session in one transaction, or say why the code was refused."""
        now = self.heard.now()
        if self.limiter.blocked(session, address, now):
            return _Redeemed(refused="blocked")
        try:
            participant = redeem_invite(session, code, now=now, service_id=self.heard.service_id)
        except InviteProblem as problem:
            self.limiter.failed(session, address, problem.reason, now)
            return _Redeemed(refused=problem.reason)
        moved = start_web_session(session, participant, now=now)
        audit(session, f"participant:{participant.id}", "participant.linked",
              detail="web" + (" moved" if moved.old_chat_id else ""), at=now)
        return _Redeemed(token=moved.token, old_chat_id=moved.old_chat_id, lang=participant.language)

    async def _tell_old_chat(self, chat_id: int, lang: str) -> None:
        try:
            await self.bot.send_message(chat_id, t("web.moved_to_web", lang))
        except TelegramError as error:
            log.info("could not tell a Telegram chat it was moved to the web (%s)", type(error).__name__)

    # --- the conversation: /chat ---------------------------------------------------------

    async def chat(self, request: web.Request) -> web.Response:
        notes = pages.parse_notes(request.cookies.get(NOTES_COOKIE))
        view = await self.heard.transaction(self._chat_view, self.token(request), notes)
        if view is None:
            response = self.page("message.html.j2", message=pages.rich(t("web.session_gone")), status=401)
        else:
            response = self.page("chat.html.j2", csrf=csrf_token(self.token(request)), **view)
        if NOTES_COOKIE in request.cookies:  # said once: a reload does not say it again
            response.del_cookie(NOTES_COOKIE, path="/chat")
        return response

    def _chat_view(self, session, token: str | None, notes: list[str]) -> dict | None:
        """What the chat page shows this person now (None: no session), in one transaction."""
        participant = self.who(session, token)
        return None if participant is None else self._view(session, participant, notes, self.heard.now())

    def _view(self, session, participant: Participant, notes: list[str], now) -> dict:
        lang, audience = participant.language, participant.audience
        view = dict(lang=lang, state="", bubbles=[], question=None, welcome=None, audience=audience)
        if participant.language_chosen_at is None:
            view["state"] = "language"
            return view
        if participant.consent == Consent.pending:
            view.update(state="consent", welcome=pages.welcome(audience, lang))
            return view
        if participant.consent == Consent.declined or participant.opted_out_at is not None:
            heading = "web.stopped" if "stopped" in notes else "web.declined"  # one message, not two saying the same
            others = [note for note in notes if note != "stopped"]
            view.update(state="declined", heading=pages.rich(t(heading, lang)),
                        bubbles=pages.note_bubbles(others, audience=audience, lang=lang, step=None))
            return view
        invitation = open_survey(session, participant, self.heard.definitions, now=now)
        if invitation is None:  # just finished: the survey's own goodbye is the heading, not "no questions right now"
            finished = self._last_finished(session, participant.id) if "finished" in notes else None
            others = [note for note in notes if note != "finished"]
            view.update(state="nothing", heading=pages.goodbye(finished, lang) if "finished" in notes
                        else pages.rich(t("web.nothing_open", lang)),
                        bubbles=pages.note_bubbles(others, audience=audience, lang=lang, step=None))
            return view
        definition = as_asked(self.heard.definitions[invitation.survey_id], participant)
        answers = load_answers(session, invitation.id)
        step = engine.next_step(definition, answers)
        bubbles = pages.transcript(definition, answers, lang)
        bubbles += pages.note_bubbles(notes, audience=audience, lang=lang, step=step)
        view.update(state="question", bubbles=bubbles, question=pages.question_view(step, lang),
                    invitation_id=invitation.id)
        return view

    def _last_finished(self, session, participant_id: int):
        """The definition of the survey this person finished last (None if it is no longer known)."""
        survey_id = session.execute(sa.select(Invitation.survey_id).where(
            Invitation.participant_id == participant_id, Invitation.status == InvitationStatus.completed)
            .order_by(Invitation.completed_at.desc(), Invitation.id.desc()).limit(1)).scalar()
        return self.heard.definitions.get(survey_id) if survey_id else None

    async def help(self, request: web.Request) -> web.Response:
        known, lang, audience, stopped = await self.heard.transaction(self._help_facts, self.token(request))
        how, privacy = pages.help_page(audience, lang)
        csrf = csrf_token(self.token(request)) if known else None
        confirm = request.query.get("confirm") if request.query.get("confirm") in ("stop", "delete") else None
        return self.page("help.html.j2", lang=lang, how=how, privacy=privacy, csrf=csrf, stopped=stopped,
                         confirm=confirm)

    def _help_facts(self, session, token: str | None) -> tuple[bool, str, Audience | None, bool]:
        """(has a session?, language, audience, stopped?) for the help page."""
        participant = self.who(session, token)
        if participant is None:
            return False, "en", None, False
        return True, participant.language, participant.audience, participant.opted_out_at is not None

    async def act(self, request: web.Request) -> web.Response:
        form = await request.post()
        token = self.token(request)
        if not token or not csrf_ok(token, form.get("csrf") if isinstance(form.get("csrf"), str) else None):
            return self.page("message.html.j2", message=pages.rich(t("web.session_gone")), status=403)
        action = str(form.get("act") or "")
        text = clean_optional(form.get("text")) if isinstance(form.get("text"), str) else None
        notes: list[str] = []
        disclosure = await self._screen(token, text, notes) if text else None  # before anything else reads it
        disclosed = disclosure is not None
        if disclosure is not None and not disclosure.settled:
            # The database is slow to take the alert: help now. The answer waits for the alert, then is stored.
            self._spawn(self._answer_later(disclosure.storing, token, action, form, text))
            lang, audience = disclosure.lang, disclosure.audience
            return self.page("message.html.j2", lang=lang, back=True,
                             message=pages.rich(t(help_text_key(audience, disclosure.tier.value), lang)))
        try:
            more, lang, callback_ids = await self.heard.transaction(self._apply, token, action, form, text, disclosed)
        except _NoSession:
            return self.page("message.html.j2", message=pages.rich(t("web.session_gone")), status=401)
        except sa.exc.SQLAlchemyError:
            if not disclosed:
                raise  # kind_errors says sorry
            # The answer could not be stored, but the alert is stored or being stored: they see help, never
            # only "something went wrong" (whose language and audience the database could not tell us).
            log.error("web chat: an answer after a disclosure could not be stored; help shown instead")
            return self.page("message.html.j2", message=pages.rich(t("safeguarding.help_anyone")), status=503)
        if self.bot is not None:  # workers are told after the commit, never awaiting Telegram inside a transaction
            for callback_id in callback_ids:
                self._spawn(self._notify_callback(callback_id))
        notes += more
        if "deleted" in notes:
            response = self.page("message.html.j2", lang=lang, message=pages.rich(t("web.deleted", lang)))
            response.del_cookie(SESSION_COOKIE, path="/")
            return response
        response = see_other("/chat#now")
        if notes:
            self.cookie(response, NOTES_COOKIE, ".".join(dict.fromkeys(notes)), max_age=NOTES_SECONDS,
                        same_site="Strict", path="/chat")
        return response

    def _apply(self, session, token: str, action: str, form, text: str | None,
               disclosed: bool) -> tuple[list[str], str, list[int]]:
        """One form's change in one transaction: (notes for the next page, their language, contact requests made)."""
        h, now = self.heard, self.heard.now()
        is_answer = action not in _CHANGES
        visitor = visitor_for_token(session, h.service_id, token, now=now,
                                    survey_id=_form_survey_id(form) if is_answer else None)
        if visitor is None:
            raise _NoSession()
        if not is_answer:
            notes, callback_ids = self._change(session, session.get(Participant, visitor.id), action, now), []
        else:
            notes, callback_ids = self._answer(session, visitor, action, form, text, disclosed, now)
        return notes, visitor.language, callback_ids

    def _change(self, session, participant: Participant, action: str, now) -> list[str]:
        """Language, consent, stopping or erasing: one of :data:`_CHANGES`."""
        actor = f"participant:{participant.id}"
        if action in ("lang:en", "lang:cy"):
            participant.language, participant.language_chosen_at = action[5:], now
            audit(session, actor, "participant.language", detail=action[5:], at=now)
            return []
        if action in ("consent:yes", "consent:no"):
            agreed = action == "consent:yes"
            if participant.opted_out_at is not None and agreed:  # "I've changed my mind" after stopping
                participant.opted_out_at = None
                resume_after_stop(session, participant.id, now=now)
                audit(session, actor, "participant.restart", at=now)
                return ["consent_given"]
            if participant.consent == Consent.given and agreed:
                return []
            record_consent(session, participant, agreed, now)  # as in Telegram: "No thanks" undone brings surveys back
            return ["consent_given"] if agreed else []
        if action == "stop":
            participant.opted_out_at = now
            cancelled = cancel_open(session, participant.id)
            audit(session, actor, "participant.stop", detail=f"cancelled={cancelled}", at=now)
            return ["stopped"]
        if action == "delete":
            erase_participant(session, participant, now=now, actor=actor)
            return ["deleted"]
        raise ValueError(action)

    def _answer(self, session, visitor: Visitor, action: str, form, text: str | None, disclosed: bool,
                now) -> tuple[list[str], list[int]]:
        h = self.heard
        found = visitor.survey if visitor.survey is not None and visitor.survey[0].status in _OPEN else None
        if found is None:
            invitation = open_survey(session, session.get(Participant, visitor.id), h.definitions, now=now)
            if invitation is None:
                return [], []
            session.flush()  # what opening it changed, before the answer path reads and writes it without the ORM
            found = load_survey(session, invitation.id)
        survey, rows = found
        definition = as_asked(h.definitions[survey.survey_id], visitor)
        step = engine.next_step(definition, as_answers(rows))
        if not isinstance(step, engine.Ask) or form.get("q") != step.question.id:
            return ["old_form"], []  # a second tap, the browser's back button, or another tab: never the wrong question
        inputs = _inputs(action, form, text, step)
        if inputs is None:
            return ["old_form"], []
        response = None
        for given in inputs:  # ``rows`` is kept current by respond, so they are read once for all inputs
            response = respond(session, survey, definition, given, now=now, analyse=h.analyse, rows=rows,
                               audience=visitor.audience, service_id=h.service_id)
            if response.problem:
                return ([] if disclosed else [f"p_{response.problem}"]), []
        notes, callback_ids = [], []
        if response is not None and response.callback_ids:
            child = definition.audience == Audience.young_person
            notes.append("contact_child" if child else "contact_adult")
            callback_ids = list(response.callback_ids)
        if response is not None and isinstance(response.step, engine.Finished):
            notes.append("finished")
        return notes, callback_ids

    async def _notify_callback(self, callback_id: int) -> None:
        from bot import callbacks

        try:
            await callbacks.notify_workers(self.bot, self.heard, callback_id)
        except Exception:  # noqa: BLE001 - the dispatcher's tick tells them if this did not
            log.exception("could not tell workers about a contact request at once; the tick will")

    def _spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # --- the screen (the web twin of bot/screening.py) -------------------------------------

    async def _screen(self, token: str, text: str, notes: list[str]) -> _Disclosure | None:
        """Screen what they typed; on a disclosure, store the alert (help is never held up long for it) and
        tell the duty worker. None when nothing was found."""
        h = self.heard
        visitor, findings = await h.run(self._read, token, text)  # one hand-off: who they are, then the analysis
        if findings is None or not findings.safeguarding_tier:
            return None  # no session, or nothing found
        flag = Flag(AlertTier(findings.safeguarding_tier), findings.safeguarding_reason or "possible disclosure")
        notes.append(f"help_{flag.tier.value}")  # help is on the very next page, whatever happens below
        storing, in_time = await alert_storing.start_storing(
            lambda: h.transaction(self._store, token, text, flag), wait=HELP_WITHIN_SECONDS)
        if in_time:
            await self._after_storing(storing, token, text, flag)
        else:  # the database is slow: the person sees help first, and storing goes on
            self._spawn(self._after_storing(storing, token, text, flag))
        return _Disclosure(flag.tier, visitor.audience if visitor else None, visitor.language if visitor else "en",
                           storing, settled=in_time)

    async def _after_storing(self, storing, token: str, text: str, flag: Flag) -> None:
        """Once storing has ended: tell the duty worker of a new urgent alert, or, if the database failed, say so."""
        ok, stored = await storing
        if not ok:
            await self._when_storing_failed(token, text, flag)
        elif stored is not None and stored.new and stored.tier == AlertTier.urgent and self.bot is not None:
            from bot.safeguarding import notify_duty

            await notify_duty(self.bot, self.heard, stored.alert_id)  # if it fails, the dispatcher's tick retries it

    async def _answer_later(self, storing, token: str, action: str, form, text: str) -> None:
        """The answer of a form whose disclosure was slow to store: after the alert, so it never queues ahead of it."""
        await storing
        try:
            await self.heard.transaction(self._apply, token, action, form, text, True)
        except (_NoSession, sa.exc.SQLAlchemyError):
            log.warning("web chat: an answer given with a disclosure could not be stored after it")

    def _read(self, token: str, text: str):
        """(who wrote, the analysis of what they wrote), in a worker thread; (None, None) without a session.

        Who wrote is read without taking the write lock, so a slow or locked database does not hold up the
        screen (on SQLite, readers never wait for a writer); if the database cannot say, it is screened anyway.
        """
        try:
            with session_scope(read_only(self.heard.engine)) as session:
                visitor = visitor_for_token(session, self.heard.service_id, token, now=self.heard.now(), touch=False)
        except sa.exc.SQLAlchemyError:
            log.exception("web chat: could not look up who wrote; screening it all the same")
            return None, self.heard.analyse(text, None, None)
        return visitor, self.heard.analyse(text, None, visitor.audience) if visitor is not None else None

    def _store(self, session, token: str, text: str, flag: Flag):
        """Store the alert and that help was shown, in one transaction (run in the worker threads)."""
        h = self.heard
        participant = participant_for_token(session, h.service_id, token, now=h.now())
        if participant is None:
            return None
        h.duty_roster = alert_storing.load_duty_roster(session, h.service_id)
        stored = record_alert(session, participant, text, flag, definitions=h.definitions, now=h.now())
        mark_help_sent(session, participant.id, now=h.now())  # shown on the page this request leads to
        return stored

    async def _when_storing_failed(self, token: str, text: str, flag: Flag) -> None:
        """The database is failing: the person still sees help; duty workers are told from memory; keep trying."""
        if self.bot is not None:
            for user_id in self.heard.duty_roster:
                try:
                    await self.bot.send_message(user_id, t("staff.alert_not_stored", tier=flag.tier.value),
                                                parse_mode=ParseMode.HTML)
                except TelegramError:
                    log.warning("could not tell a duty worker that an alert is waiting to be stored")
        self._spawn(self._keep_storing(token, text, flag))

    async def _keep_storing(self, token: str, text: str, flag: Flag) -> None:
        async def stored_late(stored) -> None:
            if stored.new and stored.tier == AlertTier.urgent and self.bot is not None:
                from bot.safeguarding import notify_duty

                await notify_duty(self.bot, self.heard, stored.alert_id)

        await alert_storing.keep_storing(lambda: self.heard.transaction(self._store, token, text, flag), stored_late,
                                         retry_seconds=self.retry_seconds)


class _NoSession(Exception):
    pass


@dataclass
class _Disclosure:
    """What the screen found and how storing its alert is going, for the page that follows."""

    tier: AlertTier
    audience: str | None
    lang: str
    storing: asyncio.Future  # (stored?, the alert), from alert_storing.store_with_retries
    settled: bool = False  # storing ended (stored, or handed to the background) within HELP_WITHIN_SECONDS


@dataclass(frozen=True)
class _Redeemed:
    """What spending a code came to: refused (the reason), or a web session (its token, and the chat it left)."""

    refused: str | None = None
    token: str = ""
    old_chat_id: int | None = None
    lang: str = "en"


def _form_survey_id(form) -> int | None:
    """The survey a form was shown for (its hidden "i"), if it is a plausible id."""
    ident = form.get("i")
    if not isinstance(ident, str) or not ident.isascii() or not ident.isdigit() or len(ident) > 9:
        return None
    return int(ident)


def _inputs(action: str, form, text: str | None, step: engine.Ask) -> list | None:
    """A form to engine inputs. A multi-select's ticks arrive all at once: toggle what changed, then Done."""
    if action == "skip":
        return [engine.Skip()]
    if action == "back":
        return [engine.Back()]
    if action == "send":
        return [engine.Reply(text or "")]
    if action.startswith("choose:"):
        return [engine.Choose(action.removeprefix("choose:"))]
    if action == "done":
        ticked = {value for value in form.getall("tick", []) if isinstance(value, str)}
        if not ticked <= set(step.question.option_values()):
            return None
        return [engine.Toggle(value) for value in sorted(ticked ^ step.selected)] + [engine.Done()]
    return None


def see_other(location: str) -> web.Response:
    return secure(web.Response(status=303, headers={"Location": location}))


def secure(response, *, cache: bool = True):
    """Headers on every answer: a strict CSP, no framing, no sniffing, and no URL (with its code) sent onwards."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    if cache:
        response.headers["Cache-Control"] = "no-store"
    return response


WEBCHAT = web.AppKey("webchat", WebChat)


@web.middleware
async def kind_errors(request: web.Request, handler):
    """Something broke: say so kindly on the web chat's pages (their answers so far are stored), log only the type."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as error:  # noqa: BLE001 - a traceback could quote what someone wrote
        if not request.path.startswith(("/s/", "/chat")):
            raise
        log.error("web chat error on %s: %s", request.path.split("/")[1], type(error).__name__)
        html = _templates.get_template("message.html.j2").render(
            lang="en", t=lambda key, **v: t(key, "en", **v), cy=None, rich=pages.rich, message=pages.rich(t("web.error")))
        return secure(web.Response(text=html, content_type="text/html", charset="utf-8", status=500))


def add_routes(app: web.Application, chat: WebChat) -> None:
    app.middlewares.append(kind_errors)
    app.router.add_routes(chat.routes())
    app[WEBCHAT] = chat
