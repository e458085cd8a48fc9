"""Rough throughput of analyse() on one core: `python benchmarks/analysis_throughput.py`.

Texts are varied so the sentiment cache does not flatter the figure: each labelled answer is
suffixed with a counter, which makes every text unique.
"""

from __future__ import annotations

import time

from analysis.evaluate import DATASETS, read_labelled
from analysis.pipeline import analyse

ROUNDS = 20


def main() -> None:
    answers = read_labelled(DATASETS["tuning"])
    analyse("warm up")  # loads lexicons and TextBlob
    start = time.perf_counter()
    count = 0
    for round_number in range(ROUNDS):
        for answer in answers:
            analyse(f"{answer.text} {round_number}", answer.question_kind, answer.audience)
            count += 1
    elapsed = time.perf_counter() - start
    print(f"{count} unique texts in {elapsed:.2f}s: {count / elapsed:,.0f} texts/s")


if __name__ == "__main__":
    main()
