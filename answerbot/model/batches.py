"""How training pairs are cut into batches: mixed or same-group (hard negatives), length-bucketed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

__all__ = ["make_batches"]

T = TypeVar("T")

#: Bucketing sorts this many batches' worth of shuffled items by length, then cuts them into batches.
BUCKET_SPAN = 32


def _bucketed(items: list[T], batch_size: int, length: Callable[[T], int]) -> list[list[T]]:
    batches = []
    span = batch_size * BUCKET_SPAN
    for start in range(0, len(items), span):
        chunk = sorted(items[start : start + span], key=length)
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    return batches


def make_batches(
    items: Sequence[T],
    batch_size: int,
    rng: np.random.Generator,
    group: Callable[[T], str] | None = None,
    length: Callable[[T], int] | None = None,
) -> list[list[T]]:
    """One epoch's batches, in random order; batches of one item are dropped (no negative in them).

    ``group``: items of a batch share a group (e.g. an account), so in-batch negatives are hard
    negatives from the same knowledge base; groups smaller than a batch pool their leftovers into
    mixed batches. ``length``: items of similar length share a batch (less padding, faster).
    """
    shuffled = [items[i] for i in rng.permutation(len(items))]
    cut: Callable[[list[T]], list[list[T]]] = (
        (lambda xs: _bucketed(xs, batch_size, length))
        if length is not None
        else (lambda xs: [xs[i : i + batch_size] for i in range(0, len(xs), batch_size)])
    )
    if group is None:
        batches = cut(shuffled)
    else:
        by_group: dict[str, list[T]] = defaultdict(list)
        for item in shuffled:
            by_group[group(item)].append(item)
        batches, leftovers = [], []
        for members in by_group.values():
            full = len(members) - len(members) % batch_size
            batches += cut(members[:full])
            leftovers += members[full:]
        batches += cut(leftovers)
    order = rng.permutation(len(batches))
    return [batches[i] for i in order if len(batches[i]) >= 2]
