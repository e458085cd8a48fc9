"""Sentiment of a short free-text answer: TextBlob, corrected for how our users write.

TextBlob's PatternAnalyzer is the core, but it misreads youth and UK English ("sick" = -0.7,
"ok" = +0.5), ignores emoji and "never listened", and does not know which question was asked.
So words in `sentiment_lexicon.yaml` are scored by us (with negation and intensifiers) and
only the rest of the answer is given to TextBlob; the question then decides what "nothing",
"everything" and suggestions mean.

Those rules are one signal. The label comes from a small logistic regression over the answer's
sentence embedding (the shared wordllama model), the rule score, TextBlob and the question kind,
trained at first use on the labelled answers in `analysis/training/` and the team's sets in
`tests/data/` (issue 12: rules alone did not carry over to writing the project had not seen).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import yaml

from analysis.patterns import alternation, normalise, phrase_regex
from analysis.softmax import train_softmax
from surveys.models import QuestionKind

LEXICON_PATH = Path(__file__).with_name("sentiment_lexicon.yaml")
QUESTION_KINDS = tuple(kind.value for kind in QuestionKind)
LABELS = ("negative", "neutral", "positive")
TRAINING_DIR = Path(__file__).with_name("training")
TEAM_SETS = tuple(Path(__file__).resolve().parent.parent / "tests" / "data" / name
                  for name in ("sentiment_labelled.csv", "sentiment_holdout.csv"))
LABEL_THRESHOLD = 0.1  # |score| at or below this is neutral
NEGATION_WINDOW = 5  # a negator reaches this many words ahead ("never made me feel like a bad")
NEGATED_WEIGHT = -0.8  # "not bad" is milder than "good"
INTENSIFIED_WEIGHT = 1.3
ABSENCE_SCORE = 0.4  # "nothing" to improve, "everything" to good
TEXTBLOB_NOISE = 0.05  # TextBlob polarity this close to 0 says nothing

_CLAUSE_BREAK = re.compile(r"[.,!?;:]|\bbut\b")
_WORD = re.compile(r"\w+")
_RATING = re.compile(r"(?<![\w/])(10|\d)\s*/\s*10(?!\w)")
_NOT_A_WORD = re.compile(r"[^\w\s/]")


@dataclass(frozen=True)
class Sentiment:
    label: str  # "negative" | "neutral" | "positive"
    score: float  # -1..1
    reasons: tuple[str, ...]
    suggestion: bool = False  # an answer to "what could we do better?" that asks for something, not a complaint


@dataclass(frozen=True)
class Lexicon:
    rewrite: dict[str, str]
    rewrite_pattern: re.Pattern[str]
    filler_pattern: re.Pattern[str]
    negator_pattern: re.Pattern[str]
    intensifier_pattern: re.Pattern[str]
    term_pattern: re.Pattern[str]
    exact_values: dict[str, float]
    wildcard_values: tuple[tuple[re.Pattern[str], float], ...]
    neutral_answers: frozenset[str]
    absence_pattern: re.Pattern[str]
    totality_answers: frozenset[str]
    suggestion_pattern: re.Pattern[str]

    def value_of(self, matched: str) -> float:
        matched = " ".join(matched.split())
        if matched in self.exact_values:
            return self.exact_values[matched]
        return next(value for pattern, value in self.wildcard_values if pattern.fullmatch(matched))


def _words(phrases) -> frozenset[str]:
    return frozenset(normalise(phrase) for phrase in phrases)


def _leading(phrases) -> re.Pattern[str]:
    return re.compile(rf"^(?:{alternation(phrases).pattern})")


LIST_SECTIONS = ("fillers", "negators", "intensifiers", "neutral_answers", "absence_leads", "totality_answers",
                 "suggestion_leads")
SCORED_SECTIONS = ("terms", "emoji")


class LexiconError(ValueError):
    """The sentiment lexicon file cannot be used as it is; the message says where and why."""


@lru_cache(maxsize=4)
def load_lexicon(path: Path | str | None = None) -> Lexicon:
    path = Path(path or LEXICON_PATH)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    _check_lexicon(data, path)
    values = {normalise(k): float(v) for k, v in data["terms"].items()}
    values |= {normalise(k): float(v) for k, v in data["emoji"].items()}
    return Lexicon(
        rewrite={normalise(k): v for k, v in data["rewrite"].items()},
        rewrite_pattern=alternation(data["rewrite"]),
        filler_pattern=alternation(data["fillers"]),
        negator_pattern=alternation(data["negators"]),
        intensifier_pattern=alternation(data["intensifiers"]),
        term_pattern=alternation(values),
        exact_values={k: v for k, v in values.items() if "*" not in k},
        wildcard_values=tuple((re.compile(phrase_regex(k)), v) for k, v in values.items() if "*" in k),
        neutral_answers=_words(data["neutral_answers"]),
        absence_pattern=_leading(data["absence_leads"]),
        totality_answers=_words(data["totality_answers"]),
        suggestion_pattern=_leading(data["suggestion_leads"]),
    )


def _check_lexicon(data: object, path: Path) -> None:
    expected = {"rewrite", *LIST_SECTIONS, *SCORED_SECTIONS}
    if not isinstance(data, dict) or set(data) != expected:
        found = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise LexiconError(f"{path}: expected sections {sorted(expected)}, found {found}")
    for section in LIST_SECTIONS:
        bad = [entry for entry in data[section] if not isinstance(entry, str) or not entry.strip()]
        if bad:
            raise LexiconError(f"{path}: {section} has entries that are not words: {bad} (quote yes/no/on/off)")
    for section in SCORED_SECTIONS:
        for phrase, value in data[section].items():
            if not isinstance(phrase, str) or isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not -1 <= value <= 1:
                raise LexiconError(f"{path}: {section} '{phrase}' needs a value from -1 to 1, not {value!r}")


def score(text: str, question_kind: str | None = None, audience: str | None = None) -> Sentiment:
    """Sentiment of one answer. `question_kind` is a kind ("improve") or the question's own words
    ("What could we do better?"). `audience` is accepted for a uniform API; the model is shared."""
    return _classified(text, question_kind_of(question_kind))


_IMPROVE_WORDS = re.compile(r"\b(better|improve\w*|change|differently|wish|could we|should we|instead|missing)\b")
_GOOD_WORDS = re.compile(r"\b(good|best|helped|help(ful)?|liked?|enjoy\w*|went well|worked|useful|positive)\b")
_KIND_LIKE = re.compile(r"^[a-z]+(?:_[a-z]+)*$")


def question_kind_of(question: str | None) -> str | None:
    """A question kind from the kind itself or from the question's own words; None when unknown.

    A lone word like "best_bit" is taken as a mistyped kind and refused: silently reading it as
    "anything else" would hide the mistake.
    """
    if question is None or not question.strip():
        return None
    plain = normalise(question)
    if plain in QUESTION_KINDS:
        return plain
    if _KIND_LIKE.match(plain) and " " not in plain and "?" not in question:
        raise ValueError(f"question_kind must be one of {QUESTION_KINDS}, a question's words, or None, "
                         f"not {question!r}")
    if _IMPROVE_WORDS.search(plain):
        return QuestionKind.improve.value
    if _GOOD_WORDS.search(plain):
        return QuestionKind.good.value
    return QuestionKind.anything_else.value


@lru_cache(maxsize=8192)
def _classified(text: str, question_kind: str | None) -> Sentiment:
    rules = _score(text, question_kind)
    # "ok", "no ta", "everything" to a good question: a short answer the lexicon knows is read by rule
    decided_by_rules = _short_rule(text, question_kind) is not None
    model = _model()
    probabilities = model.probabilities(_features(model.embed([normalise(text)])[0], text, question_kind, rules))
    suggestion = _is_suggestion(text, question_kind)
    if decided_by_rules:
        label, value = rules.label, rules.score
    else:
        label = LABELS[int(np.argmax(probabilities))]
        value = round(float(probabilities[2] - probabilities[0]), 3)
    if label != "negative" and not suggestion and is_sarcastic(text):
        label, value = "negative", -abs(value)  # "oh yeah great, loved that", "so helpful not"
    if suggestion and label == "negative" and probabilities[0] < SUGGESTION_COMPLAINT_PROBABILITY:
        label = "neutral"  # asked for ideas, "more staff at weekends" is an idea unless it is plainly a complaint
    reasons = rules.reasons + (f"model: {label} (p={float(probabilities[LABELS.index(label)]):.2f})",)
    return Sentiment(label, value, reasons, suggestion and label != "positive")


SUGGESTION_COMPLAINT_PROBABILITY = 0.7
RULE_FEATURE_BOOST = 3.0  # chosen by 5-fold cross-validation on the training answers (1, 2, 4, 8 tried)
# Praise that means its opposite: an ironic opener, or a "not" tacked on the end. Only these plain
# marks are read; sarcasm without them ("lovely to be forgotten") is left to the model.
_SARCASM = re.compile(r"^(?:oh\s+(?:yeah|yes|yea|great|wow|brilliant|lovely)|yeah\s+right|yeah\s+(?:cos|coz|because|cause)|"
                      r"wow,?\s+(?:so|such|really|thanks)|(?:great|brilliant|fantastic|lovely|perfect),?\s+another|"
                      r"(?:thanks|cheers|ta)\s+for\s+nothing)\b"
                      r"|\b(?:so|very|really|well|sooo?)\s+(?:helpful|useful|good|great|fun)\s+not\W*$"
                      r"|\b(?:thanks|cheers)\s+for\s+nothing\b|\bnot!\s*$")


def is_sarcastic(text: str) -> bool:
    """Plain marks of sarcasm: "oh yeah great...", "yeah cos that helped", "so helpful not"."""
    return bool(_SARCASM.search(normalise(text)))
_SUGGESTION_CUE = re.compile(r"\b(more|less|fewer|maybe|perhaps|possibly|could|should|would|might|pls|please|"
                             r"if|offer|have|give|add|an?|some|longer|shorter|closer|earlier|sooner|"
                             r"ideally|suggest\w*|option)\b")


def _is_suggestion(text: str, question_kind: str | None) -> bool:
    if question_kind != QuestionKind.improve.value:
        return False
    plain = _plain(text, load_lexicon())
    return bool(load_lexicon().suggestion_pattern.match(plain) or _SUGGESTION_CUE.search(plain))


def _short_rule(text: str, question_kind: str | None) -> Sentiment | None:
    lexicon = load_lexicon()
    plain = _plain(text, lexicon)
    if _has_symbols(plain):
        return None
    return _short_answer(_NOT_A_WORD.sub("", plain).strip(), question_kind, lexicon)


# --- the classifier -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Model:
    embed: object
    weights: np.ndarray
    bias: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        logits = ((features - self.mean) / self.scale) @ self.weights + self.bias
        logits = np.exp(logits - logits.max())
        return logits / logits.sum()


@dataclass(frozen=True)
class TrainingAnswer:
    text: str
    question_kind: str | None
    audience: str | None
    label: str


def training_answers() -> list[TrainingAnswer]:
    """Every labelled answer the model learns from: `analysis/training/*.tsv` and the team's two sets."""
    answers = []
    for path in sorted(TRAINING_DIR.glob("sentiment_*.tsv")):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                answers.append(TrainingAnswer(row["text"], row["question_kind"] or None, row["audience"] or None,
                                              row["label"]))
    for path in TEAM_SETS:
        if path.exists():
            with open(path, newline="", encoding="utf-8") as handle:
                answers += [TrainingAnswer(row["text"], row["question_kind"] or None, row["audience"] or None,
                                           row["label"]) for row in csv.DictReader(handle)]
    return answers


