"""Round 6 experiment: learn the screen's meaning layer from every labelled writer, measured
leave-one-writer-out (LOWO).

    python -m analysis.tools.screen_lowo            # the LOWO table: current screen vs screen + learned signal
    python -m analysis.tools.screen_lowo --grid     # also every threshold pair on each held-out set (hindsight:
                                                    # for reading the trade-off, never for choosing)
    python -m analysis.tools.screen_lowo --grid --replace   # the grid for rules + learned signal alone (the
                                                            # bank layer's own flags all dropped)

The learned signal is a multiple-instance logistic regression: every segment the screen reads
(sentence, or window of a long one) gets a score from its embedding, its cosine to the nearest
exemplar of each category, the bank softmax's probabilities, the rule and cue flags and the
audience; an answer's score is its highest segment's. Only the answer's label is known (which
sentence worried the writer is not), so training pushes up the best-scoring segment of a
disclosure and every segment of an ordinary answer goes down through its own maximum.

Two ways to use it, neither touching rules, cues or explanations: "raise only" sends an answer
nothing flagged to review above a threshold; "raise or drop" also lets the learned score veto the
bank layer's own flag (a rule's flag always stands), to buy back false alarms for the raises.
Thresholds are chosen inside each fold, from out-of-fold scores on the training writers alone, so
the held-out writer is never used to pick them.

Groups: the six independent writers (blind A-F) and each development file. "Ordinary feedback
(all)" is scored without ever training on it: its sentiment and demo texts are never training
data, and its development-set negatives are scored by a model trained without their file.

Result (round 6, tests/data/safeguarding_blind.md): no clear recall gain on any held-out writer,
so the screen does not use it. The learned score could cut false alarms; that is not tried here.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np

from analysis.evaluate import DATA_DIR, SAFEGUARDING_SETS, Screened, ordinary_feedback, read_screened
from analysis.safeguarding import (_COMPILED_RULES, _FEWEST_WORDS, _FRAGMENT, _IDIOM, _cues, _is_course_content,
                                   _model, _nearest_by_class, _personal, _plain, _segments, _sentences,
                                   _told_as_past, screen)
from analysis.softmax import softmax

WRITERS = ("blind_a", "blind_b", "blind_c", "blind_d", "blind_e", "blind_f")
_NEVER = ("blind_g", "blind3", "blind4")  # kept blind: never read here
_AUDIENCES = ("young_person", "parent_carer", "victim")
# The current screen's any-tier recall on each writer's set when it was first run, before it was read.
BEFORE_READ = {"blind_d": 0.920, "blind_e": 0.946, "blind_f": 0.941}


def segment_features(text: str, audience: str | None) -> np.ndarray:
    """One row per segment the screen reads: what the bank model sees, plus the rule and cue flags."""
    cues = _cues()
    marked = _sentences(cues.idioms.sub(f" {_IDIOM} ", _plain(text)))
    idiomatic = [_IDIOM in sentence for sentence in marked]
    sentences = [" ".join(sentence.replace(_IDIOM, " ").split()) for sentence in marked] or [""]
    ruled = [any(pattern.search(sentence) for _, pattern, _, _ in _COMPILED_RULES) for sentence in sentences]
    segments = _segments(sentences) or [(0, "")]
    model = _model()
    vectors = model.embed([segment or "nothing" for _, segment in segments])
    similarities = vectors @ model.bank_vectors.T
    nearest = _nearest_by_class(similarities, model.bank_classes, len(model.classes))
    probabilities = softmax(np.hstack([vectors, nearest]) @ model.weights + model.bias)
    flags = []
    for index, segment in segments:
        sentence = sentences[index]
        words = len(segment.split())
        flags.append([
            ruled[index], idiomatic[index] if index < len(idiomatic) else False,
            bool(cues.course.search(sentence)) and not _personal(sentence, cues), _is_course_content(segment),
            bool(cues.everyday.search(sentence)), bool(cues.current_risk.search(segment)),
            bool(cues.still.search(sentence)), _told_as_past(sentences, index, cues),
            _personal(segment, cues), words <= _FRAGMENT, words < _FEWEST_WORDS, min(words, 30) / 30,
            len(segments) == 1,
        ])
    audience_flags = [[audience == name for name in _AUDIENCES]] * len(segments)
    return np.hstack([vectors, nearest, probabilities, np.asarray(flags, dtype=np.float32),
                      np.asarray(audience_flags, dtype=np.float32)]).astype(np.float32)


@dataclass
class Rows:
    """Answers with their segment features, stacked: segment rows of answer i are owner == i."""
    features: np.ndarray
    owner: np.ndarray
    gold: list[str | None]
    screened: list[str | None]  # the current screen's tier
    rules: list[str | None]  # the rules' tier alone
    group: list[str]

    def take(self, answers: np.ndarray) -> Rows:
        keep = np.isin(self.owner, answers)
        renumber = np.full(len(self.gold), -1)
        renumber[answers] = np.arange(len(answers))
        return Rows(self.features[keep], renumber[self.owner[keep]], [self.gold[i] for i in answers],
                    [self.screened[i] for i in answers], [self.rules[i] for i in answers],
                    [self.group[i] for i in answers])


def build(answers: list[tuple[Screened, str]]) -> Rows:
    features, owner = [], []
    for index, (answer, _) in enumerate(answers):
        rows = segment_features(answer.text, answer.audience)
        features.append(rows)
        owner.extend([index] * len(rows))
    return Rows(np.vstack(features), np.asarray(owner), [a.tier for a, _ in answers],
                [screen(a.text, a.audience).tier for a, _ in answers],
                [screen(a.text, a.audience, semantic=False).tier for a, _ in answers], [group for _, group in answers])


def _answer_max(scores: np.ndarray, owner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each answer's highest segment score and that segment's row (segments are grouped by answer)."""
    order = np.lexsort((-scores, owner))  # by answer, best first
    first = np.searchsorted(owner[order], np.arange(n))
    best = order[first]
    return scores[best], best


