"""'You said, we did': what the service changed in answer to a feedback theme.

Each action has a theme (given by its id or its label), a date, an owner (a team or role),
and a status, so the board can follow it from planned to done. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.hearing_back import HEAR_BACK_QUESTION, Reach, reach
from surveys.models import ActionNews, Answer, BoardAction, Case, Channel, Consent, Invitation, Participant
from surveys.store import audit

STATUSES = ("planned", "in_progress", "done")
STATUS_WORDS = {"planned": "Planned", "in_progress": "In progress", "done": "Done"}
OPEN = ("planned", "in_progress")
MAX_TEXT = 1000
MAX_OWNER = 120


def theme_labels() -> dict[str, str]:
    """The codebook's themes, id to label (the themes an action can answer)."""
    from analysis.themes import load_codebook

    return {theme.id: theme.label for theme in load_codebook()}


def resolve_theme(given: str, themes: Mapping[str, str]) -> str:
    """A theme id from its id or its label (any case); refused with the choices otherwise."""
    wanted = " ".join(given.split()).casefold()
    for theme_id, label in themes.items():
        if wanted in (theme_id.casefold(), label.casefold()):
            return theme_id
    choices = "; ".join(f"{label} ({theme_id})" for theme_id, label in themes.items())
    raise ValueError(f"unknown theme {given!r}; choose one of: {choices}")


def _clean_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise ValueError("say what was done: the action text is empty")
    if len(text) > MAX_TEXT:
        raise ValueError(f"the action text is {len(text)} characters; keep it under {MAX_TEXT}")
    return text


def _clean_owner(owner: str | None) -> str | None:
    owner = " ".join((owner or "").split()) or None
    if owner and len(owner) > MAX_OWNER:
        raise ValueError(f"the owner is {len(owner)} characters; give a team or role in under {MAX_OWNER}")
    return owner


def _clean_status(status: str) -> str:
    value = status.strip().lower().replace(" ", "_").replace("-", "_")
    if value not in STATUSES:
        raise ValueError(f"unknown status {status!r}; choose one of: {', '.join(STATUSES)}")
    return value


def add_action(session: Session, service_id: int, theme: str, text: str, actor: str = "cli",
               themes: Mapping[str, str] | None = None, *, owner: str | None = None, status: str = "done",
               on: date | None = None, now: datetime | None = None) -> BoardAction:
    """Record an action; an unknown theme or status, or an empty or over-long text, is refused with the reason."""
    theme_id = resolve_theme(theme, themes if themes is not None else theme_labels())
    action = BoardAction(service_id=service_id, theme=theme_id, text=_clean_text(text), created_by=actor,
                         owner=_clean_owner(owner), status=_clean_status(status), action_on=on or date.today())
    if now is not None:
        action.created_at = now
    session.add(action)
    session.flush()
    audit(session, actor, "board_action.add", subject=f"board_action:{action.id}", detail=f"theme={theme_id}",
          service_id=service_id)
    return action


def edit_action(session: Session, service_id: int, action_id: int, actor: str = "cli",
                themes: Mapping[str, str] | None = None, *, theme: str | None = None, text: str | None = None,
                owner: str | None = None, status: str | None = None, on: date | None = None,
                now: datetime | None = None) -> BoardAction:
    """Change what was given; the rest stays. An unknown action id is a LookupError."""
    action = _get(session, service_id, action_id)
    changed = []
    if theme is not None:
        action.theme = resolve_theme(theme, themes if themes is not None else theme_labels())
        changed.append("theme")
    if text is not None:
        action.text, _ = _clean_text(text), changed.append("text")
    if owner is not None:
        action.owner, _ = _clean_owner(owner), changed.append("owner")
    if status is not None:
        action.status, _ = _clean_status(status), changed.append("status")
    if on is not None:
        action.action_on, _ = on, changed.append("date")
    if not changed:
        raise ValueError("nothing to change: give --theme, --text, --owner, --status or --date")
    action.updated_at = now or datetime.now().astimezone()
    session.add(action)
    audit(session, actor, "board_action.edit", subject=f"board_action:{action.id}",
          detail=f"changed={','.join(changed)}", service_id=service_id)
    return action


def remove_action(session: Session, service_id: int, action_id: int, actor: str = "cli") -> None:
    action = _get(session, service_id, action_id)
    session.delete(action)
    audit(session, actor, "board_action.remove", subject=f"board_action:{action_id}", service_id=service_id)


