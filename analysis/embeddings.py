"""The sentence embedder every analysis shares: wordllama, loaded from its own wheel, never the network.

wordllama calls ``logging.basicConfig(level=INFO)`` when imported, which would turn on every
library's INFO logs (httpx's include the bot token in the request URL). The import here leaves
the logging set-up exactly as it found it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import numpy as np

Embed = Callable[[Sequence[str]], np.ndarray]


@cache
def embedder() -> Embed:
    """Unit-length float32 vectors, one row per text."""
    model = _load()

    def embed(texts: Sequence[str]) -> np.ndarray:
        vectors = np.asarray(model.embed(list(texts)), dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)

    return embed


def _load():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import wordllama
        from wordllama import WordLlama
    finally:
        root.handlers[:], root.level = handlers, level
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