def _features(vector: np.ndarray, text: str, question_kind: str | None, rules: Sentiment) -> np.ndarray:
    kinds = np.array([question_kind is None] + [question_kind == kind for kind in QUESTION_KINDS], dtype=np.float32)
    rule_label = np.array([rules.label == label for label in LABELS], dtype=np.float32)
    blob = _textblob_polarity(normalise(text))
    suggestion = float(_is_suggestion(text, question_kind))
    words = np.log1p(len(_WORD.findall(text)))
    extra = np.concatenate([kinds, rules.score * kinds, rule_label, [blob, suggestion, words, rules.score]])
    return np.concatenate([vector, extra.astype(np.float32)])


@cache
def _model() -> _Model:
    from analysis.embeddings import embedder  # imported here: loading wordllama is paid on first use only

    return train(training_answers(), embedder())


def train(answers: list[TrainingAnswer], embed) -> _Model:
    """Fit the classifier on labelled answers (well under two seconds for a thousand)."""
    vectors = embed([normalise(answer.text) for answer in answers])
    features = np.stack([_features(vector, a.text, a.question_kind, _score(a.text, a.question_kind))
                         for vector, a in zip(vectors, answers)])
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-3
    scale[vectors.shape[1]:] /= RULE_FEATURE_BOOST  # less shrinkage for the few hand-made features
    labels = np.array([LABELS.index(answer.label) for answer in answers])
    weights, bias = _train_softmax((features - mean) / scale, labels, len(LABELS))
    return _Model(embed, weights, bias, mean, scale)


