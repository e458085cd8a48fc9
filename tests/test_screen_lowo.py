"""The round 6 experiment's learned signal (analysis/tools/screen_lowo.py): its pure parts."""

import numpy as np

from analysis.tools.screen_lowo import Rows, _answer_max, decide, figures, train


def test_an_answer_scores_as_its_most_worrying_segment():
    scores = np.array([0.1, 0.9, 0.3, 0.2, 0.5])
    owner = np.array([0, 0, 0, 1, 1])
    best, where = _answer_max(scores, owner, 2)
    assert best.tolist() == [0.9, 0.5]
    assert where.tolist() == [1, 4]


def test_a_rule_flag_always_stands_and_the_learned_score_only_adds_review():
    rules = ["urgent", None, None, None]
    screened = ["urgent", "review", None, None]
    scores = np.array([0.0, 0.0, 0.95, 0.1])
    assert decide(rules, screened, scores, keep_at=0.0, raise_at=0.9) == ["urgent", "review", "review", None]
    # raise or drop: a bank-layer flag the learned score finds ordinary is dropped, a rule's is not
    assert decide(rules, screened, scores, keep_at=0.05, raise_at=0.9) == ["urgent", None, "review", None]


def test_training_is_deterministic_and_learns_which_segment_matters():
    rng = np.random.default_rng(0)
    n = 60
    features, owner, gold = [], [], []
    for answer in range(n):
        worrying = answer % 2 == 0
        for segment in range(3):
            row = rng.normal(size=4).astype(np.float32)
            row[0] = 3.0 if worrying and segment == 1 else rng.normal()
            features.append(row)
            owner.append(answer)
        gold.append("urgent" if worrying else None)
    rows = Rows(np.asarray(features), np.asarray(owner), gold, gold, gold, ["x"] * n)
    first, second = train(rows), train(rows)
    assert np.array_equal(first.weights, second.weights)
    said = ["review" if score >= 0.5 else None for score in first.score(rows)]
    assert figures(gold, said)["recall"] >= 0.9
    assert figures(gold, said)["false_alarms"] <= 0.2
