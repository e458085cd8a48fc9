"""The benchmarks' quick mode at tiny sizes: each runs, returns figures in the expected shape,
and its correctness checks hold (nothing lost or sent twice, every survey completed).
Timing targets are not checked here: they belong to a full run on a quiet machine."""

from __future__ import annotations

import pytest

from benchmarks import answering, dispatch, reporting, run, text_analysis


@pytest.mark.slow
def test_every_benchmark_runs_small_and_checks_its_own_correctness():
    sent = dispatch.run(8)
    assert sent["correct"]
    for mode in ("rate_limited", "baseline_unlimited"):
        assert sent[mode]["sent"] == 8 and sent[mode]["lost"] == sent[mode]["duplicated"] == 0
        assert sent[mode]["statuses"] == {"sent": 8}
    assert sent["rate_limited"]["peak_in_any_1s"] <= 30

    answered = answering.run(people=3, offered_per_s=30.0, seconds=30.0)
    assert answered["correct"]
    for key in ("sqlite_saturated", "sqlite_paced"):
        assert answered[key]["completed"] == 3 and answered[key]["timeouts"] == 0
        assert answered[key]["answers"] >= 3 * 5 and answered[key]["p99_ms"] >= answered[key]["p50_ms"]
    assert answered["echo_baseline_saturated"]["answers"] > 0

    report = reporting.run(people=150, answers=600)
    assert report["correct"] and report["report"]["files"] == 3
    assert report["data"]["people"] == 150 and report["baseline_load_rows"]["answer_rows"] > 0

    texts = text_analysis.run(texts=100)
    assert texts["texts"] == 100 and texts["analyse_texts_per_s"] > 0

    results = {"dispatch": sent, "answering": answered, "reporting": report, "analysis": texts}
    lines = run.rows(results)
    assert {line[0] for line in lines} == {"dispatch", "answering", "reporting", "analysis"}
    assert "sustained msgs/s" in run.table(lines)
