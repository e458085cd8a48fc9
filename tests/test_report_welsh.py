"""`heard report --lang cy`: no English sentence of the board report survives in the Welsh one.

Both languages are rendered from the same figures; every visible text node (and every alt text,
aria-label and phone-card label, and every word drawn in the charts) of the English report that
contains letters must be absent from the Welsh report, except an explicit list of names and codes
and what people and staff wrote themselves (quotes, actions, locality names).
"""

from __future__ import annotations

import base64
import re
from datetime import date
from html import unescape
from html.parser import HTMLParser
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from analysis.aggregate import parse_period
from analysis.rag import Targets
from analysis.report import generate_report, render_html
from analysis.report_cy import REPORT_CY, date_words, period_words, survey_words, translator
from tests.report_fakes import CATALOGUE, DEFINITIONS, approve_every_quote, populate_realistic, redact

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 10, 14)

# Names and codes that are the same in both languages.
SAME_IN_BOTH = {"YOT", "RAG", "Telegram", "SEND", "CAMHS", "TextBlob", "Wilson", "heard cases import", "n",
                "Riverside Youth Justice Service"}
CODES = re.compile(r"^(\d{4}(-\d{2})?(-Q\d)?|Q\d|n = \d+|\(n\))$")
# Written by people and staff, and shown as written: localities from the case system.
LOCALITIES = {"North", "South", "East", "West"}

# The fake surveys' questions, with Welsh as the real survey files give it.
WELSH_QUESTIONS = {
    "Did your worker listen to you?": "Wnaeth eich gweithiwr wrando arnoch chi?",
    "Did working with us help you?": "Wnaeth gweithio gyda ni eich helpu chi?",
    "How is school going?": "Sut mae'r ysgol yn mynd?",
    "How are you feeling in yourself?": "Sut ydych chi'n teimlo ynoch chi'ch hun?",
    "What could we do better?": "Beth allen ni ei wneud yn well?",
    "Did we keep you informed?": "Wnaethon ni roi gwybod i chi am bethau?",
    "Anything else you want to tell us?": "Oes unrhyw beth arall yr hoffech chi ei ddweud wrthym ni?",
    "Do you feel safer now?": "Ydych chi'n teimlo'n fwy diogel nawr?",
    "How well did we support you?": "Pa mor dda wnaethon ni eich cefnogi chi?",
    "Would you like a call from us?": "Hoffech chi i ni eich ffonio?",
    "Very well": "Yn dda iawn", "Okay": "Iawn", "Not well": "Ddim yn dda",
}


def _with_welsh(text_map):
    return {**text_map, "cy": WELSH_QUESTIONS[text_map["en"]]}


def welsh_definitions():
    """The report tests' fake surveys, each question and option given its Welsh."""
    return {sid: SimpleNamespace(**{**vars(d), "questions": [
        SimpleNamespace(**{**vars(q), "text": _with_welsh(q.text),
                           "options": [SimpleNamespace(value=o.value, label=_with_welsh(o.label)) for o in q.options]})
        for q in d.questions]}) for sid, d in DEFINITIONS.items()}


def real_catalogue():
    from analysis.themes import load_codebook

    codebook = load_codebook()
    themes = codebook.values() if hasattr(codebook, "values") else codebook
    return {theme.id: (theme.label, theme.description) for theme in themes}


class _Text(HTMLParser):
    """Visible text nodes, the attributes people read (alt, aria-label, data-label, title) and the
    text drawn in the embedded SVG charts."""

    SHOWN_ATTRIBUTES = ("alt", "aria-label", "data-label", "title")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        for name, value in attrs:
            if name in self.SHOWN_ATTRIBUTES and value:
                self.nodes.append(value)
            if name == "src" and value and value.startswith("data:image/svg+xml;base64,"):
                svg = base64.b64decode(value.split(",", 1)[1]).decode()
                self.nodes += re.findall(r"<text[^>]*>([^<]+)</text>", svg)

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.nodes.append(data)


