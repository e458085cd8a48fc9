"""Equality breakdowns: response and satisfaction by group, merged the way official statistics do, then suppressed.

A board asks how different groups of children experience the service (ethnicity, gender,
age, disposal, SEND, looked-after children, locality). Groups too small to show are first
merged (the ONS's five ethnic groups, then "All minority ethnic groups"; wider age bands;
"Other ...") and only then suppressed, so a board sees as much as it safely can. Split out
of ``analysis/aggregate.py``: the grouping rules change on their own, with the wording that
explains each merge.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from analysis.figures import MIN_PEOPLE, SMALL, Figure, _response_figures, _scale_satisfaction, apply_suppression
from analysis.rows import AnswerRow, InvitationRow

BREAKDOWN_AUDIENCES = ("young_person", "parent_carer")  # the case details describe the child
# The breakdowns boards ask for, most asked first (HMIP found ethnicity and disposal tier matter most).
DIMENSIONS = {"ethnicity": "Ethnicity", "gender": "Gender", "age_band": "Age", "disposal_tier": "Type of disposal",
              "disposal": "Disposal", "looked_after": "Looked-after children",
              "send": "Special educational needs (SEND)", "locality": "Locality"}
NOT_RECORDED = "Not recorded"


@dataclass
class Breakdown:
    dimension: str
    label: str
    response: list[Figure]  # share of the group's people who answered; n = people invited
    satisfaction: list[Figure]  # share whose average rating was 4 or 5; n = people who gave a rating
    merged: list[str] = field(default_factory=list)  # what was merged before suppression, in words


ONS_GROUPS = ("White", "Mixed or multiple ethnic groups", "Asian or Asian British",
              "Black, Black British, Caribbean or African", "Other ethnic group")
ALL_MINORITY = "All minority ethnic groups"
OTHER_GENDER = "Other or not stated"
_ONS_WORDS = (("mixed", ONS_GROUPS[1]), ("multiple", ONS_GROUPS[1]), ("white", ONS_GROUPS[0]),
              ("black", ONS_GROUPS[3]), ("african", ONS_GROUPS[3]), ("caribbean", ONS_GROUPS[3]),
              ("asian", ONS_GROUPS[2]), ("indian", ONS_GROUPS[2]), ("pakistani", ONS_GROUPS[2]),
              ("bangladeshi", ONS_GROUPS[2]), ("chinese", ONS_GROUPS[2]), ("arab", ONS_GROUPS[4]),
              ("gypsy", ONS_GROUPS[0]), ("traveller", ONS_GROUPS[0]), ("roma", ONS_GROUPS[0]),
              ("other", ONS_GROUPS[4]))
_NOT_STATED = {"", "not stated", "not known", "unknown", "prefer not to say", "refused", "not recorded"}
OUT_OF_COURT = ("community resolution", "youth caution", "youth conditional caution", "outcome 22", "triage")
FIRST_TIER = ("referral order", "reparation order", "fine", "discharge", "conditional discharge",
              "absolute discharge", "parenting order")
TIERS = ("Out-of-court disposal", "First-tier court order", "Community order or custody")
# The largest group of a breakdown, hidden first when one more cell must go to protect a small one.
PROTECT_WITH = {"ethnicity": ("White",), "gender": ("Male",), "send": ("No SEND",), "looked_after": ("Not looked after",)}
WIDER_AGES = {"10-13": "10-15", "14-15": "10-15", "16-17": "16 and over", "18+": "16 and over"}


def ons_group(ethnicity: str | None) -> str:
    """One of the ONS's five ethnic groups (or "Not recorded") for a case system's ethnicity.

    Mixed is checked first, so "Mixed White and Black Caribbean" is Mixed, not White.
    """
    text = (ethnicity or "").strip().lower()
    if text in _NOT_STATED:
        return NOT_RECORDED
    return next((group for word, group in _ONS_WORDS if word in text), ONS_GROUPS[4])


def disposal_tier(disposal: str | None) -> str:
    """Out-of-court, first-tier court orders (HMIP found these children more positive), or the rest."""
    text = (disposal or "").strip().lower()
    if not text:
        return NOT_RECORDED
    if any(text.startswith(name) for name in OUT_OF_COURT):
        return TIERS[0]
    return TIERS[1] if any(text.startswith(name) for name in FIRST_TIER) else TIERS[2]


def _gender(value: str | None) -> str:
    text = (value or "").strip().lower()
    if text in ("male", "m", "boy"):
        return "Male"
    if text in ("female", "f", "girl"):
        return "Female"
    return NOT_RECORDED if text in _NOT_STATED else (value or "").strip()


def _yes_no(value: bool | None, yes: str, no: str) -> str:
    return NOT_RECORDED if value is None else (yes if value else no)


def group_value(inv: InvitationRow, dimension: str) -> str:
    """The group a case belongs to, before any merging."""
    if dimension == "ethnicity":
        return ons_group(inv.ethnicity)
    if dimension == "gender":
        return _gender(inv.gender)
    if dimension == "disposal_tier":
        return disposal_tier(inv.disposal)
    if dimension == "send":
        return _yes_no(inv.send, "SEND", "No SEND")
    if dimension == "looked_after":
        return _yes_no(inv.looked_after, "Looked after", "Not looked after")
    return getattr(inv, dimension) or NOT_RECORDED


def _small(size: int) -> bool:
    return 0 < size < MIN_PEOPLE


def _fold(sizes: Mapping[str, int], keep: Collection[str], into: str) -> dict[str, str]:
    """Fold small groups outside ``keep`` into ``into``; while that is still small, fold the next smallest."""
    mapping = {group: group for group in sizes}
    folded = [g for g in sizes if g not in keep and g != into and _small(sizes[g])]
    if not folded:
        return mapping
    rest = sorted((g for g in sizes if g not in keep and g not in folded and g != into), key=lambda g: (sizes[g], g))
    total = sum(sizes[g] for g in folded) + sizes.get(into, 0)
    while _small(total) and rest:
        folded.append(rest.pop(0))
        total += sizes[folded[-1]]
    for group in folded:
        mapping[group] = into
    return mapping


def merge_groups(dimension: str, sizes: Mapping[str, int]) -> tuple[dict[str, str], list[str]]:
    """How to merge a breakdown's groups before suppression, and a sentence for each merge made.

    Sizes are people. The sentences never name a group that was folded away, so they say
    nothing about who is in it.
    """
    notes: list[str] = []
    mapping = {group: group for group in sizes}
    if dimension == "ethnicity":
        notes.append("Ethnicity is shown in the five groups the Office for National Statistics uses.")
        minority = [g for g in ONS_GROUPS[1:] if g in sizes]
        if any(_small(sizes[g]) for g in minority):
            mapping.update({g: ALL_MINORITY for g in minority})
            notes.append(f"Mixed, Asian, Black and other ethnic groups are shown together as “{ALL_MINORITY}”, "
                         f"because at least one of them had fewer than {MIN_PEOPLE} people.")
    elif dimension == "gender":
        mapping = _fold(sizes, ("Male", "Female"), OTHER_GENDER)
        if any(shown != group for group, shown in mapping.items()):
            notes.append(f"Other genders and gender not recorded are shown together as “{OTHER_GENDER}” where "
                         f"a group had fewer than {MIN_PEOPLE} people.")
    elif dimension == "age_band":
        if any(_small(size) for size in sizes.values()):
            mapping = {group: WIDER_AGES.get(group, group) for group in sizes}
            notes.append(f"Ages are shown in wider bands (10 to 15, 16 and over) because a narrower band had "
                         f"fewer than {MIN_PEOPLE} people.")
    elif dimension in ("disposal", "locality"):
        other = "Other disposals" if dimension == "disposal" else "Other localities"
        mapping = _fold(sizes, (), other)
        if any(shown != group for group, shown in mapping.items()):
            notes.append(f"Groups with fewer than {MIN_PEOPLE} people are shown together as “{other}”.")
    return mapping, notes


def _breakdown(dimension: str, label: str, invs: list[InvitationRow],
               scale: list[tuple[InvitationRow, AnswerRow]]) -> Breakdown:
    """Response and satisfaction by group: groups merged first, then small cells suppressed."""
    group_of: dict[int, str] = {}  # worked out once per invitation
    raw: dict[str, set[int]] = defaultdict(set)
    for inv in invs:
        group_of[inv.id] = group = group_value(inv, dimension)
        raw[group].add(inv.participant_id)
    mapping, notes = merge_groups(dimension, {group: len(people) for group, people in raw.items()})
    groups_inv: dict[str, list[InvitationRow]] = defaultdict(list)
    for inv in invs:
        groups_inv[mapping[group_of[inv.id]]].append(inv)
    groups_ans: dict[str, list[tuple[InvitationRow, AnswerRow]]] = defaultdict(list)
    for inv, a in scale:
        group = group_of[inv.id] if inv.id in group_of else group_value(inv, dimension)
        groups_ans[mapping.get(group, group)].append((inv, a))
    response = []
    for group in _ordered(groups_inv):
        rate, _, people = _response_figures(groups_inv[group], group)
        response.append((group, rate, people))
    protect = PROTECT_WITH.get(dimension, ())
    raters = {inv.participant_id for inv, _ in scale}
    if 0 < len(raters) < MIN_PEOPLE:
        # So few rated that "fewer than 5" beside some groups and "no ratings" beside the rest would say
        # which groups they are in: every group's rating is hidden alike.
        return Breakdown(dimension, label, apply_suppression(response, protect_with=protect),
                         [Figure(group, "share", None, suppressed=SMALL) for group in _ordered(groups_inv)], notes)
    satisfaction = [(group, *_scale_satisfaction(groups_ans[group], group)) for group in _ordered(groups_ans)]
    return Breakdown(dimension, label, apply_suppression(response, protect_with=protect),
                     apply_suppression(satisfaction, protect_with=protect), notes)


_ORDER = {name: i for i, name in enumerate((*ONS_GROUPS, ALL_MINORITY, "Male", "Female", OTHER_GENDER, *TIERS))}
_RESIDUAL = ("Other disposals", "Other localities")


def _ordered(groups: Iterable[str]) -> list[str]:
    """Known groups in their usual order, others alphabetically, merged and "Not recorded" groups last."""
    return sorted(groups, key=lambda g: (g == NOT_RECORDED, g in _RESIDUAL, _ORDER.get(g, len(_ORDER)), g))
