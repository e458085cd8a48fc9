"""Board-report figures from stored answers: the figure dataclasses and :func:`compute_figures`.

Everything here is a pure function over the rows :func:`analysis.rows.load_rows` returns, so
figures can be worked out by hand in tests. The work is split by concern:

- ``analysis/rows.py``: the rows and their loading (the only database access);
- ``analysis/figures.py``: one figure, the Wilson interval, and small-number suppression;
- ``analysis/breakdowns.py``: the equality breakdowns (groups merged, then suppressed);
- ``analysis/periods.py``: quarters and years;
- this module: the report's figures (audiences, trends, distance travelled, themes and
  quotes, victims, safeguarding responses, actions, channels) and :func:`compute_figures`.

Every name other modules import from here stays importable from here, so callers need not know
where a name now lives.

Period membership: an invitation belongs to the period in which it was *sent*, and its
answers count in that period even when given a few days later. Response rates and answer
figures then share one denominator, and a quarter's figures never change because
somebody answered late into the next one.

Suppression (see ``analysis/figures.py``): a figure resting on fewer than :data:`MIN_PEOPLE`
people is never carried in the model at all. The one exception is the safeguarding response
figures, which count staff responses to alerts, not people, and are shown whatever their
size (see :func:`safeguarding_figures`).

Quotes: no quote ever comes from an answer that raised a safeguarding alert, nor from one
the screen flags today (see :func:`choose_quotes`); those answers still count as feedback.
A comment is a candidate under its best theme only, and is printed only once a manager has
approved it (``Rows.quote_reviews``, see ``heard quotes``).

Survey definitions, the theme catalogue and the quote redactor are parameters, so this
module depends on nothing but the tables.
"""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from analysis.breakdowns import (ALL_MINORITY, BREAKDOWN_AUDIENCES, DIMENSIONS, FIRST_TIER,  # noqa: F401
                                 NOT_RECORDED, ONS_GROUPS, OTHER_GENDER, OUT_OF_COURT, PROTECT_WITH, TIERS,
                                 WIDER_AGES, Breakdown, _breakdown, disposal_tier, group_value, merge_groups,
                                 ons_group)
from analysis.figures import (MIN_PEOPLE, SECONDARY, SMALL, Figure, _completed, _people,  # noqa: F401
                              _per_person, _responded, _response_figures, _scale_satisfaction, _summed_satisfaction,
                              apply_suppression,
                              counted, mean, share, suppress_cells, wilson)
from analysis.language import WELSH_UNREAD, looks_welsh
from analysis.periods import (FINANCIAL_YEAR_START, PERIOD_EXAMPLES, Period, last_full_quarter,  # noqa: F401
                              parse_period, previous_quarters, quarter, quarter_of, whole_year, year_label)
from analysis.rows import (ANSWER_BATCH, DISTANCE_LOOKBACK, ActionRow, AlertRow, AnswerRow,  # noqa: F401
                           InvitationRow, Rows, load_rows)
from surveys.casework import CallbackFigures

AUDIENCES = ("young_person", "parent_carer", "victim", "placement")
QUOTES_PER_THEME = 3
QUOTE_MAX_CHARS = 220

Redactor = Callable[[str], str]
# (text, question kind, audience) -> (suggestion, best theme): works out what older answers never stored.
Reanalyser = Callable[[str, str | None, str], tuple[bool, str | None]]
Flagger = Callable[[str, str], bool]  # (text, audience) -> does the safeguarding screen flag it?


# --- the figures ---------------------------------------------------------------------

@dataclass
class AudienceFigures:
    audience: str
    sent: Figure
    response_rate: Figure
    completion_rate: Figure
    satisfaction_text: Figure  # share of people whose comments were mostly positive (comments.positive)
    satisfaction_scale: Figure  # share of people whose average 1-5 rating was 4 or 5
    question_means: list[Figure]
    breakdowns: list[Breakdown] = field(default_factory=list)
    comments: CommentShares | None = None


@dataclass
class CommentShares:
    """People who wrote comments, by the balance of them: mostly positive, mixed or neutral, mostly negative.

    A suggestion (asked what we could do better, they asked for something) is never negative.
    """

    positive: Figure
    mixed: Figure
    negative: Figure

    def all(self) -> list[Figure]:
        return [self.positive, self.mixed, self.negative]


@dataclass
class TrendPoint:
    period: str
    audience: str
    response_rate: Figure
    satisfaction_scale: Figure


