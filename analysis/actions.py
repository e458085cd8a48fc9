"""'You said, we did': what the service changed in answer to a feedback theme."""

from __future__ import annotations

from sqlmodel import Session, select

from surveys.models import BoardAction
from surveys.store import audit

# The voice-of-the-child codebook's theme ids; an action must answer one of them.
THEME_IDS = ("listened_to", "worker_relationship", "explained_clearly", "consequences_victims", "education_school",
             "emotional_wellbeing", "family_support", "safety_exploitation", "substance_use", "fairness_speed",
             "activities_skills", "practical_access", "victim_support", "feeling_safer", "apology_remorse",
             "restorative_process")
MAX_TEXT = 1000


def add_action(session: Session, service_id: int, theme: str, text: str, actor: str = "cli",
               themes: tuple[str, ...] = THEME_IDS) -> BoardAction:
    """Record an action; an unknown theme or an empty or over-long text is refused with the reason."""
    if theme not in themes:
        raise ValueError(f"unknown theme {theme!r}; choose one of: {', '.join(themes)}")
    text = " ".join(text.split())
    if not text:
        raise ValueError("say what was done: the action text is empty")
    if len(text) > MAX_TEXT:
        raise ValueError(f"the action text is {len(text)} characters; keep it under {MAX_TEXT}")
    action = BoardAction(service_id=service_id, theme=theme, text=text, created_by=actor)
    session.add(action)
    session.flush()
    audit(session, actor, "board_action.add", subject=f"board_action:{action.id}", detail=f"theme={theme}",
          service_id=service_id)
    return action


def list_actions(session: Session, service_id: int, actor: str = "cli") -> list[BoardAction]:
    audit(session, actor, "board_action.list", service_id=service_id)
    return list(session.exec(select(BoardAction).where(BoardAction.service_id == service_id)
                             .order_by(BoardAction.created_at, BoardAction.id)))
