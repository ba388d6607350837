"""Pure scoring functions shared by lookup and the diagnosis session (no networkx here).

Signature evidence combines as a noisy-OR: each distinct matched signature is an independent
reason with confidence `weight`, so score = 1 - prod(1 - weight). Without any strong signature a
cause is capped: a bare 400 or 1006 may support a cause but never decides it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

SUPPORTING_ONLY_CAP = 0.5


def signature_score(weights: Iterable[float], any_strong: bool) -> float:
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    score = 1.0 - miss
    return score if any_strong else min(score, SUPPORTING_ONLY_CAP)


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def normalise(log_scores: dict[str, float]) -> dict[str, float]:
    """Softmax: log scores -> probabilities that sum to 1."""
    if not log_scores:
        return {}
    top = max(log_scores.values())
    exp = {k: math.exp(v - top) for k, v in log_scores.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}


def entropy(probs: Iterable[float]) -> float:
    return -sum(p * math.log2(p) for p in probs if p > 0)