@dataclass(frozen=True)
class Learned:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def score(self, rows: Rows) -> np.ndarray:
        logits = ((rows.features - self.mean) / self.scale) @ self.weights + self.bias
        best, _ = _answer_max(logits, rows.owner, len(rows.gold))
        return 1 / (1 + np.exp(-best))


def train(rows: Rows, *, steps: int = 250, rate: float = 0.05, l2: float = 3e-3) -> Learned:
    """Max-pooled logistic regression by full-batch Adam, classes weighted equally. Deterministic."""
    mean = rows.features.mean(axis=0)
    scale = rows.features.std(axis=0) + 1e-3
    x = (rows.features - mean) / scale
    y = np.asarray([gold is not None for gold in rows.gold], dtype=np.float32)
    n = len(y)
    weight = np.where(y == 1, 0.5 / max(y.sum(), 1), 0.5 / max(n - y.sum(), 1)).astype(np.float32)
    w = np.zeros(x.shape[1], dtype=np.float32)
    b = np.float32(0.0)
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), 0.0, 0.0
    for step in range(1, steps + 1):
        best, where = _answer_max(x @ w + b, rows.owner, n)
        error = (1 / (1 + np.exp(-best)) - y) * weight
        grad_w = x[where].T @ error + l2 * w
        grad_b = float(error.sum())
        m_w = 0.9 * m_w + 0.1 * grad_w
        v_w = 0.999 * v_w + 0.001 * grad_w * grad_w
        m_b = 0.9 * m_b + 0.1 * grad_b
        v_b = 0.999 * v_b + 0.001 * grad_b * grad_b
        w -= rate * (m_w / (1 - 0.9 ** step)) / (np.sqrt(v_w / (1 - 0.999 ** step)) + 1e-8)
        b -= rate * (m_b / (1 - 0.9 ** step)) / (np.sqrt(v_b / (1 - 0.999 ** step)) + 1e-8)
    return Learned(mean, scale, w, float(b))


