"""The report model rendered as HTML, CSV and PDF, on the hand-worked dataset and a realistic one."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from analysis.aggregate import ActionLine, compute_figures, load_rows, parse_period
from analysis.rag import Targets
from analysis.report import build_report, csv_tables, generate_report, render_html, render_pdf, write_csv
from surveys.models import AuditEvent, SafeguardingAlert, Service
from surveys.store import session_scope
from tests.report_fakes import CATALOGUE, DEFINITIONS, Builder, approve_every_quote, populate_realistic, redact
from tests.test_aggregate import figures  # noqa: F401  (the hand-worked dataset fixture)

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def report(engine):
    """The hand-worked dataset, with every quote approved by a manager."""
    from tests.test_aggregate import build_hand_worked

    build_hand_worked(engine)
    approve_every_quote(engine)
    return _q3_report(engine)


def _row(html: str, header: str) -> str:
    """The text of the first table row whose header cell starts with ``header``."""
    match = re.search(r"<tr><th scope=\"row\">" + re.escape(header) + r".*?</tr>", html, re.S)
    assert match, header
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


def test_the_summary_rates_headline_figures(report):
    lines = {(s.measure, s.audience): (s.figure.value, s.rating.colour) for s in report.summary}
    assert lines[("Response rate", "Young people")] == (0.75, "green")  # 9/12 against 60%
    assert lines[("Satisfied (average rating 4 or 5)", "Young people")] == (pytest.approx(5 / 9), "red")  # 56%
    assert lines[("Comments mostly positive", "Young people")] == (None, "grey")  # 3 of 6: cells under 5 hidden
    assert lines[("Satisfied (average rating 4 or 5)", "Victims")] == (None, "grey")
    assert lines[("Feel safer after our contact", "Victims")] == (0.5, "amber")  # 5/10 against 75%/50%
    assert lines[("Improved: Education", "Young people")] == (pytest.approx(4 / 6), "green")
    assert lines[("Improved: Wellbeing", "Young people")] == (None, "grey")
    # 4 of 6 urgent alerts in time is below the 90% amber line; there were no review alerts.
    assert lines[("Urgent safeguarding alerts taken by a duty worker within 30 minutes", "All")] == (pytest.approx(4 / 6), "red")
    assert lines[("Review alerts taken within 24 hours", "All")] == (None, "grey")
    assert str(report.key_points[0]) == "9 of the 12 young people we asked answered at least one question (75%)."


def test_the_headline_table_gives_the_change_since_last_quarter(report):
    changes = {(s.measure, s.audience): s.change for s in report.summary}
    # Young people: 6 of 6 answered in Q2, 9 of 12 in Q3: down 25 points. Q2 had no ratings to compare.
    assert changes[("Response rate", "Young people")] == "−25 points"
    assert changes[("Satisfied (average rating 4 or 5)", "Young people")] == "not comparable"
    assert changes[("Response rate", "Parents and carers")] == "not comparable"  # none invited in Q2


def test_html_shows_the_headline_figures_with_n_and_marks_what_is_hidden(report):
    html = render_html(report)
    # Result, 95% range (Wilson 0.4677 to 0.9111), n, rating in words.
    assert _row(html, "Response rate") == ("Response rate Young people 75% 47% to 91% 12 GREEN On target (60%+) "
                                           "−25 points")
    assert _row(html, "Satisfied (average rating 4 or 5)").startswith(
        "Satisfied (average rating 4 or 5) Young people 56%")
    assert _row(html, "Out-of-court disposal") == "Out-of-court disposal hidden fewer than 5"
    assert _row(html, "Community order or custody") == "Community order or custody fewer than 5 no ratings"
    assert _row(html, "Other disposals") == "Other disposals 50% 6 fewer than 5"
    assert "Groups with fewer than 5 people are shown together as “Other disposals”." in html
    assert _row(html, "Improved: Wellbeing") == ("Improved: Wellbeing Young people fewer than 5 GREY "
                                                 "Not enough answers to rate")
    # Distance travelled: 25/6, 35/6, +10/6; improved 4 of 6, Wilson 0.3000 to 0.9032.
    assert _row(html, "Education") == "Education 4.2 5.8 +1.7 67% 30% to 90% 6"
    assert '<th scope="col" class="num">n</th>' not in html  # every n says what it counts
    assert "“[name] listened to me”" in html and "“listened, call me [phone]”" in html


def test_html_carries_no_names_case_refs_or_raw_text(report):
    html = render_html(report)
    for secret in ("Sam", "01234", "YJ-0", "listened to my worries", "possible disclosure"):
        assert secret not in html


def test_html_is_accessible_and_escapes_what_staff_typed(report):
    report.figures.actions.append(ActionLine("listened_to", "Listened to", "<script>alert(1)</script> & more",
                                             date(2026, 8, 1), "Panel <b>team</b>", "in_progress"))
    html = render_html(report)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "Panel &lt;b&gt;team&lt;/b&gt;" in html and "In progress" in html
    assert '<meta name="viewport"' in html and "<main>" in html
    images = re.findall(r"<img [^>]*>", html)
    assert images and all(re.search(r'alt="[^"]{20,}"', image) for image in images)
    assert all(image.startswith('<img src="data:image/svg+xml;base64,') for image in images)
    assert '<th scope="col">' in html and 'lang="en-GB"' in html


def test_csv_tables_carry_n_and_the_suppression_flag_for_every_figure(report, tmp_path):
    paths = write_csv(report, tmp_path / "csv")
    assert sorted(p.name for p in paths) == sorted(f"{name}.csv" for name in csv_tables(report))
    with (tmp_path / "csv" / "breakdowns.csv").open() as handle:
        rows = {(r["audience"], r["dimension"], r["group"], r["measure"]): r for r in csv.DictReader(handle)}
    caution = rows[("young_person", "disposal_tier", "Out-of-court disposal", "response rate (n = people invited)")]
    assert (caution["value"], caution["count"], caution["n"], caution["suppressed"]) == (
        "", "", "", "hidden to protect a small group")
    other = rows[("young_person", "disposal", "Other disposals", "response rate (n = people invited)")]
    assert other["merged"] == "Groups with fewer than 5 people are shown together as “Other disposals”."
    female = rows[("young_person", "gender", "Female", "response rate (n = people invited)")]
    assert (female["value"], female["ci_low"], female["count"], female["n"], female["suppressed"]) == (
        "0.4", "0.1176", "2", "5", "")  # Wilson for 2/5: 0.1176 to 0.7693
    with (tmp_path / "csv" / "quotes.csv").open() as handle:
        assert [r["quote"] for r in csv.DictReader(handle)][0] == "[name] listened to me"


def test_the_pdf_is_a_real_document_of_several_pages(report):
    from weasyprint import HTML

    html = render_html(report)
    assert render_pdf(html).startswith(b"%PDF-")
    assert len(HTML(string=html).render().pages) >= 5


def test_generate_report_on_a_realistic_service_writes_every_format_and_audits(engine, tmp_path):
    populate_realistic(engine, young_people=120)
    paths = generate_report(engine, "yot", parse_period("2026-Q3"), tmp_path, ["html", "pdf", "csv"], DEFINITIONS,
                            CATALOGUE, redact, Targets(), LONDON, today=date(2026, 10, 14))
    assert [p.name for p in paths] == ["feedback-report-2026-Q3.html", "feedback-report-2026-Q3.pdf",
                                       "feedback-report-2026-Q3-csv"]
    assert paths[1].read_bytes().startswith(b"%PDF-") and (paths[2] / "summary.csv").exists()
    assert "Riverside Youth Justice Service" in paths[0].read_text()
    with session_scope(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "report.generate")).one()
    assert (event.subject, event.detail) == ("period:2026-Q3", "formats=html,pdf,csv")


def test_generate_report_refuses_an_unknown_format_or_service(engine, tmp_path):
    args = (parse_period("2026-Q3"), tmp_path / "out", DEFINITIONS, CATALOGUE, redact, Targets(), LONDON)
    with pytest.raises(ValueError, match="docx"):
        generate_report(engine, "yot", args[0], args[1], ["docx"], *args[2:])
    with pytest.raises(LookupError, match="nowhere"):
        generate_report(engine, "nowhere", args[0], args[1], ["csv"], *args[2:])
    assert not (tmp_path / "out").exists()


# --- safeguarding: what the board sees, in every format ------------------------------

def _section(html: str, heading: str) -> str:
    """The plain text of the section whose heading starts with ``heading``."""
    match = re.search(r"<h2>" + re.escape(heading) + r".*?</section>", html, re.S)
    assert match, heading
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


def _pdf_text(html: str) -> str:
    """The text WeasyPrint lays out on the PDF's pages (the PDF itself stores glyph ids, not text)."""
    from weasyprint import HTML

    document = HTML(string=html).render()
    boxes = [box.text for page in document.pages for box in page._page_box.descendants() if hasattr(box, "text")]
    return re.sub(r"\s+", " ", " ".join(boxes))


