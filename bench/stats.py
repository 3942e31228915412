"""Statistics of the benchmarks: percentiles of latencies, and the median of repetitions with its spread.

Every figure in docs/performance.md is the median of several repetitions, shown with min–max so that a
noisy machine shows up as a wide range rather than as a wrong number.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between closest ranks (NumPy's default)."""
    if not values:
        raise ValueError("percentile of an empty sample")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """The median of repetitions and their spread."""

    median: float
    low: float
    high: float
    q1: float
    q3: float
    n: int

    @property
    def spread(self) -> float:
        """max − min, relative to the median (0 for a single repetition)."""
        return (self.high - self.low) / self.median if self.median else 0.0

    def fmt(self, digits: int = 1, unit: str = "") -> str:
        """"12.3 (11.9–13.0)" with an optional unit after the median."""
        if self.n == 1:
            return f"{self.median:.{digits}f}{unit}"
        return f"{self.median:.{digits}f}{unit} ({self.low:.{digits}f}–{self.high:.{digits}f})"

    def as_dict(self) -> dict[str, float]:
        return {"median": self.median, "min": self.low, "max": self.high, "q1": self.q1, "q3": self.q3, "n": self.n}


def summarise(values: Iterable[float]) -> Summary:
    """Median, min, max and quartiles of the repetitions of one measurement."""
    sample = [float(v) for v in values]
    if not sample:
        raise ValueError("summary of an empty sample")
    return Summary(
        median=statistics.median(sample),
        low=min(sample),
        high=max(sample),
        q1=percentile(sample, 25),
        q3=percentile(sample, 75),
        n=len(sample),
    )


@dataclass(frozen=True)
class LatencyRun:
    """One load run: how many requests, how long, and their latencies in seconds."""

    requests: int
    errors: int
    seconds: float
    latencies: tuple[float, ...]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        """A latency percentile in milliseconds."""
        return percentile(self.latencies, q) * 1000 if self.latencies else float("nan")


def ratio(value: float, baseline: float) -> float:
    """value / baseline, NaN when there is no baseline to compare with."""
    return value / baseline if baseline else float("nan")


def verdict(met: bool) -> str:
    return "met ✅" if met else "missed ❌"