def text_nodes(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    nodes = set()
    for node in parser.nodes:
        for line in node.split("\n"):  # chart labels may break over lines
            line = re.sub(r"\s+", " ", line).strip(" –-:;,.()“”")
            if re.search(r"[A-Za-z]", line):
                nodes.add(line)
    return nodes


def english_left_in_welsh(english_html: str, welsh_html: str, written: set[str]) -> list[str]:
    """Text nodes of the English report that the Welsh report still shows."""
    left = text_nodes(english_html) & text_nodes(welsh_html)
    return sorted(node for node in left if node not in SAME_IN_BOTH | LOCALITIES | written and not CODES.match(node))


def _written_by_people(engine) -> set[str]:
    """Quotes and actions: shown as people and staff wrote them (quotes keep their language)."""
    from sqlmodel import select

    from surveys.models import Answer, BoardAction
    from surveys.store import session_scope

    with session_scope(engine) as session:
        texts = {a.free_text for a in session.exec(select(Answer)).all() if a.free_text}
        texts |= {b.text for b in session.exec(select(BoardAction)).all()}
        texts |= {b.owner for b in session.exec(select(BoardAction)).all() if b.owner}
    return {re.sub(r"\s+", " ", t).strip(" –-:;,.()“”") for t in texts} | {redact(t).strip(" .") for t in texts}


@pytest.fixture
def realistic(engine):
    populate_realistic(engine, young_people=200)
    approve_every_quote(engine)
    return engine


def _render(engine, tmp_path, period: str, lang: str) -> str:
    out = tmp_path / lang / period
    [path] = generate_report(engine, "yot", parse_period(period), out, ["html"], welsh_definitions(),
                             real_catalogue(), redact, Targets(), LONDON, today=TODAY, lang=lang)
    return path.read_text(encoding="utf-8")


def test_no_english_sentence_survives_in_the_welsh_report(realistic, tmp_path):
    english, welsh = (_render(realistic, tmp_path, "2026-Q3", lang) for lang in ("en", "cy"))
    nodes = text_nodes(english)
    assert len(nodes) > 250  # the whole report, charts included, was rendered: not an empty page
    assert any("Since last quarter" in node for node in nodes) and "Referral Order" in "".join(nodes)
    assert {"At the start", "Share of people who wrote a comment"} <= nodes  # the charts are read too
    assert english_left_in_welsh(english, welsh, _written_by_people(realistic)) == []
    # and the Welsh says what it should, in Welsh form
    assert "Chwarter calendr 3 o 2026 (Gorffennaf i Fedi 2026)" in welsh
    assert "Cynhyrchwyd 14 Hydref 2026." in welsh
    assert "Gorchymyn Atgyfeirio" in welsh and "Ers y chwarter diwethaf" in welsh
    assert "Tudalen " in welsh and "Page " not in welsh.split("<body>")[0].split("</title>")[1]


def test_the_year_and_an_empty_period_are_welsh_too(realistic, tmp_path):
    for period in ("2026-27", "2024-Q1"):
        english, welsh = (_render(realistic, tmp_path, period, lang) for lang in ("en", "cy"))
        assert english_left_in_welsh(english, welsh, _written_by_people(realistic)) == [], period
    welsh = unescape(welsh)
    assert "Dim i'w adrodd ar gyfer y cyfnod hwn" in welsh and "rhwng 1 Ionawr 2024 a 31 Mawrth 2024" in welsh


def test_the_hand_worked_report_is_welsh_too(engine):
    """The hand-worked dataset: hidden cells, merged groups, call-backs and alerts of every kind."""
    from tests.test_aggregate import build_hand_worked
    from tests.test_report import _q3_report

    build_hand_worked(engine)
    report = _q3_report(engine)
    english, welsh = render_html(report), render_html(report, "cy", survey_words(welsh_definitions()))
    left = english_left_in_welsh(english, welsh, _written_by_people(engine))
    # This dataset's themes come from the tests' stand-in codebook, which has no Welsh (the real one does).
    assert [node for node in left if node not in {text.strip(".") for pair in CATALOGUE.values() for text in pair}] == []
    assert "Listened to" in left  # and so the check does see them


def test_the_extraction_would_catch_english():
    english = '<p>Response rate</p><img alt="Bar chart of things"><td data-label="Result">40%</td><p>YOT</p>'
    assert english_left_in_welsh(english, english, set()) == ["Bar chart of things", "Response rate", "Result"]


def test_welsh_months_mutate_after_i_and_dates_read_in_welsh():
    from analysis.aggregate import quarter

    assert period_words(quarter(2026, 4, 4), "cy") == "chwarter ariannol 4 o 2026-27 (Ionawr i Fawrth 2027)"
    assert period_words(quarter(2026, 3, 4), "cy") == "chwarter ariannol 3 o 2026-27 (Hydref i Ragfyr 2026)"
    assert period_words(parse_period("2026-27"), "cy") == "blwyddyn ariannol 2026-27 (Ebrill 2026 i Fawrth 2027)"
    assert date_words(date(2026, 11, 30), "cy") == "30 Tachwedd 2026"
    assert date_words(date(2026, 2, 3), "cy", short=True) == "3 Chwef 2026"
    assert period_words(quarter(2026, 4, 4)) == quarter(2026, 4, 4).description  # English unchanged


def test_wording_around_a_figure_is_translated_with_its_parts():
    say = translator("cy")
    assert say("On target (80%+)") == "Ar y targed (80%+)"
    assert say("+4 points") == "+4 pwynt" and say("−12 points") == "−12 pwynt"
    assert say("Improved: Feeling ok") == "Wedi gwella: Teimlo'n iawn"
    assert say("fewer than 5") == "llai na 5" and say("40% to 71%") == "40% i 71%"
    assert say("referral order") == "Gorchymyn Atgyfeirio"  # case systems vary in capitals
    assert say("An action a worker typed") == "An action a worker typed"  # unknown: shown as given


def test_every_welsh_entry_fills_in_the_same_slots_as_its_english():
    from string import Formatter

    def slots(text: str) -> set[str]:
        return {name for _, name, _, _ in Formatter().parse(text) if name}

    assert [english for english, welsh in REPORT_CY.items() if slots(english) != slots(welsh)] == []


def test_the_real_surveys_give_the_report_their_welsh():
    from surveys.schema import load_all

    words = survey_words(load_all())
    assert len(words) > 50 and all(welsh and welsh != english for english, welsh in words.items())


def test_every_word_the_template_or_the_code_says_has_welsh():
    """A new English string in the template, or a new label in the figures, needs its Welsh too."""
    from analysis import aggregate
    from analysis.rag import GREY, GREY_PROTECTED
    from analysis.report import AUDIENCE_LABELS, NO_ALERTS, TIER_LABELS
    from analysis.report_cy import report_strings, template_strings

    say = translator("cy")
    assert len(template_strings()) > 100 and [key for key in template_strings() if key not in REPORT_CY] == []
    words = [*AUDIENCE_LABELS.values(), *(label.lower() for label in AUDIENCE_LABELS.values()), *TIER_LABELS.values(),
             GREY.words, GREY_PROTECTED.words, NO_ALERTS.words,
             *aggregate.DIMENSIONS.values(), *aggregate.ONS_GROUPS, *aggregate.TIERS,
             aggregate.ALL_MINORITY, aggregate.OTHER_GENDER, aggregate.NOT_RECORDED, aggregate.CALLBACK_PEOPLE,
             *aggregate.CALLBACK_OUTCOMES.values(), *(f"Comments {label.lower()}" for label in aggregate.COMMENT_LABELS),
             "Response rate", "Satisfied (average rating 4 or 5)", "Feel safer after our contact", "Asked for a call back",
             "not comparable", "no change", "none", "hidden", "none taken", "Yes", "No",
             "Improved: Feeling ok", "Urgent safeguarding alerts taken by a duty worker within 30 minutes",
             "Review alerts taken within 24 hours", "within 30 minutes", "within 24 hours",
             "each by its own tier",
             *(f"{word} {code}" for word, code in (("On target", "(80%+)"), ("Near target", "(65%+)"))), "Below 65%",
             *(status.replace("_", " ") for status in ("planned", "in_progress", "done")),
             *(status.replace("_", " ").capitalize() for status in ("planned", "in_progress", "done"))]
    assert [word for word in words if say(word) == word and word != "SEND"] == []
    assert all(welsh for _, _, welsh in report_strings())  # so `heard surveys check` passes


def test_every_disposal_the_demo_and_case_systems_use_has_welsh():
    from analysis.report import QUOTE_BY, VICTIM_SURVEYS
    from bot.sandbox.demo import DISPOSALS

    say = translator("cy")
    words = [*DISPOSALS, *QUOTE_BY.values(), *VICTIM_SURVEYS.values()]
    assert "Community Resolution Plus" in words
    assert [word for word in words if say(word) == word] == []


def test_a_range_of_dates_is_named_in_welsh(realistic, tmp_path):
    welsh = unescape(_render(realistic, tmp_path, "2026-07-01..2026-09-30", "cy"))
    assert "2026-07-01 i 2026-09-30" in welsh and "2026-07-01 to 2026-09-30" not in welsh