@dataclass
class DistanceFigure:
    area: str
    label: str
    before: Figure  # mean rating at the start (start survey, else first review)
    after: Figure  # mean rating at the end (exit survey in the period)
    change: Figure  # mean change
    improved: Figure  # share whose rating went up
    ended: Figure  # people who gave an end rating this period
    from_start: Figure  # of those, people paired with their start-of-intervention rating
    from_review: Figure  # people paired with their first review instead (no start rating)

    @property
    def paired(self) -> Figure:
        return self.improved  # its n is the people with both a start and an end rating


@dataclass
class Quote:
    text: str
    audience: str
    sentiment: str | None
    answer_id: int | None = None
    theme: str | None = None
    review: str | None = None  # "approved", "dropped" or None (waiting for a manager)

    @property
    def approved(self) -> bool:
        return self.review == "approved"


@dataclass
class ThemeFigure:
    theme: str
    label: str
    description: str
    mentions: Figure  # people who mentioned it, as a share of people who wrote anything
    positive: Figure
    negative: Figure
    quotes: list[Quote]  # approved by a manager: the only ones printed
    candidates: list[Quote] = field(default_factory=list)  # chosen for review, approved or not


@dataclass
class QuestionDistribution:
    question_id: str
    text: str
    options: list[Figure]
    n: int | None
    survey_id: str = ""  # two surveys may ask the same question (victims: "Would you like a call?")
    survey_title: str = ""


@dataclass
class VictimFigures:
    questions: list[QuestionDistribution]
    feeling_safer: Figure
    callbacks: Figure  # people who asked to be contacted (or said they feel less safe)
    callback_outcomes: list[Figure] = field(default_factory=list)  # requests by how they ended
    callback_median_hours: float | None = None  # request to "called": staff response, never suppressed
    calls_timed: int = 0


@dataclass
class AlertResponses:
    """How staff responded to the alerts of one tier ("urgent", "review") or of both ("all").

    Counts of staff responses, not of people: never suppressed (a missed alert is exactly
    what a board must see), and never holding a text, a category or a case reference.
    """

    tier: str
    raised: Figure
    taken_in_time: Figure
    taken_late: Figure
    never_taken: Figure  # still open when the report was made
    in_time: Figure  # share of those raised that were taken within the target
    median_minutes: float | None  # to take an alert, over those taken; None when none was


@dataclass
class SafeguardingFigures:
    tiers: list[AlertResponses]  # urgent, review, then all
    target_minutes: int  # to take an urgent alert
    review_target_hours: int = 24  # to take a review alert: it is read the same day, not at once

    def target_of(self, tier: str) -> timedelta | None:
        """A tier's target; None for "all", where each alert is held to its own tier's."""
        return {"urgent": timedelta(minutes=self.target_minutes),
                "review": timedelta(hours=self.review_target_hours)}.get(tier)

    @property
    def all(self) -> AlertResponses:
        return self.tiers[-1]

    @property
    def alerts(self) -> Figure:
        return self.all.raised


@dataclass
class ActionLine:
    theme: str
    label: str  # the theme's label: what people said
    text: str  # what was done
    on: date | None
    owner: str | None
    status: str  # planned, in_progress or done

    @property
    def open(self) -> bool:
        return self.status != "done"


@dataclass
class Figures:
    period: Period
    audiences: list[AudienceFigures]
    trend: list[TrendPoint]
    distance: list[DistanceFigure]
    themes: list[ThemeFigure]
    free_text_people: Figure  # people who wrote a comment: a head count, so 1 to 4 is hidden
    victims: VictimFigures
    safeguarding: SafeguardingFigures
    actions: list[ActionLine]  # done this period, then those still open
    welsh_answers: int = 0  # Cymraeg: written answers this period that look Welsh (analysis/language.py)
    channels: list = field(default_factory=list)  # response by channel (channel_figures)

    @property
    def empty(self) -> bool:
        """Nothing happened: no survey sent and no alert raised in the period."""
        return not self.audiences and not self.safeguarding.alerts.count


def _questions(definitions: Mapping[str, object]) -> dict[tuple[str, str], object]:
    return {(survey_id, q.id): q for survey_id, d in definitions.items() for q in d.questions}


FIGURE_TYPES = ("scale5", "journey10")  # the closed questions any audience's figures read (victims': all of them)


def figure_questions(definitions: Mapping[str, object]) -> dict[tuple[str, str], str]:
    """The (survey, question) pairs whose closed answers feed a figure, with their type, for :func:`load_rows`.

    Ratings (means, satisfaction, trends, breakdowns) and journey-of-change ratings (distance
    travelled). Victims' answers feed the victim figures whatever their type, and written
    answers feed themes, comments and quotes: :func:`load_rows` always keeps those, so an
    answer left out here changes no figure.
    """
    return {key: q.type for key, q in _questions(definitions).items() if getattr(q, "type", None) in FIGURE_TYPES}