def _csv_text(report, folder) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in write_csv(report, folder))


def _q3_report(engine):
    from tests.test_aggregate import q3_figures

    approve_every_quote(engine)
    return build_report(q3_figures(engine), Targets(), "Riverside Youth Justice Service", date(2026, 10, 14))


def test_no_output_quotes_an_answer_that_raised_an_alert_or_that_the_screen_flags(engine, tmp_path):
    from tests.test_aggregate import at

    alerted_but_not_flagged_now = "listened to me every single week, best worker ever"
    disclosure = "my worker listened to me even when my dad hits me at home"  # raised an alert, and flagged
    flagged_without_alert = "i want to kill myself but my worker listened"  # e.g. from before the screen was tuned
    comments = [(disclosure, 0.95), (alerted_but_not_flagged_now, 0.9), ("they listened and explained", 0.5),
                ("listened sometimes", 0.3), ("listened a bit", 0.1), ("nobody listened at the panel", -0.4),
                (flagged_without_alert, -0.9)]
    with session_scope(engine) as session:
        build = Builder(session)
        exits = [build.invite(build.person(build.case(), "young_person"), "yp_exit", at("2026-08-03"))
                 for _ in comments]
        for inv, (text, score) in zip(exits, comments):
            build.answer(inv, "better", text=text, sentiment="positive" if score > 0 else "negative", score=score,
                         themes=("listened_to",))
        for inv, tier in ((exits[0], "urgent"), (exits[1], "review")):
            session.add(SafeguardingAlert(service_id=build.service.id, participant_id=inv.participant_id,
                                          invitation_id=inv.id, question_id="better", tier=tier, reason="test",
                                          text="kept for the duty worker only", created_at=at("2026-08-03")))
    report = _q3_report(engine)
    (listened,) = report.figures.themes
    assert (listened.mentions.count, listened.positive.count, listened.negative.count) == (7, 5, 2)  # all still count
    html = render_html(report)
    outputs = {"html": html, "pdf": _pdf_text(html), "csv": _csv_text(report, tmp_path / "csv")}
    for name, text in outputs.items():
        assert "they listened and explained" in text, name  # quotes are there: the check below can fail
        for withheld in ("dad hits me", "every single week", "kill myself", "kept for the duty worker"):
            assert withheld not in text, (name, withheld)