def decide(rules: list[str | None], screened: list[str | None], scores: np.ndarray, keep_at: float,
           raise_at: float) -> list[str | None]:
    """The rules' tier stands; the current screen's meaning-layer flag stands only where the learned
    score is at least `keep_at` (0 keeps them all); an answer nothing flagged goes to review at
    `raise_at`. keep_at=0 is "raise only": the learned signal adds review flags and takes none away."""
    out = []
    for rule, full, score in zip(rules, screened, scores):
        tier = rule
        if full is not None and score >= keep_at and (tier is None or full == "urgent"):
            tier = full
        if tier is None and score >= raise_at:
            tier = "review"
        out.append(tier)
    return out


def figures(gold: list[str | None], said: list[str | None]) -> dict[str, float | None]:
    concern = [s for g, s in zip(gold, said) if g is not None]
    ordinary = [s for g, s in zip(gold, said) if g is None]
    urgent_said = [g for g, s in zip(gold, said) if s == "urgent"]
    share = lambda items, test: sum(map(test, items)) / len(items) if items else None  # noqa: E731
    return {"recall": share(concern, lambda s: s is not None), "urgent_precision": share(urgent_said, lambda g: g == "urgent"),
            "false_alarms": share(ordinary, lambda s: s is not None), "n_concern": len(concern)}


def out_of_fold(rows: Rows, groups: list[str]) -> np.ndarray:
    """Scores for every answer, each from a model trained without its group."""
    scores = np.zeros(len(rows.gold))
    labels = np.asarray(rows.group)
    for group in groups:
        held = np.flatnonzero(labels == group)
        model = train(rows.take(np.flatnonzero(labels != group)))
        scores[held] = model.score(rows.take(held))
    return scores


KEEP_GRID = (0.0, 0.05, 0.1, 0.2, 0.3)
RAISE_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 2.0)  # 2.0: never raise


def pick(train_gold, train_rules, train_screened, train_scores, ordinary_rules, ordinary_screened, ordinary_scores,
         *, keeps=KEEP_GRID, raises=RAISE_GRID, ordinary_limit: float = 0.08) -> tuple[float, float]:
    """From training writers' out-of-fold scores only: the (keep_at, raise_at) with the best recall,
    keeping false alarms on ordinary feedback within `ordinary_limit`, false alarms on the training
    writers' no-concern rows no higher than the current screen's, and urgent precision at least 0.75;
    ties go to fewer false alarms."""
    base = figures(train_gold, train_screened)
    best, choice = None, (0.0, 2.0)
    for keep_at in keeps:
        for raise_at in raises:
            f = figures(train_gold, decide(train_rules, train_screened, train_scores, keep_at, raise_at))
            ordinary = figures([None] * len(ordinary_rules),
                               decide(ordinary_rules, ordinary_screened, ordinary_scores, keep_at, raise_at))
            if (ordinary["false_alarms"] > ordinary_limit or f["false_alarms"] > base["false_alarms"] + 1e-9
                    or (f["urgent_precision"] or 0) < 0.75):
                continue
            key = (f["recall"], -f["false_alarms"])
            if best is None or key > best:
                best, choice = key, (keep_at, raise_at)
    return choice


