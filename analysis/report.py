"""The Management Board feedback report: one model, rendered as HTML, PDF and CSV.

:func:`build_report` turns :class:`~analysis.aggregate.Figures` into a :class:`Report`
(figures plus RAG ratings and wording); the renderers only format what the model holds,
and the model never holds a suppressed number. :func:`generate_report` is the I/O edge.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from analysis.aggregate import (BREAKDOWN_AUDIENCES, MIN_PEOPLE, SECONDARY, Figure, Figures, Period, Redactor,
                                compute_figures, figure_questions, load_rows)
from analysis.rag import Rating, Targets, rate
from surveys.models import Audience
from surveys.spreadsheets import csv_writer

TEMPLATES = Path(__file__).with_name("templates")
AUDIENCE_LABELS = {Audience.young_person: "Young people", Audience.parent_carer: "Parents and carers",
                   Audience.victim: "Victims", Audience.placement: "Reparation placements"}
# Who said a quote: one person, so singular ("– young person", not "– young people").
QUOTE_BY = {Audience.young_person: "young person", Audience.parent_carer: "parent or carer", Audience.victim: "victim",
            Audience.placement: "reparation placement"}
# The victim surveys, as the board knows them (a survey not listed is named by its title).
VICTIM_SURVEYS = {"victim_checkin": "The two-week check-in", "victim_followup": "The three-month follow-up"}
FORMATS = ("html", "pdf", "csv")
# Okabe-Ito colours: distinguishable with colour-blindness, and each series also has its own marker.
PALETTE = {Audience.young_person: "#0072B2", Audience.parent_carer: "#E69F00", Audience.victim: "#009E73",
           Audience.placement: "#CC79A7"}
MARKERS = {Audience.young_person: "o", Audience.parent_carer: "s", Audience.victim: "^", Audience.placement: "D"}
TIER_LABELS = {"urgent": "Urgent", "review": "Review", "all": "All alerts"}
NO_ALERTS = Rating("grey", "No alerts this period")


# --- the model -----------------------------------------------------------------------

@dataclass
class SummaryLine:
    measure: str
    audience: str
    figure: Figure
    rating: Rating
    change: str = ""  # since the previous quarter, in percentage points, or why there is none
    counts: str = "people"  # what its n counts: people, or (safeguarding) alerts


@dataclass
class Report:
    service_name: str
    period: Period
    generated_on: date
    figures: Figures
    summary: list[SummaryLine]
    targets: Targets
    key_points: list[KeyPoint] = field(default_factory=list)


def change_words(now: Figure, before: Figure | None) -> str:
    """The change from the previous quarter in percentage points, only between two shown figures."""
    if before is None or now.value is None or before.value is None:
        return "not comparable"
    points = round((now.value - before.value) * 100)
    return "no change" if points == 0 else f"{points:+d} points".replace("-", "−")


def _previous_points(figures: Figures) -> dict[str, object]:
    """The previous quarter's trend points by audience (only when the report is for one quarter)."""
    quarters = list(dict.fromkeys(p.period for p in figures.trend))
    if figures.period.kind != "quarter" or figures.period.label not in quarters:
        return {}
    index = quarters.index(figures.period.label)
    if index == 0:
        return {}
    return {p.audience: p for p in figures.trend if p.period == quarters[index - 1]}