def _alerts_report(engine, minutes_to_take):
    from tests.test_aggregate import at

    with session_scope(engine) as session:
        build = Builder(session)
        person = build.person(build.case(), "young_person")
        build.invite(person, "yp_exit", at("2026-08-03"))
        for minutes, tier in minutes_to_take:
            session.add(SafeguardingAlert(
                service_id=build.service.id, participant_id=person.id, tier=tier, reason="test",
                created_at=at("2026-08-05"),
                acknowledged_at=None if minutes is None else at("2026-08-05") + timedelta(minutes=minutes)))
    return _q3_report(engine)


@pytest.mark.parametrize("minutes_to_take,rows", [
    ([(45, "urgent")], {
        "Alerts raised": "1 0 1", "Taken in time": "0 0 0", "Taken late": "1 0 1",
        "Never taken (still open)": "0 0 0", "Share taken in time": "0% no alerts 0%",
        "Median time to take": "45 minutes no alerts 45 minutes"}),
    ([(12, "urgent"), (None, "review")], {
        "Alerts raised": "1 1 2", "Taken in time": "1 0 1", "Taken late": "0 0 0",
        "Never taken (still open)": "0 1 1", "Share taken in time": "100% 0% 50%",
        "Median time to take": "12 minutes none taken 12 minutes"}),
    ([(3, "urgent"), (31, "urgent"), (None, "review")], {
        "Alerts raised": "2 1 3", "Taken in time": "1 0 1", "Taken late": "1 0 1",
        "Never taken (still open)": "0 1 1", "Share taken in time": "50% 0% 33%",
        "Median time to take": "17 minutes none taken 17 minutes"}),
    ([(20, "urgent"), (6 * 60, "review")], {  # a review alert read six hours later is in time: the same day
        "Target": "within 30 minutes within 24 hours each by its own tier", "Alerts raised": "1 1 2",
        "Taken in time": "1 1 2", "Taken late": "0 0 0", "Never taken (still open)": "0 0 0",
        "Share taken in time": "100% 100% 100%"}),
], ids=["one", "two", "three", "review-same-day"])
def test_every_safeguarding_figure_is_shown_with_one_two_or_three_alerts(engine, tmp_path, minutes_to_take, rows):
    report = _alerts_report(engine, minutes_to_take)
    html = render_html(report)
    section = _section(html, "9. Safeguarding alerts")
    assert "fewer than" not in section and "hidden" not in section
    for measure, cells in rows.items():
        assert f"{measure} {cells}" in section, measure
    assert " ".join(f"{measure} {cells}" for measure, cells in rows.items()) in _pdf_text(html)
    write_csv(report, tmp_path / "csv")
    with (tmp_path / "csv" / "safeguarding.csv").open() as handle:
        table = {(r["tier"], r["measure"]): r for r in csv.DictReader(handle)}
    raised = table[("all", "alerts raised")]
    assert (raised["value"], raised["count"], raised["suppressed"]) == (f"{len(minutes_to_take)}.0",
                                                                       str(len(minutes_to_take)), "")
    assert all(r["suppressed"] == "" for r in table.values())
    # The board's RAG rating rates these few alerts rather than greying them out.
    for tier, line in zip(("urgent", "review"), [s for s in report.summary if "alerts taken" in s.measure]):
        raised = sum(alert_tier == tier for _, alert_tier in minutes_to_take)
        assert line.figure.n == raised and (line.rating.colour == "grey") == (raised == 0)


