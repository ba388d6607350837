"""How matched signatures become a cause's score.

Signature evidence combines as a noisy-OR: each distinct matched fact is an independent reason
with confidence `weight`, so score = 1 - prod(1 - weight). Without any strong signature a cause
is capped: a bare 400 or 1006 may support a cause but never decides it.
"""

from __future__ import annotations

from collections.abc import Iterable

SUPPORTING_ONLY_CAP = 0.5


def signature_score(weights: Iterable[float], any_strong: bool) -> float:
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    score = 1.0 - miss
    return score if any_strong else min(score, SUPPORTING_ONLY_CAP)
