"""Helpers for the word-frequency notebook: a local module, imported from the notebook's folder."""
import random
import re
from collections import Counter

WORDS = ("data notebook kernel cell trace audit repeat lineage file worker task graph "
         "cluster scheduler result value table figure model sample").split()


def make_corpus(seed, n_docs, words_per_doc=120):
    """Deterministic documents: a seeded generator, never the global one."""
    rnd = random.Random(seed)
    return ["\n".join(" ".join(rnd.choice(WORDS) for _ in range(12)) for _ in range(words_per_doc // 12))
            for _ in range(n_docs)]


def count_words(path):
    """Runs in a worker process: reads one document and counts its words."""
    with open(path) as f:
        return Counter(re.findall(r"[a-z]+", f.read().lower()))
