"""How well sentiment labels match hand labels, ours against plain TextBlob.

Run `python -m analysis.evaluate` for a table over the tuning set and the held-out set.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from textblob import TextBlob

from analysis.sentiment import score

LABELS = ("negative", "neutral", "positive")
DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "data"
DATASETS = {"tuning": DATA_DIR / "sentiment_labelled.csv", "holdout": DATA_DIR / "sentiment_holdout.csv"}
PLAIN_THRESHOLD = 0.05


@dataclass(frozen=True)
class LabelledAnswer:
    text: str
    question_kind: str | None
    audience: str | None
    label: str


@dataclass(frozen=True)
class Scores:
    n: int
    accuracy: float
    macro_f1: float


def read_labelled(path: Path) -> list[LabelledAnswer]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [LabelledAnswer(row["text"], row["question_kind"] or None, row["audience"] or None, row["label"])
                for row in csv.DictReader(handle)]


def plain_textblob(answer: LabelledAnswer) -> str:
    polarity = TextBlob(answer.text).sentiment.polarity
    return "positive" if polarity > PLAIN_THRESHOLD else "negative" if polarity < -PLAIN_THRESHOLD else "neutral"


def ours(answer: LabelledAnswer) -> str:
    return score(answer.text, answer.question_kind, answer.audience).label


def evaluate(answers: Sequence[LabelledAnswer], predict: Callable[[LabelledAnswer], str]) -> Scores:
    predicted = [predict(answer) for answer in answers]
    gold = [answer.label for answer in answers]
    correct = sum(p == g for p, g in zip(predicted, gold))
    return Scores(len(gold), correct / len(gold), macro_f1(gold, predicted))


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean F1 over the three labels (a label never predicted nor present scores 0)."""
    f1s = []
    for label in LABELS:
        true_pos = sum(g == p == label for g, p in zip(gold, predicted))
        guessed = sum(p == label for p in predicted)
        actual = sum(g == label for g in gold)
        f1s.append(2 * true_pos / (guessed + actual) if guessed + actual else 0.0)
    return sum(f1s) / len(f1s)


def main() -> None:
    print(f"{'set':<8} {'n':>4}  {'method':<16} {'accuracy':>8} {'macro-F1':>8}")
    for name, path in DATASETS.items():
        answers = read_labelled(path)
        for method, predict in (("plain TextBlob", plain_textblob), ("heard", ours)):
            result = evaluate(answers, predict)
            print(f"{name:<8} {result.n:>4}  {method:<16} {result.accuracy:>8.3f} {result.macro_f1:>8.3f}")


if __name__ == "__main__":
    main()