def load() -> tuple[list[tuple[Screened, str]], list[Screened]]:
    labelled = []
    for name in SAFEGUARDING_SETS:
        group = name.removesuffix(".csv").removeprefix("safeguarding_")
        if any(tag in name for tag in _NEVER):
            raise SystemExit(f"{name} is kept blind")
        labelled += [(answer, group) for answer in read_screened(DATA_DIR / name)]
    # Ordinary feedback without the development negatives (those are labelled rows, scored out of fold).
    plain_ordinary = ordinary_feedback(())
    return labelled, plain_ordinary


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: list[str]) -> None:
    started = time.perf_counter()
    labelled, plain_ordinary = load()
    rows = build(labelled)
    ordinary_rows = build([(answer, "ordinary") for answer in plain_ordinary])
    print(f"features: {len(labelled)} labelled answers, {len(plain_ordinary)} ordinary, "
          f"{rows.features.shape[1]} features, {time.perf_counter() - started:.0f}s", file=sys.stderr)
    groups = sorted(set(rows.group))
    labels = np.asarray(rows.group)
    dev_negative = np.flatnonzero(~np.isin(labels, WRITERS) & np.asarray([g is None for g in rows.gold]))
    policies = {"raise only": (0.0,), "raise or drop": KEEP_GRID}
    print("FA-own: false alarms on the held-out set's no-concern rows; FA-ord: on ordinary feedback (all), "
          "never trained on; keep@/raise@: thresholds picked from the training writers' out-of-fold scores")
    header = f"{'held out':<8} {'n+':>4} {'n-':>4} | {'current: rec':>12} {'u-prec':>6} {'FA-own':>6} {'FA-ord':>6} | before read"
    print(header)
    table = {name: [] for name in ["current", *policies]}
    for writer in WRITERS:
        training = np.flatnonzero(labels != writer)
        inner = rows.take(training)
        oof = out_of_fold(inner, [g for g in groups if g != writer])
        model = train(inner)
        held = rows.take(np.flatnonzero(labels == writer))
        held_scores = model.score(held)
        # ordinary feedback: its sentiment and demo texts by this fold's model (never trained on), and
        # the development sets' negatives out of fold (by a model trained without their file)
        position = {index: place for place, index in enumerate(training)}
        ordinary_scores = np.concatenate([model.score(ordinary_rows), oof[[position[i] for i in dev_negative]]])
        ordinary_rules = ordinary_rows.rules + [rows.rules[i] for i in dev_negative]
        ordinary_screened = ordinary_rows.screened + [rows.screened[i] for i in dev_negative]
        nobody = [None] * len(ordinary_rules)
        writers_in = np.flatnonzero(np.isin(np.asarray(inner.group), WRITERS))
        now, now_ordinary = figures(held.gold, held.screened), figures(nobody, ordinary_screened)
        table["current"].append((held.gold, held.screened))
        print(f"{writer:<8} {now['n_concern']:>4} {len(held.gold) - now['n_concern']:>4} | {_fmt(now['recall']):>12} "
              f"{_fmt(now['urgent_precision']):>6} {_fmt(now['false_alarms']):>6} {_fmt(now_ordinary['false_alarms']):>6} "
              f"| {_fmt(BEFORE_READ.get(writer))}", flush=True)
        for name, keeps in policies.items():
            keep_at, raise_at = pick([inner.gold[i] for i in writers_in], [inner.rules[i] for i in writers_in],
                                     [inner.screened[i] for i in writers_in], oof[writers_in],
                                     ordinary_rules, ordinary_screened, ordinary_scores, keeps=keeps)
            said = decide(held.rules, held.screened, held_scores, keep_at, raise_at)
            new, new_ordinary = figures(held.gold, said), figures(nobody, decide(ordinary_rules, ordinary_screened,
                                                                                   ordinary_scores, keep_at, raise_at))
            table[name].append((held.gold, said))
            print(f"{'':<8} {'':>4} {'':>4} | {name + ': rec':>14} {_fmt(new['recall'])} {_fmt(new['urgent_precision']):>6} "
                  f"{_fmt(new['false_alarms']):>6} {_fmt(new_ordinary['false_alarms']):>6} | keep@{keep_at} raise@{raise_at}",
                  flush=True)
        if "--grid" in argv:
            keeps, raises = ((1.01,), (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)) if "--replace" in argv else (KEEP_GRID, RAISE_GRID)
            for keep_at in keeps:
                for raise_at in raises:
                    f = figures(held.gold, decide(held.rules, held.screened, held_scores, keep_at, raise_at))
                    o = figures(nobody, decide(ordinary_rules, ordinary_screened, ordinary_scores, keep_at, raise_at))
                    print(f"{'':<8}   hindsight keep@{keep_at} raise@{raise_at}: rec {_fmt(f['recall'])} "
                          f"u-prec {_fmt(f['urgent_precision'])} FA-own {_fmt(f['false_alarms'])} "
                          f"FA-ord {_fmt(o['false_alarms'])}")
    for name, parts in table.items():
        f = figures([g for gold, _ in parts for g in gold], [s for _, said in parts for s in said])
        print(f"pooled {name}: recall {_fmt(f['recall'])}, urgent precision {_fmt(f['urgent_precision'])}, "
              f"false alarms on held-out no-concern rows {_fmt(f['false_alarms'])}")
    print(f"total {time.perf_counter() - started:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
