"""One board figure (:class:`Figure`), the numbers behind it, and small-number suppression.

Suppression: a figure resting on fewer than :data:`MIN_PEOPLE` people is never carried in
the model at all (value, count and n are ``None``, with a reason), so no renderer can leak it.
In breakdowns and tables, :func:`suppress_cells` adds secondary suppression, so a hidden cell
cannot be worked out by subtraction from the total.

Also here: the per-person response and satisfaction shares that the audience figures, the
equality breakdowns and the trends all build on. Split out of ``analysis/aggregate.py`` so
the privacy rule lives in one small module that every figure goes through.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from analysis.rows import AnswerRow, InvitationRow

MIN_PEOPLE = 5
SMALL = "small"  # fewer than MIN_PEOPLE people
SECONDARY = "secondary"  # hidden so that a small cell cannot be worked out by subtraction


# --- figures and suppression ---------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One number for the board, with what it rests on.

    ``kind`` is "share" (value 0..1, count of n, Wilson 95% interval), "mean" (of n
    answers) or "count" (value is the count). When ``suppressed`` is set, value, count,
    n and the interval are all ``None``: the hidden number never enters the model.
    """

    label: str
    kind: str
    n: int | None
    value: float | None = None
    count: int | None = None
    low: float | None = None
    high: float | None = None
    suppressed: str | None = None

    def hidden(self, reason: str) -> Figure:
        return Figure(self.label, self.kind, None, suppressed=reason)


def wilson(count: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a proportion: sound for small n and for 0% or 100%."""
    if n == 0:
        raise ValueError("no interval for an empty sample")
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def share(label: str, count: int, n: int, people: int | None = None, as_counts: bool = False) -> Figure:
    """``count`` of ``n``; ``people`` (default n) is how many people it rests on.

    ``as_counts`` is for a share that restates a table of answer counts (e.g. "yes" to
    feeling safer): then neither the count nor the rest may be 1 to 4, or the share would
    reveal a cell the table hides.
    """
    small_cell = as_counts and (0 < count < MIN_PEOPLE or 0 < n - count < MIN_PEOPLE)
    if n == 0:
        return Figure(label, "share", 0)  # nobody to count: shown as "none", not as a hidden number
    if (n if people is None else people) < MIN_PEOPLE or small_cell:
        return Figure(label, "share", None, suppressed=SMALL)
    low, high = wilson(count, n)
    return Figure(label, "share", n, count / n, count, low, high)


def mean(label: str, values: list[float], people: int | None = None) -> Figure:
    if not values and not people:
        return Figure(label, "mean", 0)
    if (len(values) if people is None else people) < MIN_PEOPLE:
        return Figure(label, "mean", None, suppressed=SMALL)
    return Figure(label, "mean", len(values), sum(values) / len(values))


def counted(label: str, count: int) -> Figure:
    """A head count: 1 to 4 is suppressed; zero is shown, as it identifies nobody."""
    if 0 < count < MIN_PEOPLE:
        return Figure(label, "count", None, suppressed=SMALL)
    return Figure(label, "count", count, float(count), count)


def suppress_cells(sizes: Mapping[str, int], total_shown: bool = True, threshold: int = MIN_PEOPLE,
                   protect_with: Collection[str] = ()) -> dict[str, str | None]:
    """Which cells of a breakdown to hide, and why.

    Primary: a cell of 1 to ``threshold - 1`` people. Secondary: when exactly one cell is
    hidden and the total is shown, the hidden one could be recovered by subtraction, so
    the next-smallest shown cell is hidden too (ties go to the first in ``sizes`` order).
    ``protect_with`` names cells to hide for that first (e.g. White, or Male), so the
    groups a board asks about (minority ethnic groups, girls) are not the ones lost.
    """
    reasons: dict[str, str | None] = {key: SMALL if 0 < size < threshold else None for key, size in sizes.items()}
    hidden = [key for key, reason in reasons.items() if reason]
    shown = [key for key, reason in reasons.items() if not reason]
    if total_shown and len(hidden) == 1 and shown:
        candidates = [key for key in shown if key in protect_with] or shown
        reasons[min(candidates, key=lambda key: sizes[key])] = SECONDARY
    # A small cell is at least 1, so hidden cells adding up to no more than the number of small ones among them
    # (7 people, 6 shown: the one left is in the one "fewer than 5") give each away as exactly 1: hide more.
    small = sum(reason == SMALL for reason in reasons.values())
    while total_shown and small and sum(sizes[key] for key, reason in reasons.items() if reason) <= small:
        shown = [key for key, reason in reasons.items() if not reason]
        if not shown:
            break
        candidates = [key for key in shown if key in protect_with and sizes[key]] or shown
        reasons[min(candidates, key=lambda key: (sizes[key] == 0, sizes[key]))] = SECONDARY
    return reasons


def apply_suppression(cells: list[tuple[str, Figure, int]], total_shown: bool = True,
                      protect_with: Collection[str] = ()) -> list[Figure]:
    """Hide cells (label, figure, people) per :func:`suppress_cells`, keeping their order."""
    reasons = suppress_cells({label: people for label, _, people in cells}, total_shown, protect_with=protect_with)
    return [figure.hidden(reasons[label]) if reasons[label] else figure for label, figure, _ in cells]


# --- per person: who answered, who finished, who was satisfied ----------------------

def _responded(inv: InvitationRow) -> bool:
    return inv.started_at is not None or inv.completed_at is not None or inv.status in ("started", "completed")


def _completed(inv: InvitationRow) -> bool:
    return inv.completed_at is not None or inv.status == "completed"


def _people(invs: Iterable[InvitationRow]) -> set[int]:
    return {inv.participant_id for inv in invs}


def _response_figures(invs: list[InvitationRow], label: str) -> tuple[Figure, Figure, int]:
    """Per person: of the people invited, how many answered (or finished) at least one survey."""
    people = _people(invs)
    responded = _people(inv for inv in invs if _responded(inv))
    completed = _people(inv for inv in invs if _completed(inv))
    return share(label, len(responded), len(people)), share(label, len(completed), len(people)), len(people)


def _per_person(pairs: Iterable[tuple[InvitationRow, AnswerRow]], score: Callable[[AnswerRow], float]) -> list[float]:
    """Each person's mean score, where they answered several times: one value per person."""
    scores: dict[int, list[float]] = defaultdict(list)
    for inv, a in pairs:
        scores[inv.participant_id].append(score(a))
    return [sum(values) / len(values) for values in scores.values()]


def _scale_satisfaction(answers: list[tuple[InvitationRow, AnswerRow]], label: str) -> tuple[Figure, int]:
    """The share of people whose average 1-5 rating is 4 or more (n = people who gave a rating)."""
    means = _per_person(answers, lambda a: int(a.value))
    return share(label, sum(m >= 4 for m in means), len(means)), len(means)


def _summed_satisfaction(invs: Iterable[InvitationRow], sums: Mapping[int, tuple[int, int]], label: str) -> Figure:
    """:func:`_scale_satisfaction` from each invitation's summed 1-5 ratings (invitation id -> (sum, count)).

    A person's mean is their total over their count, the very division the rows give, so the figure is the same.
    """
    totals: dict[int, tuple[int, int]] = {}
    for inv in invs:
        if inv.id in sums:
            total, count = totals.get(inv.participant_id, (0, 0))
            more, extra = sums[inv.id]
            totals[inv.participant_id] = (total + more, count + extra)
    means = [total / count for total, count in totals.values()]
    return share(label, sum(m >= 4 for m in means), len(means))