def test_a_period_without_alerts_says_so(engine):
    report = _alerts_report(engine, [])
    section = _section(render_html(report), "9. Safeguarding alerts")
    assert "Alerts raised 0 0 0" in section and "Median time to take no alerts no alerts no alerts" in section
    lines = [s for s in report.summary if "alerts taken" in s.measure]
    assert [(line.rating.colour, line.rating.words) for line in lines] == [("grey", "No alerts this period")] * 2


# --- periods, trends and accessibility (issue 14) ----------------------------------------

def test_an_empty_period_gives_one_short_page_saying_so(engine):
    from weasyprint import HTML

    with session_scope(engine) as session:
        Builder(session)
    report = _q3_report(engine)
    html = render_html(report)
    assert "Nothing to report for this period" in html and "<h2>1. Summary" not in html
    assert "fewer than 5" not in html.split("</header>")[1]
    assert len(HTML(string=html).render().pages) == 1


def test_the_report_says_which_kind_of_period_it_covers(engine):
    populate_realistic(engine, young_people=40)
    with session_scope(engine) as session:
        service_id = session.exec(select(Service.id)).first()
        period = parse_period("2026-27-Q2")
        rows = load_rows(session, service_id, period, LONDON)
    report = build_report(compute_figures(rows, period, DEFINITIONS, CATALOGUE, redact, LONDON), Targets(),
                          "Riverside", date(2026, 10, 14))
    html = render_html(report)
    assert "Financial quarter 2 of 2026-27 (July to September 2026)" in html
    assert [p.period for p in report.figures.trend][-1] == "2026-27-Q2"


