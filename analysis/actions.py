"""'You said, we did': what the service changed in answer to a feedback theme.

Each action has a theme (given by its id or its label), a date, an owner (a team or role),
and a status, so the board can follow it from planned to done. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlmodel import Session, select

from surveys.models import BoardAction
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
