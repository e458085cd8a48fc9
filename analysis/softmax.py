"""Multinomial logistic regression, small enough to train at first use: the sentiment and
safeguarding classifiers both sit on it, each with its own class weights.
"""

from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def train_softmax(features: np.ndarray, targets: np.ndarray, row_weight: np.ndarray, *, steps: int, rate: float,
                  l2: float) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch Adam on the weighted cross-entropy; ``targets`` one-hot, ``row_weight`` one column."""
    weights = np.zeros((features.shape[1], targets.shape[1]), dtype=features.dtype)
    bias = np.zeros(targets.shape[1], dtype=features.dtype)
    moments = [np.zeros_like(weights), np.zeros_like(weights), np.zeros_like(bias), np.zeros_like(bias)]
    for step in range(1, steps + 1):
        error = (softmax(features @ weights + bias) - targets) * row_weight
        for index, (param, grad) in enumerate(((weights, features.T @ error + l2 * weights), (bias, error.sum(axis=0)))):
            first, second = moments[2 * index], moments[2 * index + 1]
            first *= 0.9
            first += 0.1 * grad
            second *= 0.999
            second += 0.001 * grad * grad
            param -= rate * (first / (1 - 0.9 ** step)) / (np.sqrt(second / (1 - 0.999 ** step)) + 1e-8)
    return weights, bias
