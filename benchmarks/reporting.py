"""Reporting: the full board report (HTML, PDF and CSV) over a large, realistic database.

Rows are bulk-inserted straight into the tables: people of every audience with the case
details the breakdowns use, invitations sent across the four trend quarters, and answers
drawn per question type, free text from the labelled corpus scored by the real analysis
(sentiment and themes) as the bot would store it. Time and peak memory (max RSS) are
measured in a fresh subprocess for the report and, as the baseline, for just loading rows.
"""

from __future__ import annotations

import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from analysis.pipeline import findings_for
from bot.render import button_values
from benchmarks.fixtures import database, settings_for
from surveys.models import Answer, Case, Consent, Invitation, Participant, SafeguardingAlert
from surveys.schema import load_all
from surveys.store import ensure_service, make_engine, session_scope, upgrade

PERIOD = "2026-Q3"
WINDOW = (datetime(2025, 10, 1, tzinfo=timezone.utc), datetime(2026, 9, 30, tzinfo=timezone.utc))
AUDIENCE_SURVEYS = [("young_person", "yp_exit", 0.45), ("young_person", "yp_review", 0.15),
                    ("parent_carer", "parent_exit", 0.22), ("victim", "victim_followup", 0.12),
                    ("placement", "placement_feedback", 0.06)]
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "sentiment_labelled.csv"
LOCALITIES = ["North", "South", "East", "West", "Central"]
DISPOSALS = ["Referral Order", "Youth Rehabilitation Order", "Youth Caution", "Community Resolution"]
ETHNICITIES = ["White British", "Black British", "Asian British", "Mixed", "Other", None]


def _scored_texts() -> list[tuple[str, object]]:
    with open(CORPUS, newline="", encoding="utf-8") as handle:
        texts = sorted({row["text"] for row in csv.DictReader(handle)})
    return [(text, findings_for(text, None, "young_person")) for text in texts]


def _value(question, rng: random.Random) -> str:
    values = button_values(question)
    if question.type.value == "multi":
        return ";".join(rng.sample(values, rng.randint(1, min(3, len(values)))))
    if question.type.value in ("scale5", "journey10"):  # most people are fairly positive
        return values[min(len(values) - 1, int(rng.betavariate(4, 2) * len(values)))]
    return rng.choice(values)


def populate(url: str, people: int, answers: int, seed: int = 11) -> dict:
    """``people`` participants, one invitation each, and about ``answers`` answers in all."""
    rng = random.Random(seed)
    definitions, texts = load_all(), _scored_texts()
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        service_id = ensure_service(session, settings_for(url).service, "Benchmark YJS").id
    span = (WINDOW[1] - WINDOW[0]).total_seconds()
    plan = rng.choices(AUDIENCE_SURVEYS, weights=[w for *_, w in AUDIENCE_SURVEYS], k=people)
    mean_questions = sum(w * len(definitions[s].questions) for _, s, w in AUDIENCE_SURVEYS)
    answered_share = min(1.0, answers / (people * mean_questions))  # share of questions answered overall
    with engine.begin() as conn:
        case_ids = conn.execute(sa.insert(Case).returning(Case.id, sort_by_parameter_order=True), [
            {"service_id": service_id, "case_ref": f"RPT-{n:06d}", "disposal": rng.choice(DISPOSALS),
             "locality": rng.choice(LOCALITIES), "age_band": rng.choice(["10-14", "15-17"]),
             "gender": rng.choice(["Male", "Male", "Male", "Female", None]), "ethnicity": rng.choice(ETHNICITIES),
             "send": rng.random() < 0.3, "looked_after": rng.random() < 0.1, "review_dates": "",
             "created_at": WINDOW[0], "updated_at": WINDOW[0]} for n in range(people)]).scalars().all()
        participant_ids = conn.execute(sa.insert(Participant).returning(Participant.id, sort_by_parameter_order=True), [
            {"case_id": case_id, "audience": audience, "participant_ref": "", "language": "en",
             "consent": Consent.given.value, "created_at": WINDOW[0]}
            for case_id, (audience, _, _) in zip(case_ids, plan)]).scalars().all()
        invitations = []
        for pid, (_, survey_id, _) in zip(participant_ids, plan):
            sent = WINDOW[0] + timedelta(seconds=rng.uniform(0, span))
            responded = rng.random() < 0.75
            completed = responded and rng.random() < 0.8
            invitations.append({
                "participant_id": pid, "survey_id": survey_id, "survey_version": 1, "occasion": "exit",
                "status": "completed" if completed else "started" if responded else "sent",
                "due_at": sent, "sent_at": sent, "started_at": sent + timedelta(hours=1) if responded else None,
                "completed_at": sent + timedelta(hours=2) if completed else None,
                "reminders_sent": 0, "attempts": 0, "created_at": sent})
        invitation_ids = conn.execute(sa.insert(Invitation).returning(Invitation.id, sort_by_parameter_order=True),
                                      invitations).scalars().all()
        answer_rows = []
        responded_share = 0.75
        for inv_id, inv in zip(invitation_ids, invitations):
            if inv["started_at"] is None:
                continue
            for question in definitions[inv["survey_id"]].questions:
                if rng.random() > answered_share / responded_share:
                    continue
                row = {"invitation_id": inv_id, "question_id": question.id, "value": None, "free_text": None,
                       "skipped": False, "complete": True, "sentiment": None, "sentiment_score": None, "themes": "",
                       "suggestion": None, "best_theme": None,
                       "answered_at": inv["started_at"] + timedelta(minutes=5)}
                if question.type.value == "text":
                    text, findings = rng.choice(texts)
                    # As the bot stores it, suggestion flag and best theme included (older rows lack them
                    # and are reanalysed by the report: ~0.65 ms per comment of the period).
                    row.update(free_text=text, sentiment=findings.sentiment, sentiment_score=findings.score,
                               themes=";".join(findings.themes), suggestion=findings.suggestion,
                               best_theme=findings.best_theme)
                else:
                    row["value"] = _value(question, rng)
                answer_rows.append(row)
        for start in range(0, len(answer_rows), 20_000):
            conn.execute(sa.insert(Answer), answer_rows[start:start + 20_000])
        conn.execute(sa.insert(SafeguardingAlert), [
            {"service_id": service_id, "participant_id": rng.choice(participant_ids), "reason": "benchmark",
             "created_at": datetime(2026, 8, 1, tzinfo=timezone.utc) + timedelta(hours=n),
             "notify_attempts": 1, "acknowledged_at": datetime(2026, 8, 1, tzinfo=timezone.utc) + timedelta(
                 hours=n, minutes=rng.randint(2, 60))} for n in range(40)])
    engine.dispose()
    return {"people": people, "invitations": len(invitations), "answers": len(answer_rows)}