def _get(session: Session, service_id: int, action_id: int) -> BoardAction:
    action = session.get(BoardAction, action_id)
    if action is None or action.service_id != service_id:
        raise LookupError(f"no action {action_id}; see the ids with: heard actions list")
    return action


def list_actions(session: Session, service_id: int, actor: str = "cli", open_only: bool = False) -> list[BoardAction]:
    audit(session, actor, "board_action.list", service_id=service_id)
    query = select(BoardAction).where(BoardAction.service_id == service_id)
    if open_only:
        query = query.where(BoardAction.status.in_(OPEN))
    return list(session.exec(query.order_by(BoardAction.action_on, BoardAction.id)))


# --- telling people what changed ---------------------------------------------------------

NEWS_ITEMS = 3  # a short message: the three most recent actions done last quarter


@dataclass(frozen=True)
class NewsDue:
    quarter: str
    items: list[tuple[str, str]]  # (theme label, what was done)
    people: list[tuple[int, Reach, str, str]]  # (news id, where to, language, audience), already claimed


def claim_action_news(session: Session, service_id: int, *, now: datetime, zone, year_start_month: int,
                      labels: Mapping[str, str], limit: int = 100, by_notify: bool = True) -> NewsDue | None:
    """Claim the "you said, we did" messages due: last quarter's done actions, once per person per quarter.

    Only people whose latest answer to :data:`HEAR_BACK_QUESTION` is yes, and whom we may message
    (consenting, not stopped, not erased, reachable: by Telegram, or by SMS or email when
    ``by_notify``, see :func:`surveys.hearing_back.reach`). Each claim is a row unique per person
    and quarter, so a second worker or a restart never sends the same news twice.
    """
    from analysis.aggregate import last_full_quarter

    quarter = last_full_quarter(now.astimezone(zone).date(), year_start_month)
    done = list(session.exec(select(BoardAction).where(
        BoardAction.service_id == service_id, BoardAction.status == "done",
        BoardAction.action_on >= quarter.start, BoardAction.action_on < quarter.end)
        .order_by(BoardAction.action_on.desc(), BoardAction.id.desc()).limit(NEWS_ITEMS)))
    if not done:
        return None
    latest = (select(Answer.value).join(Invitation, Invitation.id == Answer.invitation_id)
              .where(Invitation.participant_id == Participant.id, Answer.question_id == HEAR_BACK_QUESTION,
                     Answer.skipped.is_(False))
              .order_by(Answer.answered_at.desc(), Answer.id.desc()).limit(1).scalar_subquery())
    already = sa.exists().where(ActionNews.participant_id == Participant.id, ActionNews.quarter == quarter.label)
    linked = Participant.chat_hash.is_not(None)
    if by_notify:  # the address itself is encrypted: which one is used is decided below
        linked = linked | (Participant.channel != Channel.telegram.value)
    wanted = session.exec(select(Participant.id).join(Case, Case.id == Participant.case_id).where(
        Case.service_id == service_id, Case.erased_at.is_(None), linked,
        Participant.consent == Consent.given, Participant.opted_out_at.is_(None), Participant.erased_at.is_(None),
        Participant.unreachable_at.is_(None), latest == "yes", ~already).order_by(Participant.id).limit(limit)).all()
    people = []
    for participant_id in wanted:
        person = session.get(Participant, participant_id)
        to = reach(person)
        if to is None or (to.channel is not None and not by_notify):
            continue
        claimed = session.execute(_insert_ignoring_duplicates(session).values(
            participant_id=participant_id, quarter=quarter.label, claimed_at=now).returning(ActionNews.id)).first()
        if claimed is not None:  # another worker may have claimed it first
            people.append((claimed[0], to, person.language, person.audience))
    items = [(labels.get(a.theme, a.theme.replace("_", " ").capitalize()), a.text) for a in reversed(done)]
    return NewsDue(quarter.label, items, people)


def _insert_ignoring_duplicates(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(ActionNews).on_conflict_do_nothing(index_elements=["participant_id", "quarter"])


def news_sent(session: Session, news_id: int, *, now: datetime) -> None:
    session.get(ActionNews, news_id).sent_at = now


def news_not_sent(session: Session, news_id: int) -> None:
    """A passing failure (flood limit, network): let a later tick try again."""
    session.delete(session.get(ActionNews, news_id))
