"""Run every benchmark, print one table and write it to benchmarks/results/latest.json.

    python -m benchmarks            # full sizes (about 5 minutes)
    python -m benchmarks --quick    # small sizes, a smoke test
    python -m benchmarks --only reporting --report-size 200000,1000000   # the report at a million answers
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import answering, dispatch, reporting, text_analysis, wave

RESULTS = Path(__file__).resolve().parent / "results"
FULL = {"dispatch": 3000, "people": 200, "offered": 300.0, "answer_seconds": 15.0, "report": (20_000, 100_000),
        "texts": 20_000, "wave": {}}
QUICK = {"dispatch": 60, "people": 20, "offered": 60.0, "answer_seconds": 5.0, "report": (500, 2_500), "texts": 1_000,
         "wave": {"count": 60, "answers_each": 2, "read_s": 1.0, "think_s": 1.0, "limit_s": 60.0, "quiet_s": 5.0,
                  "people": 10, "ceiling_s": 5.0}}


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                     cwd=Path(__file__).parent).stdout.strip()}


def rows(results: dict) -> list[tuple]:
    """(benchmark, figure, value, baseline, ratio, target, met) for the table."""
    out = []
    if d := results.get("dispatch"):
        lim, raw = d["rate_limited"], d["baseline_unlimited"]
        out += [("dispatch", "sustained msgs/s", lim["msgs_per_s"], raw["msgs_per_s"], d["ratio_to_baseline"],
                 ">= 27", lim["msgs_per_s"] >= 27),
                ("dispatch", "peak msgs in any 1 s", lim["peak_in_any_1s"], raw["peak_in_any_1s"], None, "<= 30",
                 lim["peak_in_any_1s"] <= 30),
                ("dispatch", "peak to one chat in 1 s", lim["peak_per_chat_in_any_1s"],
                 raw["peak_per_chat_in_any_1s"], None, "<= 1", lim["peak_per_chat_in_any_1s"] <= 1),
                ("dispatch", "lost / sent twice", f"{lim['lost']}/{lim['duplicated']}",
                 f"{raw['lost']}/{raw['duplicated']}", None, "0/0", d["correct"])]
    if a := results.get("answering"):
        for key in [k for k in a if k.endswith(("_saturated", "_paced")) and not k.startswith("echo")]:
            load = key.rsplit("_", 1)[1]
            mine, echo = a[key], a[f"echo_baseline_{load}"]
            sqlite = key.startswith("sqlite")
            out += [("answering", f"{key} answers/s", mine["answers_per_s"], echo["answers_per_s"],
                     _ratio(mine["answers_per_s"], echo["answers_per_s"]), ">= 300" if sqlite else "",
                     mine["answers_per_s"] >= 300 if sqlite else None),
                    ("answering", f"{key} p50 ms", mine["p50_ms"], echo["p50_ms"], _ratio(mine["p50_ms"], echo["p50_ms"]),
                     "", None),
                    ("answering", f"{key} p99 ms", mine["p99_ms"], echo["p99_ms"], _ratio(mine["p99_ms"], echo["p99_ms"]),
                     "< 50" if sqlite else "", mine["p99_ms"] < 50 if sqlite else None)]
    if r := results.get("reporting"):
        rep, base = r["report"], r["baseline_load_rows"]
        memory_target = 500 if r["data"]["answers"] >= 900_000 else 1024  # issue 18: < 500 MB at a million answers
        out += [("reporting", "full report s (html+pdf+csv)", rep["seconds"], base["seconds"], r["ratio_to_baseline"],
                 "< 20", rep["seconds"] < 20),
                ("reporting", "full report CPU s", rep.get("cpu_seconds"), base.get("cpu_seconds"),
                 _ratio(rep.get("cpu_seconds"), base.get("cpu_seconds")), "", None),
                ("reporting", "peak RSS MB", rep["peak_rss_mb"], base["peak_rss_mb"],
                 _ratio(rep["peak_rss_mb"], base["peak_rss_mb"]), f"< {memory_target}", rep["peak_rss_mb"] < memory_target)]
    if w := results.get("wave"):
        wv, off = w["wave"], w["limiter_off"]
        during, quiet = wv["wave"]["during_wave"], wv["quiet"]
        out += [("wave", f"all {wv['invitations']} invitations sent, s", wv["wave"]["all_sent_s"], None, None,
                 "<= 120", (wv["wave"]["all_sent_s"] or 1e9) <= 120),
                ("wave", "answer p50 / p99 ms during the wave", f"{during['p50_ms']} / {during['p99_ms']}", None, None,
                 "p99 < 1000", (during["p99_ms"] or 0) < 1000),
                ("wave", f"answer p50 / p99 ms at {quiet['offered_per_s']}/s after it",
                 f"{quiet['p50_ms']} / {quiet['p99_ms']}", None, None, "p99 < 250", (quiet["p99_ms"] or 0) < 250),
                ("wave", "answers/s, limiter off (heard vs bare PTB)", off["heard"]["answers_per_s"],
                 off["bare"]["answers_per_s"], off["ratio"], ">= 0.8x", (off["ratio"] or 0) >= 0.8),
                ("wave", f"max budgeted msgs in any 1 s ({wv['bot_processes']} processes)",
                 wv["max_budgeted_in_any_1s"], None, None, "<= 30", wv["max_budgeted_in_any_1s"] <= 30),
                ("wave", "lost / duplicated", f"{wv['lost']}/{wv['duplicated']}", None, None, "0/0",
                 wv["lost"] == wv["duplicated"] == 0)]
    if t := results.get("analysis"):
        out.append(("analysis", "texts/s (sentiment+themes+safeguarding)", t["analyse_texts_per_s"],
                    t["baseline_textblob_texts_per_s"], t["ratio_to_baseline"], ">= 3000",
                    t["analyse_texts_per_s"] >= 3000))
    return out


def _report_size(text: str) -> tuple[int, int]:
    try:
        people, answers = (int(part.replace("_", "")) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("give people and answers, like 200000,1000000") from None
    return people, answers


def _write(results: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, default=str))


def _ratio(value, baseline):
    return round(value / baseline, 2) if value and baseline else None


def table(lines: list[tuple]) -> str:
    header = ("benchmark", "figure", "value", "baseline", "ratio", "target", "met")
    cells = [header] + [tuple("" if v is None else ("yes" if v is True else "NO" if v is False else str(v))
                              for v in line) for line in lines]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in cells)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test, not figures")
    parser.add_argument("--only", choices=["dispatch", "answering", "reporting", "analysis", "wave"], action="append")
    parser.add_argument("--report-size", type=_report_size, metavar="PEOPLE,ANSWERS",
                        help="the reporting benchmark's size, e.g. 200000,1000000 for a million answers "
                             "(issue 18; about a minute to make, then the runs)")
    parser.add_argument("--postgres-url", default=os.environ.get("HEARD_BENCH_POSTGRES_URL"),
                        help="a server where a throw-away database may be created "
                             "(default $HEARD_BENCH_POSTGRES_URL; PostgreSQL runs are left out without it)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    size = QUICK if args.quick else FULL
    chosen = args.only or ["dispatch", "answering", "reporting", "analysis", "wave"]
    backends = ("sqlite", "postgresql") if args.postgres_url else ("sqlite",)
    jobs = {
        "dispatch": lambda: dispatch.run(size["dispatch"]),
        "answering": lambda: answering.run(size["people"], size["offered"], backends, args.postgres_url,
                                           size["answer_seconds"]),
        "reporting": lambda: reporting.run(*(args.report_size or size["report"])),
        "analysis": lambda: text_analysis.run(size["texts"]),
        "wave": lambda: wave.run(**size["wave"]),
    }
    results: dict = {"quick": args.quick, "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     "machine": machine()}
    for name in chosen:
        started = time.perf_counter()
        print(f"running {name}...", flush=True)
        results[name] = jobs[name]()
        results[name]["wall_seconds"] = round(time.perf_counter() - started, 1)
        _write(results)
    results["table"] = [dict(zip(("benchmark", "figure", "value", "baseline", "ratio", "target", "met"), line))
                        for line in rows(results)]
    _write(results)
    print(table(rows(results)))
    print(f"\nmachine: {results['machine']}\nwritten: {RESULTS / 'latest.json'}")
    return results


if __name__ == "__main__":
    main()
