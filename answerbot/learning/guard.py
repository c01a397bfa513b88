"""The promotion guard: a candidate replaces the serving model only if it is not worse on any figure.

Every figure is higher-is-better; "not worse" allows ``tolerance`` (0.01) below the serving model's value,
so evaluation noise does not block a candidate that is as good. A figure the serving model has and the
candidate lacks counts as worse. A per-round tolerance compounds (two rounds may lose 0.02), so a ``floor``
(the benchmark figures of an earlier version, e.g. the first one served) must be kept within the same
tolerance too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["TOLERANCE", "Decision", "decide"]

TOLERANCE = 0.01


@dataclass(frozen=True)
class Decision:
    """Whether to promote, and per figure: serving, candidate, difference and whether it blocked."""

    promote: bool
    tolerance: float
    figures: dict[str, dict[str, float | bool | None]] = field(default_factory=dict)

    @property
    def worse(self) -> list[str]:
        return [name for name, row in self.figures.items() if row["worse"]]

    def reason(self) -> str:
        if self.promote:
            return (
                f"not worse than the serving model on any of {len(self.figures)} figures (tolerance {self.tolerance})"
            )
        parts = []
        for name in self.worse:
            row = self.figures[name]
            floor = row.get("floor")
            bar = row["serving"] if floor is None else max(row["serving"], floor)  # type: ignore[type-var]
            parts.append(f"{name} {row['candidate']} < {bar} - {self.tolerance}")
        return "worse on " + "; ".join(parts)


def decide(
    serving: Mapping[str, float],
    candidate: Mapping[str, float],
    tolerance: float = TOLERANCE,
    floor: Mapping[str, float] | None = None,
) -> Decision:
    """Compare every figure of the serving model (and of the ``floor``, where it has the figure) with the
    candidate's."""
    if tolerance < 0:
        raise ValueError(f"tolerance={tolerance}: must be >= 0")
    if not serving:
        raise ValueError("serving: no figures to compare; evaluate the serving model first")
    rows: dict[str, dict[str, float | bool | None]] = {}
    for name, old in serving.items():
        new = candidate.get(name)
        bar = max(old, floor[name]) if floor and name in floor else old
        worse = new is None or new < bar - tolerance
        rows[name] = {
            "serving": round(old, 4),
            "floor": round(floor[name], 4) if floor and name in floor else None,
            "candidate": None if new is None else round(new, 4),
            "difference": None if new is None else round(new - old, 4),
            "worse": worse,
        }
    return Decision(not any(row["worse"] for row in rows.values()), tolerance, rows)
