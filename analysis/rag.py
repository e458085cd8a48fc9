"""Red / amber / green ratings of report figures against the board's targets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from analysis.aggregate import SECONDARY, Figure

DEFAULT_TARGETS = Path(__file__).with_name("targets.yaml")


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")
    green: float = Field(ge=0, le=1)
    amber: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _amber_below_green(self) -> Target:
        if self.amber > self.green:
            raise ValueError(f"amber ({self.amber}) must not be above green ({self.green})")
        return self


class Targets(BaseModel):
    model_config = ConfigDict(extra="forbid")
    response_rate: Target = Target(green=0.60, amber=0.40)
    satisfaction: Target = Target(green=0.80, amber=0.65)
    comments_positive: Target = Target(green=0.50, amber=0.35)  # people whose comments were mostly positive
    feeling_safer: Target = Target(green=0.75, amber=0.50)
    improved: Target = Target(green=0.60, amber=0.40)
    alerts_acknowledged: Target = Target(green=1.0, amber=0.90)
    alert_ack_minutes: int = Field(default=30, gt=0)  # urgent alerts
    review_ack_hours: int = Field(default=24, gt=0)  # review alerts: read the same day, not at once
    # Day-14 check-in and day-90 follow-up; a person counts once, by their latest answer.
    victim_safer_question_ids: list[str] = ["feel_safer", "safety_since"]


def load_targets(path: Path | str | None = None) -> Targets:
    """The targets in ``path`` (default: the packaged targets.yaml); missing keys keep defaults."""
    data = yaml.safe_load(Path(path or DEFAULT_TARGETS).read_text(encoding="utf-8")) or {}
    return Targets.model_validate(data)


@dataclass(frozen=True)
class Rating:
    colour: str  # green, amber, red or grey
    words: str  # what it means, so colour is never the only signal


GREY = Rating("grey", "Not enough answers to rate")
# Enough answered, but the figure is hidden so that a small group beside it cannot be worked out.
GREY_PROTECTED = Rating("grey", "Hidden to protect a small group")


def rate(figure: Figure, target: Target) -> Rating:
    """Rate a share against a target; a hidden or empty figure is grey, never a colour."""
    if figure.suppressed == SECONDARY:
        return GREY_PROTECTED
    if figure.suppressed or figure.value is None:
        return GREY
    if figure.value >= target.green:
        return Rating("green", f"On target ({target.green:.0%}+)")
    if figure.value >= target.amber:
        return Rating("amber", f"Near target ({target.amber:.0%}+)")
    return Rating("red", f"Below {target.amber:.0%}")
