"""5-fold cross-validation of the sentiment classifier over its own training answers.

Used while developing to choose settings without touching a blind set: it trains on four fifths
of `analysis/training/` plus the team's sets and scores the fifth left out, per voice. The
lexicon was partly written from these answers, so the figures flatter it; compare settings with
it, do not report it as a measure.

    python -m analysis.tools.crossvalidate_sentiment
"""

from __future__ import annotations

import random

import numpy as np

from analysis import sentiment
from analysis.embeddings import embedder
from analysis.evaluate import macro_f1
from analysis.patterns import normalise


def crossvalidate(folds: int = 5, seed: int = 7) -> dict[str, float]:
    answers = sentiment.training_answers()
    order = list(range(len(answers)))
    random.Random(seed).shuffle(order)
    embed = embedder()
    gold: dict[str, list[str]] = {"adult patients": [], "youth justice": []}
    predicted: dict[str, list[str]] = {"adult patients": [], "youth justice": []}
    for fold in range(folds):
        held = set(order[fold::folds])
        model = sentiment.train([answers[i] for i in order if i not in held], embed)
        for i in held:
            answer = answers[i]
            rules = sentiment._score(answer.text, answer.question_kind)
            if sentiment._short_rule(answer.text, answer.question_kind) is not None:
                label = rules.label
            else:
                features = sentiment._features(embed([normalise(answer.text)])[0], answer.text,
                                               answer.question_kind, rules)
                label = sentiment.LABELS[int(np.argmax(model.probabilities(features)))]
            voice = "adult patients" if answer.audience == "adult_patient" else "youth justice"
            gold[voice].append(answer.label)
            predicted[voice].append(label)
    return {voice: macro_f1(gold[voice], predicted[voice]) for voice in gold}


if __name__ == "__main__":
    for voice, figure in crossvalidate().items():
        print(f"{voice}: macro-F1 {figure:.3f} (5-fold, over the training answers)")