def build_report(figures: Figures, targets: Targets, service_name: str, generated_on: date) -> Report:
    """Rate the headline figures and write the key points; no formatting happens here."""
    summary = []
    previous = _previous_points(figures)
    comparable = figures.period.kind == "quarter"
    for block in figures.audiences:
        audience = AUDIENCE_LABELS.get(block.audience, block.audience)
        before = previous.get(block.audience)
        for measure, figure, target, earlier in (
                ("Response rate", block.response_rate, targets.response_rate, before and before.response_rate),
                ("Satisfied (average rating 4 or 5)", block.satisfaction_scale, targets.satisfaction,
                 before and before.satisfaction_scale),
                ("Comments mostly positive", block.satisfaction_text, targets.comments_positive, None)):
            change = change_words(figure, earlier) if comparable and measure != "Comments mostly positive" else ""
            summary.append(SummaryLine(measure, audience, figure, rate(figure, target), change))
    summary.append(SummaryLine("Feel safer after our contact", "Victims", figures.victims.feeling_safer,
                               rate(figures.victims.feeling_safer, targets.feeling_safer)))
    for distance in figures.distance:
        summary.append(SummaryLine(f"Improved: {distance.label}", "Young people", distance.improved,
                                   rate(distance.improved, targets.improved)))
    s = figures.safeguarding
    urgent, review = s.tiers[0].in_time, s.tiers[1].in_time
    for measure, taken in ((f"Urgent safeguarding alerts taken by a duty worker within {s.target_minutes} minutes", urgent),
                           (f"Review alerts taken within {s.review_target_hours} hours", review)):
        summary.append(SummaryLine(measure, "All", taken,
                                   NO_ALERTS if taken.n == 0 else rate(taken, targets.alerts_acknowledged), counts="alerts"))
    return Report(service_name, figures.period, generated_on, figures, summary, targets,
                  key_points(figures))


def _english(wording: str, **values) -> str:
    return wording.format(**values)


@dataclass(frozen=True)
class KeyPoint:
    """One plain sentence for the top of the report, kept as wording and values so it can be said
    in Welsh too (analysis/report_cy.py holds the Welsh wording, keyed by the English)."""

    wording: str
    values: dict
    words: tuple[str, ...] = ()  # values that are themselves words to translate

    def render(self, say=_english) -> str:
        return say(self.wording, **{name: say(value) if name in self.words else value
                                    for name, value in self.values.items()})

    def __str__(self) -> str:
        return self.render()


def key_points(figures: Figures) -> list[KeyPoint]:
    """A few plain sentences for the top of the report, built only from shown figures."""
    points = []
    for block in figures.audiences:
        who = AUDIENCE_LABELS.get(block.audience, block.audience).lower()
        if block.response_rate.value is not None:
            points.append(KeyPoint("{count} of the {n} {who} we asked answered at least one question ({share}).",
                                   dict(count=block.response_rate.count, n=block.response_rate.n, who=who,
                                        share=pct(block.response_rate)), words=("who",)))
        elif block.response_rate.suppressed:  # say why a whole group's figures are missing, not just leave gaps
            points.append(KeyPoint("We asked fewer than {n} {who} this period, so their figures are not shown: with "
                                   "so few, they could show who said what.", dict(n=MIN_PEOPLE, who=who),
                                   words=("who",)))
    shown = [t for t in figures.themes if t.mentions.value is not None]
    if shown:
        top = shown[0]
        points.append(KeyPoint("The theme raised most often was “{theme}”: {count} of {n} people who wrote a comment "
                               "({share}).", dict(theme=top.label, count=top.mentions.count, n=top.mentions.n,
                                                  share=pct(top.mentions)), words=("theme",)))
    for distance in figures.distance:
        if distance.change.value is not None:
            wording = ("Young people's own rating of “{area}” rose by {points} points on average from the start of "
                       "their work with us to the end (out of 10, {n} young people)." if distance.change.value > 0 else
                       "Young people's own rating of “{area}” fell by {points} points on average from the start of "
                       "their work with us to the end (out of 10, {n} young people)." if distance.change.value < 0 else
                       "Young people's own rating of “{area}” did not change on average from the start of their "
                       "work with us to the end (out of 10, {n} young people).")
            points.append(KeyPoint(wording, dict(area=distance.label, points=f"{abs(distance.change.value):.1f}",
                                                 n=distance.change.n), words=("area",)))
    return points


# --- formatting (shared by HTML and CSV) ---------------------------------------------

def suppression_words(figure: Figure) -> str:
    if figure.suppressed == SECONDARY:
        return "hidden to protect a small group"
    return f"fewer than {MIN_PEOPLE}" if figure.suppressed else ""