def test_no_trend_line_is_drawn_from_fewer_than_three_quarters(report):
    from analysis.report import trend_chart, trend_series

    # The hand-worked data have young people in two quarters only: a table, but no line.
    assert trend_series(report, lambda p: p.response_rate) == {}
    assert trend_chart(report) is None
    assert "a line between two points is not a trend" in render_html(report)


def test_a_trend_line_needs_three_shown_quarters(engine):
    from analysis.report import trend_series

    populate_realistic(engine, young_people=200)
    report = _q3_report(engine)
    series = trend_series(report, lambda p: p.response_rate)
    assert "young_person" in series and all(sum(v is not None for v in ys) >= 3 for ys in series.values())


def test_the_pdf_is_tagged_for_screen_readers(report, tmp_path):
    import os
    import shutil
    import subprocess

    if shutil.which("pdfinfo") is None and not os.environ.get("CI"):  # CI installs it (.ci/run)
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(render_html(report)))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M), info
    assert 'pdfuaid:part="1"' in subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True).stdout


def test_a_quarter_with_a_few_people_says_so_and_shows_nothing_that_describes_them(engine):
    from tests.test_aggregate import at

    with session_scope(engine) as session:
        build = Builder(session)
        for i in range(3):  # three young people, all girls on a youth caution; two wrote a comment
            person = build.person(build.case(disposal="Youth Caution", gender="Female", looked_after=True),
                                  "young_person")
            exit_survey = build.invite(person, "yp_exit", at("2026-08-03"))
            build.answer(exit_survey, "listened", "4")
            if i < 2:
                build.answer(exit_survey, "better", text="more evening times", sentiment="neutral", score=0.0)
    report = _q3_report(engine)
    html = render_html(report)
    assert [str(point) for point in report.key_points] == [
        "We asked fewer than 5 young people this period, so their figures are not shown: with so few, they could "
        "show who said what."]
    section = _section(html, "3. Differences between groups of children")
    assert "Fewer than 5 young people were invited this period, so their figures are not split into groups" in section
    assert "Female" not in html and "Youth Caution" not in html and "Looked after" not in html
    comments = _section(html, "6. What people told us in their own words")
    assert "Fewer than 5 people wrote a comment this period. Each comment is coded" in comments
    assert "2 people" not in comments
    assert "No comments were written in Welsh this period." in comments
    welsh = render_html(report, "cy")
    assert "Cafodd llai na 5 o bobl ifanc eu gwahodd y cyfnod hwn" in welsh
    assert "Gofynnon ni i lai na 5 o bobl ifanc y cyfnod hwn" in welsh
    assert "Ysgrifennodd llai na 5 o bobl sylw yn y cyfnod hwn." in welsh


def test_a_quote_is_said_to_come_from_one_person(report):
    html, welsh = render_html(report), render_html(report, "cy")
    assert "“[name] listened to me” <span class=\"muted\">– young person</span>" in html
    assert "– young people" not in html
    assert "– person ifanc</span>" in welsh and "– pobl ifanc" not in welsh