def _train_softmax(features: np.ndarray, labels: np.ndarray, n_classes: int, *, steps: int = 400,
                   rate: float = 0.05, l2: float = 1e-1) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by full-batch Adam, classes weighted to count equally."""
    n = features.shape[0]
    targets = np.eye(n_classes)[labels]
    class_weight = n / (n_classes * np.maximum(targets.sum(axis=0), 1))
    row_weight = (targets * class_weight).sum(axis=1, keepdims=True) / n
    return train_softmax(features.astype(np.float64), targets, row_weight, steps=steps, rate=rate, l2=l2)


@lru_cache(maxsize=8192)
def _score(text: str, question_kind: str | None) -> Sentiment:
    lexicon = load_lexicon()
    plain = _plain(text, lexicon)
    whole_answer = _NOT_A_WORD.sub("", plain).strip()
    if not _has_symbols(plain):  # "ok 👍" is not a bare "ok"
        short = _short_answer(whole_answer, question_kind, lexicon)
        if short is not None:
            return short

    contributions: list[tuple[float, str]] = []
    if question_kind in ("improve", "good"):
        absence = lexicon.absence_pattern.match(plain)
        if absence and question_kind == "good":
            return _sentiment(-ABSENCE_SCORE, ("says nothing was good",))
        if absence:
            contributions.append((ABSENCE_SCORE, "says nothing needs changing"))
            plain = plain[absence.end():]

    rating = _RATING.search(plain)
    if rating:
        contributions.append(((int(rating.group(1)) - 5) / 5, f"rating {rating.group(0)}"))
        plain = plain[:rating.start()] + " " + plain[rating.end():]

    contributions += _lexicon_contributions(plain, lexicon)
    if question_kind == "improve" and lexicon.suggestion_pattern.match(whole_answer):
        # Asked what to improve, "more football" wishes for something: only complaints count.
        contributions = [c for c in contributions if c[0] < 0] + [(0.0, "a suggestion, not a complaint")]

    if not contributions:
        return _sentiment(0.0, ("no feeling found",))
    total = sum(value for value, _ in contributions) / len(contributions)
    return _sentiment(total, tuple(reason for _, reason in contributions))


def _plain(text: str, lexicon: Lexicon) -> str:
    """Normalised answer with text-speak rewritten and filler words dropped."""
    plain = normalise(text)
    plain = lexicon.rewrite_pattern.sub(lambda m: lexicon.rewrite[m.group(0)], plain)
    return " ".join(lexicon.filler_pattern.sub(" ", plain).split())


def _short_answer(whole_answer: str, question_kind: str | None, lexicon: Lexicon) -> Sentiment | None:
    if whole_answer in lexicon.totality_answers and question_kind in ("improve", "good"):
        value = ABSENCE_SCORE if question_kind == "good" else -ABSENCE_SCORE
        return _sentiment(value, (f"'{whole_answer}' to a '{question_kind}' question",))
    if question_kind in ("improve", "good") and lexicon.absence_pattern.fullmatch(whole_answer):
        return None  # "nothing" means something here: scored by the caller
    if whole_answer in lexicon.neutral_answers:
        return _sentiment(0.0, (f"short answer '{whole_answer}'",))
    return None


def _lexicon_contributions(plain: str, lexicon: Lexicon) -> list[tuple[float, str]]:
    negators = [m.span() for m in lexicon.negator_pattern.finditer(plain)]
    intensifiers = [m.span() for m in lexicon.intensifier_pattern.finditer(plain)]
    contributions: list[tuple[float, str]] = []
    hidden: list[tuple[int, int]] = list(intensifiers)  # spans TextBlob must not see
    for hit in lexicon.term_pattern.finditer(plain):
        negators = [span for span in negators if not _overlaps(span, hit.span())]
        value = lexicon.value_of(hit.group(0))
        hidden.append(hit.span())
        if value == 0:
            continue
        reason = f"'{hit.group(0)}'"
        if any(end <= hit.start() and _close_before(plain, end, hit.start(), 0) for _, end in intensifiers):
            value = max(-1.0, min(1.0, value * INTENSIFIED_WEIGHT))
        negator = _negator_before(plain, hit.start(), negators)
        if negator:
            value *= NEGATED_WEIGHT
            reason = f"'{plain[negator[0]:negator[1]]} … {hit.group(0)}' (negated)"
            hidden.append(negator)
        contributions.append((value, f"{reason} {value:+.2f}"))

    polarity = _textblob_polarity(_without(plain, hidden, negators))
    if abs(polarity) > TEXTBLOB_NOISE:
        contributions.append((polarity, f"textblob {polarity:+.2f}"))
    return contributions


def _negator_before(plain: str, start: int, negators: list[tuple[int, int]]) -> tuple[int, int] | None:
    before = [span for span in negators if span[1] <= start and _close_before(plain, span[1], start, NEGATION_WINDOW)]
    return before[-1] if before else None


def _close_before(plain: str, end: int, start: int, max_words: int) -> bool:
    between = plain[end:start]
    return not _CLAUSE_BREAK.search(between) and len(_WORD.findall(between)) <= max_words


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _without(plain: str, hidden: list[tuple[int, int]], negators: list[tuple[int, int]]) -> str:
    """The answer with our scored words blanked and negators spelt "not", which TextBlob knows."""
    chars = list(plain)
    for start, end in negators:
        chars[start:end] = ["not"] + [""] * (end - start - 1)
    for start, end in hidden:
        chars[start:end] = [" "] * (end - start)
    return "".join(chars)


def _has_symbols(plain: str) -> bool:
    return any(not char.isascii() and not char.isalnum() for char in plain)


@lru_cache(maxsize=16384)
def _textblob_polarity(text: str) -> float:
    """TextBlob's default PatternAnalyzer polarity, as `TextBlob(text).sentiment.polarity` gives it.

    Called through the analyzer's own function: TextBlob() and the analyzer's result class cost
    more than the scoring itself. Imported here, on first use, because it loads NLTK (a quarter
    second other CLI commands should not pay).
    """
    from textblob.en import sentiment as pattern_sentiment

    text = " ".join(text.split())
    return pattern_sentiment(text)[0] if _WORD.search(text) else 0.0


def _sentiment(value: float, reasons: tuple[str, ...]) -> Sentiment:
    value = round(max(-1.0, min(1.0, value)), 3)
    label = "positive" if value > LABEL_THRESHOLD else "negative" if value < -LABEL_THRESHOLD else "neutral"
    return Sentiment(label, value, reasons)