def short_words(figure: Figure) -> str:
    """Suppression words short enough for a narrow table cell."""
    return "hidden" if figure.suppressed == SECONDARY else suppression_words(figure)


def pct(figure: Figure) -> str:
    if figure.value is None:
        return suppression_words(figure) or "none"  # nobody to count: "none", never "fewer than 5"
    return f"{figure.value:.0%}"


def interval(figure: Figure) -> str:
    return "" if figure.low is None else f"{figure.low:.0%} to {figure.high:.0%}"


def number(figure: Figure, digits: int = 1, signed: bool = False) -> str:
    """A count, or a mean to ``digits`` places (with its sign for a change)."""
    if figure.value is None:
        return suppression_words(figure) or "none"
    if figure.kind == "count":
        return str(figure.count)
    return f"{figure.value:+.{digits}f}" if signed else f"{figure.value:.{digits}f}"


def n_of(figure: Figure) -> str:
    return "" if figure.n is None else str(figure.n) if figure.n else "none"


def minutes(value: float | None) -> str:
    """A median time to take an alert, for the board."""
    if value is None:
        return "none taken"
    return "1 minute" if round(value) == 1 else f"{value:.0f} minutes"


# --- charts (matplotlib, drawn off-screen, embedded as SVG) ---------------------------

def _svg_data_uri(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False, "svg.fonttype": "none"})
    return plt


def _english_words(text: str) -> str:
    return text


def audience_chart(report: Report, say: Callable[[str], str] = _english_words) -> str | None:
    """Response rate and satisfaction per audience, as bars with their 95% intervals."""
    blocks = report.figures.audiences
    if not any(figure.value is not None for b in blocks for figure in (b.response_rate, b.satisfaction_scale)):
        return None  # no bar to draw: a chart of "fewer than 5" labels says nothing the table does not
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 0.5 + 0.55 * len(blocks)), sharey=True)
    names = [say(AUDIENCE_LABELS.get(b.audience, b.audience)) for b in blocks]
    for ax, title, pick in ((axes[0], say("Response rate"), lambda b: b.response_rate),
                            (axes[1], say("Satisfied (average 4 or 5)"), lambda b: b.satisfaction_scale)):
        for row, block in enumerate(blocks):
            figure = pick(block)
            if figure.value is None:
                ax.text(0.02, row, say(suppression_words(figure)), va="center", fontsize=8, color="#555555", style="italic")
                continue
            ax.barh(row, figure.value, color=PALETTE.get(block.audience, "#0072B2"), height=0.6)
            ax.errorbar(figure.value, row, xerr=[[max(0.0, figure.value - figure.low)], [max(0.0, figure.high - figure.value)]],
                        fmt="none", ecolor="#333333", capsize=3, lw=1)
            # The label sits past the end of the 95% range (or inside a long bar), never on the error bar.
            inside = figure.high > 0.86
            ax.text(0.02 if inside else figure.high + 0.03, row, f"{figure.value:.0%}", va="center", fontsize=8,
                    color="white" if inside else "#1a1a1a", fontweight="bold" if inside else "normal")
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set_title(title, fontsize=10, loc="left")
        ax.set_yticks(range(len(blocks)), names)
        ax.invert_yaxis()
    fig.tight_layout()
    return _svg_data_uri(fig)


MIN_TREND_POINTS = 3  # a line from two points is not a trend


def trend_series(report: Report, pick) -> dict[str, list[float | None]]:
    """Each audience's shown values over the quarters, kept only with at least three points."""
    points = report.figures.trend
    quarters = list(dict.fromkeys(p.period for p in points))
    series = {}
    for audience in dict.fromkeys(p.audience for p in points):
        values = {p.period: pick(p).value for p in points if p.audience == audience}
        ys = [values.get(q) for q in quarters]
        if sum(y is not None for y in ys) >= MIN_TREND_POINTS:
            series[audience] = ys
    return series