def test_a_question_two_victim_surveys_ask_says_which_survey_each_table_is(engine, tmp_path):
    from tests.report_fakes import definition, question
    from tests.test_aggregate import at, q3_figures

    checkin = definition("victim_checkin", "victim", "Checking in", [
        question("call", "yesno", "Would you like a call from us?", callback=True)])
    with session_scope(engine) as session:
        build = Builder(session)
        for i in range(12):  # six asked at two weeks (all said no), six at three months (all said yes)
            survey, occasion, value = ("victim_checkin", "checkin:1", "no") if i < 6 else \
                ("victim_followup", "followup:1", "yes")
            asked = build.invite(build.person(build.case(), "victim", "V1"), survey, at("2026-08-10"), occasion=occasion)
            build.answer(asked, "call", value)
    from unittest import mock

    with mock.patch.dict(DEFINITIONS, {"victim_checkin": checkin}):
        report = build_report(q3_figures(engine), Targets(), "Riverside Youth Justice Service", date(2026, 10, 14))
        section = _section(render_html(report), "7. Victims")
        folder = write_csv(report, tmp_path)[0].parent
    assert "The two-week check-in Would you like a call from us? (6 people)" in section
    assert "The three-month follow-up Do you feel safer now?" in section  # its first question
    assert section.count("Would you like a call from us? (6 people)") == 2
    with (folder / "victims.csv").open(encoding="utf-8") as handle:
        calls = {(r["survey"], r["answer"], r["count"]) for r in csv.DictReader(handle) if r["question"] == "call"}
    assert calls == {("victim_checkin", "Yes", "0"), ("victim_checkin", "No", "6"),
                     ("victim_followup", "Yes", "6"), ("victim_followup", "No", "0")}


def test_no_chart_is_drawn_when_every_bar_would_be_hidden(engine):
    from analysis.report import audience_chart
    from tests.test_aggregate import at

    with session_scope(engine) as session:
        build = Builder(session)
        for _ in range(3):
            build.answer(build.invite(build.person(build.case(), "young_person"), "yp_exit", at("2026-08-03")),
                         "listened", "4")
    report = _q3_report(engine)
    assert audience_chart(report) is None
    assert "Bar charts of the response rate" not in render_html(report)


def test_the_headline_note_says_grey_also_means_hidden_to_protect_a_small_group(report):
    # the rating itself: tests/test_rag.py
    assert "GREY not enough answers to rate (or hidden to protect a small group)" in render_html(report)


def test_a_report_made_before_its_period_ends_says_the_figures_will_change(engine):
    from tests.test_aggregate import build_hand_worked, q3_figures

    build_hand_worked(engine)
    figures = q3_figures(engine)
    early = render_html(build_report(figures, Targets(), "Riverside", date(2026, 9, 1)))
    assert "This period has not ended yet: these are the figures up to 1 September 2026, and they will change." in early
    welsh = render_html(build_report(figures, Targets(), "Riverside", date(2026, 9, 1)), "cy")
    assert "Nid yw'r cyfnod hwn wedi dod i ben eto: dyma'r ffigurau hyd at 1 Medi 2026" in unescape(welsh)
    after = render_html(build_report(figures, Targets(), "Riverside", date(2026, 10, 1)))
    assert "has not ended yet" not in after


def test_the_headline_safeguarding_line_counts_alerts_not_people(report):
    assert _row(render_html(report), "Urgent safeguarding alerts taken").startswith(
        "Urgent safeguarding alerts taken by a duty worker within 30 minutes All 67% 30% to 90% 6 alerts RED")
    assert "6 o rybuddion" in render_html(report, "cy")


def test_one_alert_is_one_alert(engine):
    report = _alerts_report(engine, [(10, "urgent")])
    assert " 1 alert GREEN" in _row(render_html(report), "Urgent safeguarding alerts taken")
