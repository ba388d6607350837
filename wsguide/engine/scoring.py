"""Pure functions for the diagnosis session's probabilities (no networkx here)."""

from __future__ import annotations

import math
from collections.abc import Iterable


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