def trend_chart(report: Report, say: Callable[[str], str] = _english_words) -> str | None:
    """Lines only for series with three or more shown quarters; None when no series has them."""
    picks = ((say("Response rate"), lambda p: p.response_rate),
             (say("Satisfied (average 4 or 5)"), lambda p: p.satisfaction_scale))
    drawn = [(title, trend_series(report, pick)) for title, pick in picks]
    if not any(series for _, series in drawn):
        return None
    plt = _pyplot()
    quarters = list(dict.fromkeys(p.period for p in report.figures.trend))
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 2.6), sharey=True)
    for ax, (title, series) in zip(axes, drawn):
        for audience, ys in series.items():
            ax.plot(range(len(quarters)), [float("nan") if y is None else y for y in ys],
                    marker=MARKERS.get(audience, "o"), color=PALETTE.get(audience), label=say(AUDIENCE_LABELS.get(audience, audience)))
        if not series:
            ax.text(0.5, 0.5, say("Fewer than three quarters\nto draw a trend"), ha="center", va="center",
                    transform=ax.transAxes, fontsize=8, color="#555555")
        ax.set_xticks(range(len(quarters)), [q.replace("-Q", "\nQ") for q in quarters], fontsize=7)
        ax.set_ylim(0, 1.05)
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set_title(title, fontsize=10, loc="left")
        ax.grid(axis="y", color="#dddddd", lw=0.6)
        if series:
            ax.legend(loc="lower left", fontsize=7, frameon=False)
    fig.tight_layout()
    return _svg_data_uri(fig)


def distance_chart(report: Report, say: Callable[[str], str] = _english_words) -> str | None:
    rows = [d for d in report.figures.distance if d.before.value is not None]
    if not rows:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 0.9 + 0.5 * len(rows)))
    for row, d in enumerate(rows):
        ax.plot([d.before.value, d.after.value], [row, row], color="#999999", lw=2, zorder=1)
        ax.scatter([d.before.value], [row], marker="o", facecolor="white", edgecolor="#0072B2", s=45, zorder=2,
                   label=say("At the start") if row == 0 else None)
        ax.scatter([d.after.value], [row], marker="o", color="#0072B2", s=45, zorder=2,
                   label=say("At the end") if row == 0 else None)
    ax.set_yticks(range(len(rows)), [say(d.label) for d in rows])
    ax.set_xlim(1, 10)
    ax.set_xlabel(say("Average self-rating (1 to 10)"))
    ax.invert_yaxis()
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.legend(loc="lower right", fontsize=7, frameon=False, ncol=2, bbox_to_anchor=(1, 1.02))
    fig.tight_layout()
    return _svg_data_uri(fig)


