"""How well the analysis matches hand labels, each beside a baseline from the same run.

Run `python -m analysis.evaluate` for: sentiment (ours against plain TextBlob) over the tuning and
held-out sets; the safeguarding screen (ours against its rules alone) over every safeguarding set.
Only aggregate figures are printed, never which answers were missed: blind sets stay blind.
`--skip-blind` leaves the blind set out (every run over it counts against its budget).
`--issue12` runs only sentiment, redaction and speed (issue 12's second blind sets, not the
safeguarding ones); `--first-blind` also runs issue 12's first blind sets again.
"""

from __future__ import annotations

import csv
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from textblob import TextBlob

from analysis.safeguarding import screen
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


# --- safeguarding -------------------------------------------------------------------------------

DEMO_ANSWERS = Path(__file__).resolve().parent.parent / "bot" / "sandbox" / "demo_answers.yaml"
SAFEGUARDING_SETS = ("safeguarding_cases.csv", "safeguarding_holdout.csv", "safeguarding_dev.csv", "safeguarding_dev2.csv",
                     "safeguarding_dev3.csv", "safeguarding_dev4.csv", "safeguarding_dev5.csv",
                     "safeguarding_dev6.csv", "safeguarding_dev7.csv",
                     "safeguarding_blind_a.csv", "safeguarding_blind_b.csv", "safeguarding_blind_c.csv",
                     "safeguarding_blind_d.csv", "safeguarding_blind_e.csv",
                     "safeguarding_blind_f.csv", "safeguarding_blind_g.csv")


@dataclass(frozen=True)
class Screened:
    """One answer with the tier a person gave it: "urgent", "review" or None."""
    text: str
    audience: str | None
    tier: str | None


@dataclass(frozen=True)
class ScreenScores:
    n_disclosures: int
    n_ordinary: int
    any_recall: float
    urgent_recall: float | None  # None when the set marks no answer urgent
    urgent_precision: float | None  # None when nothing was flagged urgent
    any_precision: float | None
    false_alarm_rate: float | None  # on the set's own ordinary answers
    texts_per_second: float


