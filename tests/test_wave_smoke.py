"""The wave benchmark at a tiny size: the bot in processes of its own (``heard run`` and a second
dispatching worker), the emulator and people here. Correctness only; no timings are checked."""

from __future__ import annotations

from benchmarks import wave


def test_a_small_wave_loses_nothing_doubles_nothing_and_keeps_the_shared_budget():
    result = wave.run(24, answers_each=2, read_s=0.3, think_s=0.3, limit_s=60, quiet_rate=5, quiet_s=2,
                      people=3, ceiling_s=2)
    w = result["wave"]
    assert w["bot_processes"] == 2 and w["processes_died"] == []
    assert w["lost"] == w["duplicated"] == 0
    assert w["wave"]["first_questions_seen"] == 24 and w["wave"]["all_sent_s"] is not None
    assert w["wave"]["timeouts"] == 0 and w["wave"]["during_wave"]["answers"] + w["wave"]["after_wave"]["answers"] > 0
    assert w["max_budgeted_in_any_1s"] <= 30
    assert set(w["statuses"]) <= {"sent", "started", "completed"} and sum(w["statuses"].values()) == 24
    assert result["limiter_off"]["heard"]["answers"] > 0 and result["limiter_off"]["bare"]["answers"] > 0
    assert result["correct"]
