import subprocess
import sys

from analysis.embeddings import embedder

_CHECK = """
import logging
from analysis.embeddings import embedder
embedder()(["warm up"])
root = logging.getLogger()
print(len(root.handlers), root.level)
"""


def test_loading_the_embedder_in_a_fresh_process_turns_on_no_logging():
    # wordllama's import calls logging.basicConfig(INFO): httpx would then log URLs holding the bot token.
    done = subprocess.run([sys.executable, "-c", _CHECK], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["0", "30"]  # no handler added, root still at WARNING


def test_vectors_are_unit_length_one_row_per_text():
    vectors = embedder()(["my worker listened to me", "the bus was late"])
    assert vectors.shape[0] == 2 and abs(float((vectors[0] ** 2).sum()) - 1) < 1e-4