def read_screened(path: Path) -> list[Screened]:
    """A safeguarding set: `tier` (urgent/review/none) or, in the older sets, `flag` (1 = urgent)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    def tier(row: dict[str, str]) -> str | None:
        if "tier" in row:
            return None if row["tier"] in ("", "none") else row["tier"]
        return "urgent" if row["flag"] == "1" else None
    return [Screened(row["text"], row.get("audience") or None, tier(row)) for row in rows]


def ordinary_feedback(safeguarding_sets: Sequence[Sequence[Screened]] = ()) -> list[Screened]:
    """Every non-disclosure answer the project holds: the sentiment sets, the ordinary demo answers
    and the negatives of the safeguarding sets given."""
    answers = [Screened(a.text, a.audience, None) for path in DATASETS.values() for a in read_labelled(path)]
    answers += [answer for answers_ in safeguarding_sets for answer in answers_ if answer.tier is None]
    demo = yaml.safe_load(DEMO_ANSWERS.read_text(encoding="utf-8"))
    answers += [Screened(text, audience, None) for audience, kinds in demo.items()
                for kind, texts in kinds.items() if kind != "disclosure" for text in texts]
    return answers


def evaluate_screen(answers: Sequence[Screened], predict: Callable[[Screened], str | None]) -> ScreenScores:
    start = time.perf_counter()
    predicted = [predict(answer) for answer in answers]
    elapsed = time.perf_counter() - start
    gold = [answer.tier for answer in answers]
    disclosures = [p for g, p in zip(gold, predicted) if g is not None]
    ordinary = [p for g, p in zip(gold, predicted) if g is None]
    urgent_gold = [p for g, p in zip(gold, predicted) if g == "urgent"]
    urgent_said = [g for g, p in zip(gold, predicted) if p == "urgent"]
    any_said = [g for g, p in zip(gold, predicted) if p is not None]
    return ScreenScores(
        n_disclosures=len(disclosures), n_ordinary=len(ordinary),
        any_recall=_share(disclosures, lambda p: p is not None) or 0.0,
        urgent_recall=_share(urgent_gold, lambda p: p == "urgent"),
        urgent_precision=_share(urgent_said, lambda g: g == "urgent"),
        any_precision=_share(any_said, lambda g: g is not None),
        false_alarm_rate=_share(ordinary, lambda p: p is not None),
        texts_per_second=len(answers) / elapsed if elapsed else float("inf"))


def _share(items: Sequence, test: Callable) -> float | None:
    return sum(1 for item in items if test(item)) / len(items) if items else None


def screen_full(answer: Screened) -> str | None:
    return screen(answer.text, answer.audience).tier


def screen_rules_only(answer: Screened) -> str | None:
    return screen(answer.text, answer.audience, semantic=False).tier


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def print_safeguarding(include_blind: bool = True) -> None:
    screen("this warms the model up")  # loads and trains it once, so speed is measured on screening alone
    print(f"\n{'set':<24} {'n+':>4} {'n-':>4}  {'method':<10} {'recall':>7} {'urg-rec':>7} {'urg-prec':>8} "
          f"{'precision':>9} {'false-al':>8} {'texts/s':>8}")
    sets = [(name.removesuffix(".csv").removeprefix("safeguarding_"), read_screened(DATA_DIR / name))
            for name in SAFEGUARDING_SETS
            if (DATA_DIR / name).exists() and (include_blind or "blind" not in name)]
    # The project's own ordinary answers: the blind sets' are reported on their own rows.
    own = [answers for name, answers in sets if not name.startswith("blind")]
    sets.append(("ordinary feedback (all)", ordinary_feedback(own)))
    for name, answers in sets:
        for method, predict in (("rules", screen_rules_only), ("heard", screen_full)):
            r = evaluate_screen(answers, predict)
            print(f"{name:<24} {r.n_disclosures:>4} {r.n_ordinary:>4}  {method:<10} "
                  f"{_figure(r.any_recall if r.n_disclosures else None):>7} {_figure(r.urgent_recall):>7} "
                  f"{_figure(r.urgent_precision):>8} {_figure(r.any_precision):>9} "
                  f"{_figure(r.false_alarm_rate):>8} {r.texts_per_second:>8.0f}")
    print("recall: any tier; urg-rec/urg-prec: the urgent tier; false-al: ordinary answers flagged at any tier")


def main() -> None:
    print(f"{'set':<8} {'n':>4}  {'method':<16} {'accuracy':>8} {'macro-F1':>8}")
    for name, path in DATASETS.items():
        answers = read_labelled(path)
        for method, predict in (("plain TextBlob", plain_textblob), ("heard", ours)):
            result = evaluate(answers, predict)
            print(f"{name:<8} {result.n:>4}  {method:<16} {result.accuracy:>8.3f} {result.macro_f1:>8.3f}")
    # --skip-blind: figures without touching the blind set (each run over it counts; see EVALUATION.md)
    # --issue12: only the sentiment and redaction figures (the safeguarding blind sets are not run)
    if "--issue12" not in sys.argv[1:]:
        print_safeguarding(include_blind="--skip-blind" not in sys.argv[1:])
    print_issue12(include_blind="--skip-blind" not in sys.argv[1:], include_first="--first-blind" in sys.argv[1:])



# --- issue 12: sentiment, themes and redaction on the blind sets -----------------------------------

# The first blind sets: run once (2026-11-30, before the second round of work on redaction and
# sentiment); their figures stay in the README as they were. Run again only with --first-blind.
BLIND_SENTIMENT = {"youth justice": "sentiment_blind_yj.csv", "adult patient": "sentiment_blind_adult.csv"}
# The second blind sets, the figures of record (tests/data/blind12.md says how they were made).
SECOND_BLIND_SENTIMENT = {"youth justice 2": "sentiment_blind_yj2.csv", "adult patient 2": "sentiment_blind_adult2.csv"}
SECOND_BLIND_REDACTION = "redaction_blind2.csv"
# The newest two, each written by a helper who never saw the code, run once when round 8 ended; the earlier
# ones (blind3 to blind5) were each run once after a round, then read and tuned on (tests/data/blind12.md).
LATEST_BLIND_REDACTION = ("redaction_blind6.csv", "redaction_blind7.csv")


def vader(answer: LabelledAnswer) -> str:
    compound = _vader().polarity_scores(answer.text)["compound"]
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    global _VADER
    if "_VADER" not in globals():
        _VADER = SentimentIntensityAnalyzer()
    return _VADER


def majority_baseline(answers: Sequence[LabelledAnswer]) -> Callable[[LabelledAnswer], str]:
    labels = [answer.label for answer in answers]
    most = max(LABELS, key=labels.count)
    return lambda answer: most


def read_themed(path: Path) -> list[tuple[str, str | None, set[str]]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [(row["text"], row.get("audience") or None, {t for t in (row.get("themes") or "").split(";") if t})
                for row in csv.DictReader(handle)]


def theme_micro_f1(rows, semantic: bool) -> float:
    from analysis.themes import code
    true_pos = false_pos = false_neg = 0
    for text, audience, gold in rows:
        predicted = {match.theme_id for match in code(text, audience, semantic=semantic)}
        true_pos += len(gold & predicted)
        false_pos += len(predicted - gold)
        false_neg += len(gold - predicted)
    return 2 * true_pos / (2 * true_pos + false_pos + false_neg) if true_pos else 0.0


def redaction_scores(rows: Sequence[tuple[str, list[str]]]) -> tuple[int, float, float]:
    """(items, share of items removed, share of ordinary words removed). An item counts as removed when
    none of its words survives; an ordinary word is any word of the text outside the items."""
    from analysis.redact import redact
    items = removed = ordinary = ordinary_removed = 0
    word = re.compile(r"[\w'@.+-]+")
    for text, targets in rows:
        output = redact(text)
        kept = Counter(word.findall(output))
        for target in targets:
            items += 1
            removed += not any(kept[w] for w in word.findall(target))
        inside = Counter(w for target in targets for w in word.findall(target))
        for w, count in (Counter(word.findall(text)) - inside).items():
            ordinary += count
            ordinary_removed += max(0, count - kept[w])
    return items, removed / max(items, 1), ordinary_removed / max(ordinary, 1)


def read_redaction(path: Path) -> list[tuple[str, list[str]]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [(row["text"], [t.strip() for t in (row["remove"] or "").split(" | ") if t.strip()])
                for row in csv.DictReader(handle)]


def analysis_speed(texts: Sequence[tuple[str, str | None, str | None]]) -> float:
    """Texts per CPU-second for the whole analysis (sentiment, themes, screen), caches cleared, model warm."""
    from analysis.pipeline import _screen_and_themes, analyse
    from analysis.sentiment import _classified, _score, _textblob_polarity
    analyse("warm the models up", "improve", "young_person")
    for cached in (_classified, _score, _textblob_polarity, _screen_and_themes):
        cached.cache_clear()
    start = time.process_time()  # CPU seconds: a busy machine does not change the figure
    for text, kind, audience in texts:
        analyse(text, kind, audience)
    return len(texts) / (time.process_time() - start)


def print_issue12(include_blind: bool, include_first: bool = False) -> None:
    """Blind-set totals only: never which answers were missed (EVALUATION.md)."""
    print_development()
    if not include_blind:
        print("\nissue 12 blind figures need the blind sets: run without --skip-blind (each run counts)")
        return
    print("\nsecond blind sets (the figures of record)")
    print(f"{'sentiment set':<16} {'n':>4}  {'method':<16} {'accuracy':>8} {'macro-F1':>8}")
    all_answers = []
    for name, file in SECOND_BLIND_SENTIMENT.items():
        answers = read_labelled(DATA_DIR / file)
        all_answers += answers
        _print_sentiment_methods(name, answers)
    items, removed, ordinary = redaction_scores(read_redaction(DATA_DIR / SECOND_BLIND_REDACTION))
    # read row by row and tuned on since round 4 (tests/data/blind12.md): a development figure now
    print(f"redaction (development data since round 4): {items} items, {removed:.3f} removed, "
          f"{ordinary:.3f} of ordinary words removed")
    for name in LATEST_BLIND_REDACTION:
        items, removed, ordinary = redaction_scores(read_redaction(DATA_DIR / name))
        print(f"redaction, {name} (a figure of record): {items} items, {removed:.3f} removed, "
              f"{ordinary:.3f} of ordinary words removed")
    texts = [(a.text, a.question_kind, a.audience) for a in all_answers]
    print(f"whole analysis (sentiment, themes, screen): {analysis_speed(texts):.0f} texts/s on one core")
    if not include_first:
        print("first blind sets: run once, figures in the README (--first-blind runs them again: each run counts)")
        return
    print("\nfirst blind sets (run once before; this run counts again)")
    for name, file in BLIND_SENTIMENT.items():
        _print_sentiment_methods(name, read_labelled(DATA_DIR / file))
    themed = read_themed(DATA_DIR / "themes_blind_yj.csv")
    print(f"\nthemes (youth justice, n={len(themed)}): micro-F1 heard {theme_micro_f1(themed, True):.3f}, "
          f"keyword codebook alone {theme_micro_f1(themed, False):.3f}")
    items, removed, ordinary = redaction_scores(read_redaction(DATA_DIR / "redaction_blind.csv"))
    print(f"redaction (development data since round 4): {items} items, {removed:.3f} removed, "
          f"{ordinary:.3f} of ordinary words removed")


def _print_sentiment_methods(name: str, answers: Sequence[LabelledAnswer]) -> None:
    for method, predict in (("heard", ours), ("plain TextBlob", plain_textblob), ("VADER", vader),
                            ("majority class", majority_baseline(answers))):
        result = evaluate(answers, predict)
        print(f"{name:<16} {result.n:>4}  {method:<16} {result.accuracy:>8.3f} {result.macro_f1:>8.3f}")


DEVELOPMENT_SENTIMENT = "sentiment_dev_yj.csv"  # ours, tuned on (tests/data/sentiment_dev_yj.md)
DEVELOPMENT_REDACTION = "redaction_dev.csv"  # ours, tuned on (tests/data/redaction_dev.md)


def print_development() -> None:
    """Figures on our own development sets: tuned on, so they flatter; read beside the blind ones."""
    if (DATA_DIR / DEVELOPMENT_SENTIMENT).exists():
        answers = read_labelled(DATA_DIR / DEVELOPMENT_SENTIMENT)
        for method, predict in (("heard", ours), ("plain TextBlob", plain_textblob), ("VADER", vader)):
            result = evaluate(answers, predict)
            print(f"development yj {result.n:>4}  {method:<16} {result.accuracy:>8.3f} {result.macro_f1:>8.3f}")
    if (DATA_DIR / DEVELOPMENT_REDACTION).exists():
        items, removed, ordinary = redaction_scores(read_redaction(DATA_DIR / DEVELOPMENT_REDACTION))
        print(f"development redaction: {items} items, {removed:.3f} removed, {ordinary:.3f} of ordinary words removed")


if __name__ == "__main__":  # last, so every function above exists when main() runs
    main()
