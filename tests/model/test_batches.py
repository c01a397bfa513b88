import numpy as np

from answerbot.model.batches import make_batches


def test_every_item_lands_once_in_batches_of_at_most_the_size():
    items = list(range(103))
    batches = make_batches(items, 10, np.random.default_rng(0))
    flat = [x for b in batches for x in b]
    assert sorted(flat) == items
    assert max(len(b) for b in batches) == 10


def test_batches_of_one_item_are_dropped():
    batches = make_batches(list(range(21)), 10, np.random.default_rng(0))
    assert all(len(b) >= 2 for b in batches)
    assert sum(len(b) for b in batches) == 20


def test_group_keeps_full_batches_within_one_group():
    items = [(g, i) for g in "ab" for i in range(20)]
    batches = make_batches(items, 10, np.random.default_rng(1), group=lambda x: x[0])
    assert len(batches) == 4
    assert all(len({g for g, _ in b}) == 1 for b in batches)


def test_length_bucketing_puts_similar_lengths_together():
    items = ["x" * n for n in range(1, 201)]
    batches = make_batches(items, 10, np.random.default_rng(2), length=len)
    spreads = [max(map(len, b)) - min(map(len, b)) for b in batches]
    assert max(spreads) == 9  # 200 items in one bucket span: each batch is 10 consecutive lengths