def _en(text_map, fallback: str) -> str:
    return (text_map or {}).get("en") or fallback


def _sent_in(period: Period, zone: ZoneInfo, invs: Iterable[InvitationRow]) -> set[int]:
    """Ids of the invitations sent within ``period``."""
    start, end = period.bounds(zone)
    return {inv.id for inv in invs if start <= inv.sent_at < end}


def _tone(a: AnswerRow) -> float:
    """+1 positive, -1 negative, 0 neutral; a suggestion is never negative (it asks, it does not complain)."""
    if a.sentiment == "positive":
        return 1.0
    return -1.0 if a.sentiment == "negative" and not a.suggestion else 0.0


def _leanings(pairs: Iterable[tuple[InvitationRow, AnswerRow]]) -> list[float]:
    """Per person, the balance of their comments: above 0 mostly positive, below 0 mostly negative."""
    return _per_person(((inv, a) for inv, a in pairs if a.sentiment), _tone)


COMMENT_LABELS = ("Mostly positive", "Mixed or neutral", "Mostly negative")


def comment_shares(pairs: Iterable[tuple[InvitationRow, AnswerRow]]) -> CommentShares:
    """Shares of the people who wrote comments, by their comments' balance; cells of 1-4 people hidden."""
    leanings = _leanings(pairs)
    counts = (sum(v > 0 for v in leanings), sum(v == 0 for v in leanings), sum(v < 0 for v in leanings))
    cells = [(label, share(label, count, len(leanings)), count) for label, count in zip(COMMENT_LABELS, counts)]
    if len(leanings) < MIN_PEOPLE:  # every share rests on too few: all hidden alike, none marked apart
        return CommentShares(*(figure for _, figure, _ in cells))
    return CommentShares(*apply_suppression(cells))


def audience_figures(audience: str, invs: list[InvitationRow], answers: list[tuple[InvitationRow, AnswerRow]],
                     questions: Mapping[tuple[str, str], object]) -> AudienceFigures:
    """Response, completion, satisfaction and question means for one audience; every n is people."""
    response, completion, people = _response_figures(invs, "All")
    comments = comment_shares(answers)  # sentiment is kept when retention erases the text
    scale = [(inv, a) for inv, a in answers if _qtype(questions, inv, a) == "scale5" and a.value]
    by_question: dict[tuple[str, str], list[tuple[InvitationRow, AnswerRow]]] = defaultdict(list)
    for inv, a in scale:
        by_question[(inv.survey_id, a.question_id)].append((inv, a))
    means = [mean(_en(questions[key].text, key[1]), _per_person(pairs, lambda a: float(a.value)))
             for key, pairs in sorted(by_question.items())]
    figures = AudienceFigures(
        audience, counted("People invited", people), response, completion,
        comments.positive, _scale_satisfaction(scale, "Average rating of 4 or 5")[0], means, comments=comments)
    # With fewer than five invited, a table listing only the groups they are in would describe them.
    if audience in BREAKDOWN_AUDIENCES and people >= MIN_PEOPLE:
        figures.breakdowns = [_breakdown(dim, label, invs, scale) for dim, label in DIMENSIONS.items()]
    return figures


def _qtype(questions: Mapping[tuple[str, str], object], inv: InvitationRow, a: AnswerRow) -> str | None:
    question = questions.get((inv.survey_id, a.question_id))
    return getattr(question, "type", None)


def rating_sums(answers: Iterable[tuple[InvitationRow, AnswerRow]],
                questions: Mapping[tuple[str, str], object]) -> dict[int, tuple[int, int]]:
    """Invitation id -> (sum, count) of its 1-5 ratings: what the lean load sums in SQL, from every row."""
    sums: dict[int, tuple[int, int]] = {}
    for inv, a in answers:
        if a.value and _qtype(questions, inv, a) == "scale5":
            total, count = sums.get(inv.id, (0, 0))
            sums[inv.id] = (total + int(a.value), count + 1)
    return sums


def trend_figures(quarters: list[Period], zone: ZoneInfo, invs: list[InvitationRow],
                  sums: Mapping[int, tuple[int, int]]) -> list[TrendPoint]:
    """Response rate and 1-5 satisfaction for each audience in each quarter, per person.

    ``sums`` (:func:`rating_sums`): each invitation's 1-5 ratings summed, all a person's mean needs.
    """
    bounds = [(q.label, *q.bounds(zone)) for q in quarters]
    sent: dict[tuple[str, str], list[InvitationRow]] = defaultdict(list)
    for inv in invs:
        for label, start, end in bounds:
            if start <= inv.sent_at < end:
                sent[(label, inv.audience)].append(inv)
                break
    return [TrendPoint(q.label, audience, _response_figures(sent[(q.label, audience)], q.label)[0],
                       _summed_satisfaction(sent[(q.label, audience)], sums, q.label))
            for q in quarters for audience in AUDIENCES if (q.label, audience) in sent]