def theme_chart(report: Report, say: Callable[[str], str] = _english_words) -> str | None:
    rows = [t for t in report.figures.themes if t.mentions.value is not None]
    if not rows:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 0.4 + 0.3 * len(rows)))
    ax.barh(range(len(rows)), [t.mentions.value for t in rows], color="#0072B2", height=0.6)
    for row, t in enumerate(rows):
        ax.text(t.mentions.value + 0.01, row, f"{t.mentions.value:.0%} ({t.mentions.count})", va="center", fontsize=7)
    ax.set_yticks(range(len(rows)), [say(t.label) for t in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, min(1, max(t.mentions.value for t in rows) + 0.15))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel(say("Share of people who wrote a comment"))
    fig.tight_layout()
    return _svg_data_uri(fig)


# --- HTML and PDF --------------------------------------------------------------------

def _environment(lang: str = "en", words: Mapping[str, str] | None = None) -> Environment:
    """The template's world. Every English word it shows goes through ``_`` (plain text, escaped) or
    ``_html`` (our own wording with a little markup; only the filled-in values are escaped), so
    `heard report --lang cy` says it in Welsh (analysis/report_cy.py)."""
    from markupsafe import Markup, escape

    from analysis.report_cy import date_words, translator

    _ = translator(lang, words)

    def _html(english: str, **values) -> Markup:
        return Markup(_(english, **{name: escape(value) for name, value in values.items()}))

    def said(function):  # a cell's words ("fewer than 5", "none", "60% to 80%") in the report's language
        return lambda *args, **kwargs: _(function(*args, **kwargs))

    def figures_together(text: str) -> Markup:  # "(60%+)" never breaks after the "%" (it did in Welsh)
        return Markup(re.sub(r"\(\d+%\+\)", lambda m: f'<span class="nowrap">{m.group(0)}</span>', str(escape(text))))

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["figures_together"] = figures_together
    env.filters.update({name: said(function) for name, function in dict(
        short=short_words, pct=pct, interval=interval, number=number, n_of=n_of, hidden=suppression_words,
        minutes=minutes).items()})
    env.globals.update(audience_label=lambda a: _(AUDIENCE_LABELS.get(a, a)), MIN_PEOPLE=MIN_PEOPLE,
                       breakdown_audiences=BREAKDOWN_AUDIENCES, quote_by=lambda a: _(QUOTE_BY.get(a, a)),
                       victim_survey=lambda q: _(VICTIM_SURVEYS.get(q.survey_id) or q.survey_title),
                       audience_after_number=lambda a: _(AUDIENCE_LABELS.get(a, a).lower()),  # "5 young people"
                       tier_label=lambda t: _(TIER_LABELS.get(t, t)),
                       target_words=lambda s, t: _(_target_words(s, t)), _=_, _html=_html, lang=lang,
                       date_words=lambda day, short=False: date_words(day, lang, short))
    return env


def render_html(report: Report, lang: str = "en", words: Mapping[str, str] | None = None) -> str:
    """The report as one HTML page; ``lang="cy"`` for Welsh, with ``words`` (the surveys' own Welsh,
    :func:`analysis.report_cy.survey_words`) naming questions and answer options."""
    from analysis.report_cy import page_css, period_words, translator

    say = translator(lang, words)
    charts = {"audiences": audience_chart(report, say), "trend": trend_chart(report, say),
              "distance": distance_chart(report, say), "themes": theme_chart(report, say)}
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8") + page_css(say)
    return _environment(lang, words).get_template("report.html.j2").render(
        report=report, f=report.figures, targets=report.targets, charts=charts, css=css,
        period_text=period_words(report.period, lang))


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    # PDF/UA: a tagged PDF (headings, tables, reading order and alt text) for screen readers.
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf(pdf_variant="pdf/ua-1")


# --- CSV -----------------------------------------------------------------------------

FIGURE_COLUMNS = ["value", "ci_low", "ci_high", "count", "n", "suppressed"]


def _cells(figure: Figure) -> list:
    def rounded(value):
        return "" if value is None else round(value, 4)

    return [rounded(figure.value), rounded(figure.low), rounded(figure.high),
            "" if figure.count is None else figure.count, "" if figure.n is None else figure.n, suppression_words(figure)]


def _minutes_cells(value: float | None) -> list:
    """A median time in the figure columns: just the value (never suppressed)."""
    return ["" if value is None else round(value, 1), "", "", "", "", ""]


def csv_tables(report: Report) -> dict[str, tuple[list[str], list[list]]]:
    """Every figure group as (header, rows); each figure row carries its n and suppression."""
    f = report.figures
    tables: dict[str, tuple[list[str], list[list]]] = {}
    tables["summary"] = (["measure", "audience", *FIGURE_COLUMNS, "rating", "rating_meaning", "change_since_last_quarter"],
                         [[s.measure, s.audience, *_cells(s.figure), s.rating.colour, s.rating.words, s.change]
                          for s in report.summary])
    rows, means, breakdowns = [], [], []
    for b in f.audiences:
        for measure, figure in (("people invited", b.sent), ("response rate (people)", b.response_rate),
                                ("completion rate (people)", b.completion_rate),
                                ("people whose average rating was 4 or 5", b.satisfaction_scale),
                                *((f"people whose comments were {c.label.lower()}", c) for c in
                                  (b.comments.all() if b.comments else [b.satisfaction_text]))):
            rows.append([b.audience, measure, *_cells(figure)])
        means += [[b.audience, m.label, *_cells(m)] for m in b.question_means]
        for bd in b.breakdowns:
            for measure, cells in (("response rate (n = people invited)", bd.response),
                                   ("average rating 4 or 5 (n = people who rated)", bd.satisfaction)):
                breakdowns += [[b.audience, bd.dimension, c.label, measure, *_cells(c), " ".join(bd.merged)]
                               for c in cells]
    tables["response_satisfaction"] = (["audience", "measure", *FIGURE_COLUMNS], rows)
    tables["channels"] = (["channel", "measure", *FIGURE_COLUMNS],  # issue 15: Telegram, web, SMS, email
                          [[c.channel, measure, *_cells(x)] for c in f.channels
                           for measure, x in (("people invited", c.invited), ("response rate (people)", c.response_rate),
                                              ("completion rate (people)", c.completion_rate))])
    tables["question_means"] = (["audience", "question", *FIGURE_COLUMNS], means)
    tables["breakdowns"] = (["audience", "dimension", "group", "measure", *FIGURE_COLUMNS, "merged"], breakdowns)
    tables["trend"] = (["quarter", "audience", "measure", *FIGURE_COLUMNS],
                       [[p.period, p.audience, m, *_cells(x)] for p in f.trend
                        for m, x in (("response rate", p.response_rate),
                                     ("average rating 4 or 5", p.satisfaction_scale))])
    tables["distance_travelled"] = (["area", "measure", *FIGURE_COLUMNS],
                                    [[d.area, x.label, *_cells(x)] for d in f.distance
                                     for x in (d.before, d.after, d.change, d.improved, d.ended, d.from_start,
                                               d.from_review)])
    tables["themes"] = (["theme", "label", "measure", *FIGURE_COLUMNS],
                        [[t.theme, t.label, m, *_cells(x)] for t in f.themes
                         for m, x in (("mentioned by", t.mentions), ("mostly positive", t.positive),
                                     ("mostly negative", t.negative))])
    tables["quotes"] = (["theme", "audience", "sentiment", "quote"],  # approved quotes only
                        [[t.theme, q.audience, q.sentiment or "", q.text] for t in f.themes for q in t.quotes])
    # "survey" last, so columns read by position keep their place; it tells apart a question two surveys ask.
    victims = [[q.question_id, o.label, *_cells(o), q.survey_id] for q in f.victims.questions for o in q.options]
    victims += [["feeling_safer", "feel safer", *_cells(f.victims.feeling_safer), ""],
                ["callbacks", "people who asked us to contact them", *_cells(f.victims.callbacks), ""]]
    victims += [["callbacks", f"requests: {o.label.lower()}", *_cells(o), ""] for o in f.victims.callback_outcomes]
    victims += [["callbacks", "median hours from asking to the call",
                 *_minutes_cells(f.victims.callback_median_hours), ""]]
    tables["victims"] = (["question", "answer", *FIGURE_COLUMNS, "survey"], victims)
    s = f.safeguarding
    safeguarding = []
    for t in s.tiers:
        within = _target_words(s, t.tier)
        safeguarding += [[t.tier, "alerts raised", *_cells(t.raised)],
                         [t.tier, f"taken in time ({within})", *_cells(t.taken_in_time)],
                         [t.tier, "taken late", *_cells(t.taken_late)],
                         [t.tier, "never taken (still open)", *_cells(t.never_taken)],
                         [t.tier, f"share taken in time ({within})", *_cells(t.in_time)],
                         [t.tier, "median minutes to take" + ("" if t.median_minutes is not None else ": none taken"),
                          *_minutes_cells(t.median_minutes)]]
    tables["safeguarding"] = (["tier", "measure", *FIGURE_COLUMNS], safeguarding)
    tables["you_said_we_did"] = (["date", "theme", "you_said", "we_did", "owner", "status"],
                                 [[a.on.isoformat() if a.on else "", a.theme, a.label, a.text, a.owner or "", a.status]
                                  for a in f.actions])
    return tables


def _target_words(s, tier: str) -> str:
    """A tier's target in words: "within 30 minutes", "within 24 hours", or each by its own for "all"."""
    target = s.target_of(tier)
    if target is None:
        return "each by its own tier"
    hours, minutes = divmod(int(target.total_seconds()) // 60, 60)
    return f"within {hours} hours" if hours and not minutes else f"within {hours * 60 + minutes} minutes"


def write_csv(report: Report, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (header, rows) in csv_tables(report).items():
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv_writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        paths.append(path)
    return paths


# --- the edge: database in, files out ------------------------------------------------

def default_dependencies() -> tuple[Mapping[str, object], Mapping[str, tuple[str, str]], Redactor]:
    """The real survey definitions, theme catalogue and redactor (wired at integration)."""
    from analysis.redact import redact
    from analysis.themes import load_codebook
    from surveys.schema import load_all

    codebook = load_codebook()
    themes = codebook.values() if isinstance(codebook, Mapping) else codebook
    catalogue = {theme.id: (theme.label, theme.description) for theme in themes}
    return load_all(), catalogue, redact


def with_names(redact: Redactor, names: Iterable[str]) -> Redactor:
    """The redactor, told the staff table's names (workers are named in comments)."""
    names = tuple(names)
    return (lambda text: redact(text, known_names=names)) if names else redact


def reanalyse(text: str, question_kind: str | None, audience: str) -> tuple[bool, str | None]:
    """The suggestion flag and best theme of an answer stored before they were kept."""
    from analysis.pipeline import analyse

    result = analyse(text, question_kind, audience)
    return result.suggestion, result.best_theme


def generate_report(engine, service_code: str, period: Period, out_dir: Path, formats: Iterable[str],
                    definitions: Mapping[str, object], catalogue: Mapping[str, tuple[str, str]], redact: Redactor,
                    targets: Targets, zone: ZoneInfo, service_name: str | None = None, actor: str = "cli",
                    step: Callable[[str], None] = lambda _: None, today: date | None = None,
                    lang: str = "en") -> list[Path]:
    """Load, compute and write the report in each of ``formats``; returns the paths written."""
    from sqlmodel import select

    from surveys.models import Service
    from surveys.store import audit, session_scope

    formats = list(formats)
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}: choose from {', '.join(FORMATS)}")
    step("Reading answers")
    with session_scope(engine) as session:
        service = session.exec(select(Service).where(Service.code == service_code)).first()
        if service is None:
            raise LookupError(f"no service with code {service_code!r} in this database")
        rows = load_rows(session, service.id, period, zone, figure_questions(definitions))
        audit(session, actor, "report.generate", subject=f"period:{period.label}",
              detail=f"formats={','.join(formats)}", service_id=service.id)
    step("Working out the figures")
    figures = compute_figures(rows, period, definitions, catalogue, with_names(redact, rows.staff_names), zone,
                              targets.victim_safer_question_ids, targets.alert_ack_minutes,
                              reanalyse=reanalyse, review_target_hours=targets.review_ack_hours)
    del rows  # a year's rows are the report's largest memory; the charts and the PDF need only the figures
    report = build_report(figures, targets, service_name or service.name, today or date.today())
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"feedback-report-{period.label.replace(' ', '_')}"
    paths = []
    html = None
    if {"html", "pdf"} & set(formats):
        step("Drawing the charts")
        from analysis.report_cy import survey_words

        html = render_html(report, lang, survey_words(definitions) if lang == "cy" else None)
    if "html" in formats:
        paths.append(out_dir / f"{stem}.html")
        paths[-1].write_text(html, encoding="utf-8")
    if "pdf" in formats:
        step("Making the PDF")
        paths.append(out_dir / f"{stem}.pdf")
        paths[-1].write_bytes(render_pdf(html))
    if "csv" in formats:
        step("Writing the CSV tables")
        paths.append(out_dir / f"{stem}-csv")
        write_csv(report, paths[-1])
    return paths
