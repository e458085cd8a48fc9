"""The web chat benchmark at a tiny size: it runs, and every first answer is stored once.
(Its timing target belongs to a full run: python -m benchmarks.webchat.)"""

from benchmarks import webchat


def test_the_web_chat_benchmark_runs_small_and_stores_every_first_answer():
    result = webchat.run(people=5)
    assert result["correct"] and result["answers_stored"] == 10  # a first and a second answer each
    assert result["first_answer"]["n"] == 5 and result["first_answer"]["p95_ms"] >= result["first_answer"]["p50_ms"]
    assert result["baseline_form_redirect"]["n"] == result["second_answer_over_1s"]["n"] == 5
