"""The Ray Data engine (local Ray, 2 CPUs) writes the same vectors as the local engine and switches the same way."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from answerbot.service.reencode import ReencodeOptions, local_engine, run_reencode
from answerbot.store import Store
from tests.batch.conftest import ACCOUNTS, batch_settings, seed_store, vectors_of

ray = pytest.importorskip("ray", reason="Ray Data is the 'ray' extra: pip install 'answerbot[ray]'")


def test_ray_engine_gives_the_same_vectors_as_the_local_engine(tmp_path, model_root, encoders) -> None:
    from answerbot.batch.ray_engine import RayOptions, init_ray, ray_engine

    local_settings = batch_settings(tmp_path / "local", model_root)
    store = seed_store(local_settings, encoders["1"], 40)
    store.close()
    ray_settings = batch_settings(tmp_path / "ray", model_root)
    ray_settings.store_path.parent.mkdir(parents=True)
    shutil.copy(local_settings.store_path, ray_settings.store_path)

    local_store = Store.sqlite(local_settings.store_path)
    run_reencode(local_store, "2", local_engine(encoders["2"]), ReencodeOptions("2", batch_size=16))
    options = RayOptions(actors=2, batch_size=16, local_cpus=2)
    started = init_ray(options)
    try:
        ray_store = Store.sqlite(ray_settings.store_path)
        summary = run_reencode(ray_store, "2", ray_engine(ray_settings, "2", options), ReencodeOptions("2"))
    finally:
        if started:
            ray.shutdown()
    assert summary.encoded == 80 and sorted(summary.switched) == sorted(ACCOUNTS)
    want, got = vectors_of(local_store, "2"), vectors_of(ray_store, "2")
    assert got.keys() == want.keys() and len(got) == 80
    assert max(float(np.abs(got[k] - want[k]).max()) for k in want) <= 1e-6
    assert {ray_store.accounts.active_version(a) for a in ACCOUNTS} == {"2"}
    local_store.close()
    ray_store.close()