def distance_figures(period: Period, zone: ZoneInfo, answers: list[tuple[InvitationRow, AnswerRow]],
                     questions: Mapping[tuple[str, str], object],
                     sent_in_period: Collection[int] | None = None) -> list[DistanceFigure]:
    """Journey-of-change ratings: each young person's start against their end, per life area.

    The end is their rating in an exit survey sent in the period. The start is their rating in
    the start-of-intervention survey or, for those who have none, at their first review. Both
    come from different invitations; the start may be up to two years earlier (the loaded window).
    ``sent_in_period``: ids of the invitations sent in the period, when already known.
    """
    ratings: dict[tuple[str, int], list[tuple[datetime, int, str, int]]] = defaultdict(list)
    labels: dict[str, str] = {}
    for inv, a in answers:
        question = questions.get((inv.survey_id, a.question_id))
        if inv.audience != "young_person" or getattr(question, "type", None) != "journey10" or not a.value:
            continue
        area = question.area or question.id
        labels.setdefault(area, area.replace("_", " ").capitalize())
        ratings[(area, inv.participant_id)].append((a.answered_at, inv.id, inv.occasion, int(a.value)))
    ended_in_period = _sent_in(period, zone, (inv for inv, _ in answers)) if sent_in_period is None \
        else sent_in_period
    pairs: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    ended: dict[str, int] = defaultdict(int)
    for (area, _), found in sorted(ratings.items()):
        found.sort()
        ends = [r for r in found if r[2] == "exit" and r[1] in ended_in_period]
        if not ends:
            continue
        ended[area] += 1
        end = ends[-1]
        start = next((r for r in found if r[2] == "start" and r[1] != end[1]), None) \
            or next((r for r in found if r[2].startswith("review") and r[1] != end[1] and r[0] < end[0]), None)
        if start is not None:
            pairs[area].append((start[3], end[3], "start" if start[2] == "start" else "review"))
    result = []
    for area in sorted(ended):
        both = pairs[area]
        improved = share("Improved", sum(a > b for b, a, _ in both), len(both))
        # The two kinds of start add up to the people with both (shown as the improved share's n), so
        # when one is hidden the other goes too, or the first could be worked out by subtraction.
        starts = [(label, counted(label, count), count) for label, count in (
            ("From the start survey", sum(kind == "start" for _, _, kind in both)),
            ("From their first review", sum(kind == "review" for _, _, kind in both)))]
        from_start, from_review = apply_suppression(starts, total_shown=improved.n is not None)
        result.append(DistanceFigure(
            area, labels[area], mean("At the start", [b for b, _, _ in both]), mean("At the end", [a for _, a, _ in both]),
            mean("Change", [a - b for b, a, _ in both]), improved, counted("Gave an end rating", ended[area]),
            from_start, from_review))
    return result


def theme_figures(answers: list[tuple[InvitationRow, AnswerRow]], catalogue: Mapping[str, tuple[str, str]],
                  redact: Redactor, case_refs: Iterable[str], alerted: Collection[tuple[int, str]] = frozenset(),
                  flagged: Flagger | None = None,
                  reviews: Mapping[int, str] | None = None) -> tuple[list[ThemeFigure], int]:
    """How often each theme came up among people who wrote something, its sentiment, and quotes.

    Counting is per person (someone who mentions a theme twice counts once); so is the
    feeling: the share of those people whose comments on the theme were mostly positive
    (or negative). Answers that raised an alert
    count like any other; they are only kept out of the quotes.

    A comment is a quote candidate only under its best theme (the first theme it was coded
    with, for answers stored before the best one was kept), so it never appears twice.
    Candidates a manager dropped (``reviews``) are passed over; only approved ones are printed.
    """
    flagged = _memo(flagged or screen_flags)
    texts = [(inv, a) for inv, a in answers if _wrote(a)]
    writers = len({inv.participant_id for inv, _ in texts})
    by_theme: dict[str, list[tuple[InvitationRow, AnswerRow]]] = defaultdict(list)
    for inv, a in texts:
        for theme in dict.fromkeys(a.themes):
            by_theme[theme].append((inv, a))
    refs = CaseRefs.of(ref for ref in case_refs if ref)
    figures = []
    for theme, pairs in by_theme.items():
        label, description = catalogue.get(theme, (theme.replace("_", " ").capitalize(), ""))
        people = len({inv.participant_id for inv, _ in pairs})
        leanings = _leanings(pairs)
        mentions = share(label, people, writers) if people >= MIN_PEOPLE else Figure(label, "share", None, suppressed=SMALL)
        candidates = []
        if people >= MIN_PEOPLE:
            own = [(inv, a) for inv, a in pairs if quoted_under(a) == theme]
            candidates = choose_quotes(own, redact, refs, alerted=alerted, flagged=flagged, reviews=reviews,
                                       people=pairs)
            for quote in candidates:
                quote.theme = theme
        figures.append(ThemeFigure(
            theme, label, description, mentions,
            share("Mostly positive", sum(v > 0 for v in leanings), len(leanings), people),
            share("Mostly negative", sum(v < 0 for v in leanings), len(leanings), people),
            [q for q in candidates if q.approved], candidates))
    figures.sort(key=lambda f: (f.mentions.count is None, -(f.mentions.count or 0), f.label))
    return figures, writers


