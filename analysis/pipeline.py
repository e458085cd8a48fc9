"""One answer in, everything we can say about it out: sentiment, themes and the safeguarding screen."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from analysis.safeguarding import Screen, screen
from analysis.sentiment import score
from analysis.themes import ThemeMatch, best_theme, code
from surveys.answering import TextFindings


@dataclass(frozen=True)
class TextAnalysis:
    text: str
    sentiment: str  # "positive" | "neutral" | "negative"
    score: float
    themes: list[str]
    theme_matches: list[ThemeMatch]
    safeguarding: str | None  # the tier: "urgent", "review" or None
    reason: str | None
    best_theme: str | None = None  # the one theme this answer is quoted under
    suggestion: bool = False  # an answer to "what could we do better?" asking for something, not complaining

    def to_json_dict(self) -> dict[str, object]:
        return {"text": self.text, "sentiment": self.sentiment, "score": self.score, "suggestion": self.suggestion,
                "themes": self.themes, "best_theme": self.best_theme, "safeguarding": self.safeguarding,
                "reason": self.reason}


def analyse(text: str, question_kind: str | None = None, audience: str | None = None) -> TextAnalysis:
    sentiment = score(text, question_kind, audience)
    safeguarding, matches = _screen_and_themes(text, audience)
    theme_matches = list(matches)
    return TextAnalysis(text, sentiment.label, sentiment.score, [match.theme_id for match in theme_matches],
                        theme_matches, safeguarding.tier, safeguarding.reason, best_theme(theme_matches),
                        sentiment.suggestion)


@lru_cache(maxsize=64)
def _screen_and_themes(text: str, audience: str | None) -> tuple[Screen, tuple[ThemeMatch, ...]]:
    """A typed answer is read twice: by the safeguarding screen before anything else, then as the
    answer. The screen and the themes depend on the words and the audience alone (only sentiment
    depends on the question), so the second reading reuses them. Small: only the last few texts."""
    return screen(text, audience), tuple(code(text, audience))


def warm_up() -> None:
    """Load and train every model now (TextBlob, the embedder, the screen's classifier), not during
    someone's first answer: the screen's model alone takes about two seconds of CPU to train."""
    findings_for("this warms every model up before anyone writes", None, "young_person")
    _screen_and_themes.cache_clear()


def findings_for(text: str, question, audience: str | None) -> TextFindings:
    """The bot's view of one free-text answer (``question`` may be None outside a survey)."""
    result = analyse(text, getattr(question, "asks", None), audience)
    return TextFindings(sentiment=result.sentiment, score=result.score, themes=tuple(result.themes),
                        safeguarding_tier=result.safeguarding, safeguarding_reason=result.reason,
                        suggestion=result.suggestion, best_theme=result.best_theme)