def _child(url: str, what: str, out_dir: str) -> None:
    """In a fresh process: time one job and report its peak resident memory."""
    from analysis.aggregate import load_rows, parse_period
    from analysis.rag import load_targets
    from analysis.report import default_dependencies, generate_report

    settings = settings_for(url)
    engine = make_engine(url)
    period = parse_period(PERIOD)
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    if what == "report":
        definitions, catalogue, redact = default_dependencies()
        paths = generate_report(engine, settings.service, period, Path(out_dir), ["html", "pdf", "csv"], definitions,
                                catalogue, redact, load_targets(), settings.zone, today=date(2026, 10, 5))
        detail = {"files": len(paths), "bytes": sum(p.stat().st_size for p in paths)}
    else:
        from sqlmodel import select

        from surveys.models import Service
        with session_scope(engine) as session:
            service = session.exec(select(Service).where(Service.code == settings.service)).one()
            rows = load_rows(session, service.id, period, settings.zone)
        detail = {"invitation_rows": len(rows.invitations), "answer_rows": len(rows.answers)}
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before  # the machine is shared: CPU time is the steadier figure
    print(json.dumps({"seconds": round(elapsed, 3), "cpu_seconds": round(cpu, 3), "peak_rss_mb": _peak_rss_mb(),
                      "ru_maxrss_mb": round(usage.ru_maxrss / 1024, 1), **detail}))  # ru_maxrss: KiB on Linux


def _peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM).

    ``ru_maxrss`` is not enough on its own: Linux carries it over from the parent through fork and
    exec, so a child of a process that has just made a million answers reports the parent's peak
    (the 891 MB recorded for both report and baseline before issue 18's GROUP BY step).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _measure(url: str, what: str, *args: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="heard-report-") as out_dir:
        done = subprocess.run([sys.executable, "-m", "benchmarks.reporting", url, what, out_dir, *args],
                              capture_output=True, text=True, timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(people: int = 20_000, answers: int = 100_000, backend: str = "sqlite", postgres_url: str | None = None,
        ) -> dict:
    with database(backend, postgres_url) as url:
        started = time.perf_counter()
        # Made in a process of its own, so that this one stays small: its children inherit its ru_maxrss.
        made = _measure(url, "populate", str(people), str(answers))
        made["populate_seconds"] = round(time.perf_counter() - started, 1)
        baseline = _measure(url, "load")
        report = _measure(url, "report")
    return {"backend": backend, "data": made, "report": report, "baseline_load_rows": baseline,
            "ratio_to_baseline": round(report["seconds"] / baseline["seconds"], 1) if baseline["seconds"] else None,
            "correct": report["files"] >= 3 and baseline["answer_rows"] > 0}


if __name__ == "__main__":
    if sys.argv[2] == "populate":
        print(json.dumps(populate(sys.argv[1], int(sys.argv[4]), int(sys.argv[5]))))
    else:
        _child(*sys.argv[1:4])