def quoted_under(a: AnswerRow) -> str | None:
    """The one theme an answer may be quoted under."""
    return a.best_theme or (a.themes[0] if a.themes else None)


def _wrote(a: AnswerRow) -> bool:
    """They wrote something: the text, or (once retention has erased it) what analysis found in it."""
    return bool(a.free_text) or a.sentiment is not None or bool(a.themes)


def screen_flags(text: str, audience: str) -> bool:
    """Whether the safeguarding screen flags ``text`` today (any tier)."""
    from analysis.safeguarding import screen

    result = screen(text, audience)
    return result.flagged and result.reason != WELSH_UNREAD  # "in Welsh" says nothing about what it says


def _memo(flagged: Flagger) -> Flagger:
    """Screen each text once per report, however many themes it falls in."""
    seen: dict[tuple[str, str], bool] = {}

    def cached(text: str, audience: str) -> bool:
        if (text, audience) not in seen:
            seen[(text, audience)] = flagged(text, audience)
        return seen[(text, audience)]

    return cached


@dataclass(frozen=True)
class CaseRefs:
    """Case references, to keep out of quotes: a year's are many, so each length's substrings of a
    comment are looked up in a set (a few hundred look-ups) rather than every reference searched for."""

    refs: frozenset[str]
    lengths: tuple[int, ...]

    @classmethod
    def of(cls, refs: Iterable[str]) -> CaseRefs:
        refs = frozenset(refs)
        return cls(refs, tuple(sorted({len(ref) for ref in refs})))

    def found_in(self, text: str) -> bool:
        """Whether any reference occurs anywhere in ``text``."""
        return any(text[i:i + length] in self.refs for length in self.lengths
                   for i in range(len(text) - length + 1))


def choose_quotes(pairs: list[tuple[InvitationRow, AnswerRow]], redact: Redactor, case_refs: Collection[str],
                  limit: int = QUOTES_PER_THEME, alerted: Collection[tuple[int, str]] = frozenset(),
                  flagged: Flagger | None = None, reviews: Mapping[int, str] | None = None,
                  people: list[tuple[InvitationRow, AnswerRow]] | None = None) -> list[Quote]:
    """A few redacted comments showing the range of views, chosen the same way every time.

    Only comments from an audience with at least five people mentioning the theme are
    eligible (so a quote never comes from a small group); among those, the most
    positive, the most negative and the middle one, ties broken by answer id. A comment
    holding any case reference is never quoted.

    A comment that raised a safeguarding alert (its invitation and question are in
    ``alerted``) or that the screen flags now (``flagged``, default the real screen: a
    second guard for alerts raised before a screen change) is never quoted: the next
    comment in the same direction takes its place. The screen only runs on candidates.
    So does one a manager dropped (``reviews``: answer id -> decision); each quote carries its
    review so the caller prints only approved ones. ``people`` (default ``pairs``) are the
    answers whose writers count towards an audience's five.
    """
    flagged = flagged or screen_flags
    reviews = reviews or {}
    refs = case_refs if isinstance(case_refs, CaseRefs) else CaseRefs.of(case_refs)
    writers: dict[str, set[int]] = defaultdict(set)
    for inv, _ in pairs if people is None else people:
        writers[inv.audience].add(inv.participant_id)
    eligible = sorted(((a.sentiment_score or 0.0, a.id, inv.audience, a) for inv, a in pairs
                       if a.free_text and len(writers[inv.audience]) >= MIN_PEOPLE
                       and reviews.get(a.id) != "dropped"
                       and (a.invitation_id, a.question_id) not in alerted), key=lambda item: (-item[0], item[1]))

    def quotable(index: int) -> bool:
        _, _, audience, answer = eligible[index]
        return not flagged(answer.free_text, audience)

    count = len(eligible)
    orders = (range(count), range(count - 1, -1, -1), _outward(count // 2, count))
    picks = {}
    for order in orders:
        index = next((i for i in order if i not in picks and quotable(i)), None)
        if index is not None:
            picks[index] = eligible[index]
    quotes, seen = [], set()
    for _, _, audience, answer in sorted(picks.values(), key=lambda item: item[1])[:limit]:
        text = redact(" ".join(answer.free_text.split()))
        if text in seen or refs.found_in(answer.free_text):
            continue
        seen.add(text)
        if len(text) > QUOTE_MAX_CHARS:
            text = text[:QUOTE_MAX_CHARS].rsplit(" ", 1)[0] + "…"
        quotes.append(Quote(text, audience, answer.sentiment, answer.id, review=reviews.get(answer.id)))
    return quotes


def _outward(centre: int, count: int) -> Iterable[int]:
    """Indexes 0..count-1 from ``centre`` outwards: centre, centre-1, centre+1, centre-2, ..."""
    for step in range(count):
        for index in (centre - step, centre + step) if step else (centre,):
            if 0 <= index < count:
                yield index


def victim_figures(answers: list[tuple[InvitationRow, AnswerRow]], definitions: Mapping[str, object],
                   safer_question_ids: Iterable[str], callbacks: CallbackFigures | None = None) -> VictimFigures:
    """Victims' answers: the spread for each closed question, feeling safer, call-backs asked for.

    Per person: someone asked twice (e.g. two weeks and three months on) counts once, by their
    latest answer, so every count is people. Feeling safer reads every question in
    ``safer_question_ids`` (the day-14 and day-90 ones) and keeps each person's latest answer.
    ``callbacks`` (from :func:`surveys.casework.callback_figures`) gives the call-back figures;
    without it, people who answered "yes" to a call-back question are counted.
    """
    latest: dict[tuple[str, str, int], tuple[InvitationRow, AnswerRow]] = {}
    for inv, a in sorted(((inv, a) for inv, a in answers if inv.audience == "victim"),
                         key=lambda pair: (pair[1].answered_at, pair[1].id)):
        latest[(inv.survey_id, a.question_id, inv.participant_id)] = (inv, a)  # one answer per person
    by_question: dict[tuple[str, str], list[tuple[InvitationRow, AnswerRow]]] = defaultdict(list)
    for (survey_id, question_id, _), pair in latest.items():
        by_question[(survey_id, question_id)].append(pair)
    distributions = []
    safer = set(safer_question_ids)
    safer_pairs, callbacks_asked = [], set()
    for survey_id, definition in sorted(definitions.items()):
        if getattr(definition, "audience", None) != "victim":
            continue
        for question in definition.questions:
            pairs = by_question.get((survey_id, question.id), [])
            if question.id in safer:
                safer_pairs += pairs
            if getattr(question, "callback", False):
                callbacks_asked |= {inv.participant_id for inv, a in pairs if a.value == "yes"}
            if question.type in ("scale5", "choice", "multi", "yesno"):
                distributions.append(replace(_distribution(question, pairs), survey_id=survey_id,
                                             survey_title=_en(getattr(definition, "title", None), survey_id)))
    safer_now = {inv.participant_id: a for inv, a in sorted(safer_pairs, key=lambda p: (p[1].answered_at, p[1].id))}
    feeling_safer = share("Feel safer", sum(_is_positive(a.value) for a in safer_now.values()), len(safer_now),
                          as_counts=True)
    if callbacks is None:
        return VictimFigures(distributions, feeling_safer, counted("Asked for a call back", len(callbacks_asked)))
    return VictimFigures(distributions, feeling_safer, counted(CALLBACK_PEOPLE, callbacks.people_asked),
                         callback_outcome_figures(callbacks), callbacks.median_hours_to_call, callbacks.calls_timed)


CALLBACK_PEOPLE = "People who asked us to contact them"
CALLBACK_OUTCOMES = {"called": "Called", "no_answer": "No answer, tried again", "declined": "Declined a call",
                     "open": "Still waiting"}


def callback_outcome_figures(callbacks: CallbackFigures) -> list[Figure]:
    """How the period's requests ended; 1 to 4 hidden, and one more when the rest would give it away."""
    counts = {label: callbacks.by_outcome.get(key, 0) for key, label in CALLBACK_OUTCOMES.items()}
    cells = [(label, Figure(label, "count", count, float(count), count), count) for label, count in counts.items()]
    return apply_suppression(cells)


POSITIVE_CHOICES = {"yes", "safer"}  # "safer" is the victim follow-up's own positive option


def _is_positive(value: str | None) -> bool:
    return value in POSITIVE_CHOICES or (value is not None and value.isdigit() and int(value) >= 4)


def _options(question) -> list[tuple[str, str]]:
    if getattr(question, "options", None):
        return [(o.value, _en(o.label, o.value)) for o in question.options]
    if question.type == "yesno":
        return [("yes", "Yes"), ("no", "No")]
    return [(str(v), str(v)) for v in range(1, 6)]


def _distribution(question, pairs: list[tuple[InvitationRow, AnswerRow]]) -> QuestionDistribution:
    text = _en(question.text, question.id)
    people = len({inv.participant_id for inv, _ in pairs})
    options = _options(question)
    if people < MIN_PEOPLE:
        return QuestionDistribution(question.id, text, [Figure(label, "share", None, suppressed=SMALL)
                                                        for _, label in options], None)
    counts = dict.fromkeys((value for value, _ in options), 0)
    for _, a in pairs:
        for value in (a.value or "").split(";") if question.type == "multi" else [a.value]:
            if value in counts:
                counts[value] += 1
    # A multi-select's options need not add up to the total, so nothing can be subtracted.
    reasons = suppress_cells(counts, total_shown=question.type != "multi")
    cells = []
    for value, label in options:
        figure = share(label, counts[value], len(pairs))
        cells.append(figure.hidden(reasons[value]) if reasons[value] else figure)
    return QuestionDistribution(question.id, text, cells, len(pairs))


ALERT_TIERS = ("urgent", "review")


def response_count(label: str, count: int) -> Figure:
    """A count of staff responses: shown whatever its size, as it describes no person."""
    return Figure(label, "count", count, float(count), count)


def response_share(label: str, count: int, n: int) -> Figure:
    """A share of staff responses, unsuppressed; empty (no value, n 0) when there were none."""
    if n == 0:
        return Figure(label, "share", 0)
    low, high = wilson(count, n)
    return Figure(label, "share", n, count / n, count, low, high)


def alert_responses(tier: str, alerts: list[AlertRow], targets: Mapping[str, timedelta]) -> AlertResponses:
    """Raised, taken in time (each alert by its own tier's target), taken late, never taken and the
    median minutes to take. An alert of a tier without a target is held to the urgent one."""
    taken = [alert for alert in alerts if alert.acknowledged_at is not None]
    waits = [alert.acknowledged_at - alert.created_at for alert in taken]
    in_time = sum(wait <= targets.get(alert.tier, targets["urgent"]) for alert, wait in zip(taken, waits))
    return AlertResponses(
        tier, response_count("Alerts raised", len(alerts)), response_count("Taken in time", in_time),
        response_count("Taken later", len(waits) - in_time), response_count("Never taken", len(alerts) - len(waits)),
        response_share("Taken in time", in_time, len(alerts)),
        statistics.median(wait.total_seconds() / 60 for wait in waits) if waits else None)


def safeguarding_figures(alerts: list[AlertRow], target_minutes: int, review_target_hours: int = 24) -> SafeguardingFigures:
    """Staff responses to the period's alerts, per tier and in all. Never suppressed (see AlertResponses)."""
    figures = SafeguardingFigures([], target_minutes, review_target_hours)
    targets = {tier: figures.target_of(tier) for tier in ALERT_TIERS}
    figures.tiers = [alert_responses(tier, [a for a in alerts if a.tier == tier], targets) for tier in ALERT_TIERS]
    figures.tiers.append(alert_responses("all", alerts, targets))  # an unknown tier is counted here rather than lost
    return figures


def action_lines(actions: list[ActionRow], catalogue: Mapping[str, tuple[str, str]]) -> list[ActionLine]:
    """This period's actions and the open ones, each with its theme's label; done ones first, by date."""
    lines = [ActionLine(a.theme, catalogue.get(a.theme, (a.theme.replace("_", " ").capitalize(), ""))[0], a.text,
                        a.action_on or a.created_at.date(), a.owner, a.status) for a in actions]
    return sorted(lines, key=lambda line: (line.open, line.on or date.min))


def fill_unrecorded(pairs: list[tuple[InvitationRow, AnswerRow]], questions: Mapping[tuple[str, str], object],
                    reanalyse: Reanalyser) -> list[tuple[InvitationRow, AnswerRow]]:
    """Answers stored before the suggestion flag and best theme were kept get them from their text (~1 ms each)."""
    filled = []
    for inv, a in pairs:
        if a.suggestion is None and a.free_text:
            question = questions.get((inv.survey_id, a.question_id))
            suggestion, best = reanalyse(a.free_text, getattr(question, "asks", None), inv.audience)
            a = replace(a, suggestion=suggestion, best_theme=a.best_theme or (best if best in a.themes else None))
        filled.append((inv, a))
    return filled


# --- response by channel (issue 15): an invitation counts under the channel it went out by ---------

CHANNELS = {"telegram": "Telegram", "web": "Web page", "sms": "Text message (SMS)", "email": "Email"}


@dataclass(frozen=True)
class ChannelFigure:
    channel: str
    label: str
    invited: Figure  # people sent a survey by this channel
    response_rate: Figure  # of them, the share who answered at least one question
    completion_rate: Figure  # ... and the share who answered to the end


def channel_figures(invs: list[InvitationRow]) -> list[ChannelFigure]:
    """Response by channel, per person. One line per channel used in the period, in a fixed order; a hidden group hides all three figures."""
    by_channel: dict[str, list[InvitationRow]] = defaultdict(list)
    for inv in invs:
        by_channel[inv.channel or "telegram"].append(inv)
    order = [c for c in CHANNELS if c in by_channel] + sorted(c for c in by_channel if c not in CHANNELS)
    lines = []
    for channel in order:
        label = CHANNELS.get(channel, channel)
        response, completion, people = _response_figures(by_channel[channel], label)
        lines.append((channel, label, counted(label, people), response, completion, people))
    # Every audience's total is printed, so one hidden channel could be worked out by subtraction.
    reasons = suppress_cells({channel: people for channel, *_, people in lines})
    return [ChannelFigure(channel, label, *(f.hidden(reasons[channel]) if reasons[channel] else f
                                            for f in (invited, response, completion)))
            for channel, label, invited, response, completion, _ in lines]


def compute_figures(rows: Rows, period: Period, definitions: Mapping[str, object],
                    catalogue: Mapping[str, tuple[str, str]], redact: Redactor, zone: ZoneInfo,
                    safer_question_ids: Iterable[str] = (), alert_target_minutes: int = 30,
                    flagged: Flagger | None = None, reanalyse: Reanalyser | None = None,
                    review_target_hours: int = 24) -> Figures:
    """Every figure in the report, from the loaded rows. Pure: no database, no clock.

    ``flagged(text, audience)`` is the safeguarding screen used to keep quotes safe
    (default: :func:`screen_flags`, the real one). ``reanalyse`` fills in the suggestion flag
    and best theme of answers stored before they were kept (default: left unknown).
    """
    questions = _questions(definitions)
    by_invitation = {inv.id: inv for inv in rows.invitations}
    all_answers = [(by_invitation[a.invitation_id], a) for a in rows.answers if a.invitation_id in by_invitation]
    current = _sent_in(period, zone, rows.invitations)
    invs = [inv for inv in rows.invitations if inv.id in current]
    answers = [(inv, a) for inv, a in all_answers if inv.id in current]
    sums = rows.rating_sums if rows.rating_sums is not None else rating_sums(all_answers, questions)
    if reanalyse is not None:
        # Only this period's comments: the suggestion flag and best theme feed the comment shares and
        # the quotes, never the trends or distance travelled, and reanalysis costs ~1 ms per comment.
        answers = fill_unrecorded(answers, questions, reanalyse)
    audiences = []
    for audience in AUDIENCES:
        a_invs = [inv for inv in invs if inv.audience == audience]
        if a_invs:
            audiences.append(audience_figures(audience, a_invs, [p for p in answers if p[0].audience == audience],
                                              questions))
    case_refs = itertools.chain((inv.case_ref for inv in rows.invitations), rows.more_case_refs)
    themes, writers = theme_figures(answers, catalogue, redact, case_refs,
                                    rows.alerted_answers, flagged, rows.quote_reviews)
    return Figures(
        period, audiences, trend_figures(previous_quarters(period), zone, rows.invitations, sums),
        distance_figures(period, zone, all_answers, questions, current), themes,
        counted("People who wrote a comment", writers),
        victim_figures(answers, definitions, safer_question_ids, rows.callbacks),
        safeguarding_figures(rows.alerts, alert_target_minutes, review_target_hours), action_lines(rows.actions, catalogue),
        sum(1 for _, a in answers if a.free_text and looks_welsh(a.free_text)), channel_figures(invs))
