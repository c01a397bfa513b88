"""The re-encoding job's Ray Data engine: ``map_batches`` over an actor pool, each actor holding an encoder.

The driver streams pending articles from the store (as the local engine does), groups them into chunks of
``chunk_rows`` articles, and runs each chunk as a Ray dataset: ``from_items`` -> ``map_batches(_EncodeActor,
concurrency=actors)`` -> ``iter_batches`` back to the driver, which writes each batch to the store in its own
transaction (so resumability and the atomic switch are the local job's). Actors build the encoder from the
driver's settings pinned to model version N: ``model_root/N`` in-process (the folder must be readable on
every node) or TF Serving (``ANSWERBOT_ENCODER=grpc|rest``, serving version N). The actor pool is made per
chunk; a chunk is large so that loading the model is paid rarely.

``ray`` is an optional dependency (``pip install 'answerbot[ray]'``), imported only here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from answerbot.service.encoding import encode_checked
from answerbot.service.reencode import Engine, Page, encoder_for_version
from answerbot.settings import Settings
from answerbot.text import article_text

__all__ = ["RayOptions", "init_ray", "ray_engine"]


class RayOptions:
    """Where and how wide: ``address`` (None: a local Ray), actors, CPUs per actor, batch and chunk sizes."""

    def __init__(
        self,
        address: str | None = None,
        actors: int = 2,
        cpus_per_actor: float = 1.0,
        batch_size: int = 256,
        chunk_rows: int = 50_000,
        local_cpus: int | None = None,
    ) -> None:
        if actors < 1 or batch_size < 1 or chunk_rows < 1:
            raise ValueError(
                f"actors={actors}, batch_size={batch_size}, chunk_rows={chunk_rows}: each must be at least 1"
            )
        self.address = address
        self.actors = actors
        self.cpus_per_actor = cpus_per_actor
        self.batch_size = batch_size
        self.chunk_rows = chunk_rows
        self.local_cpus = local_cpus


def init_ray(options: RayOptions) -> bool:
    """Connect to ``options.address`` or start a local Ray; True when this call started it (shut it down after)."""
    try:
        import ray
    except ImportError as e:
        raise ValueError("--engine ray needs Ray Data: pip install 'answerbot[ray]' (or 'ray[data]')") from e
    if ray.is_initialized():
        return False
    if options.address is not None:
        ray.init(address=options.address, include_dashboard=False, log_to_driver=False)
    else:
        ray.init(num_cpus=options.local_cpus, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    return True


class _EncodeActor:
    """Holds one encoder of model version N; encodes a batch of texts."""

    def __init__(self, settings: dict[str, Any], version: str) -> None:
        self.encoder = encoder_for_version(Settings(**settings), version)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = encode_checked(self.encoder, [str(t) for t in batch["text"]])
        return {"row": batch["row"], "vector": vectors}


def _chunks(pages: Iterable[Page], rows: int) -> Iterator[Page]:
    chunk: Page = []
    for page in pages:
        chunk.extend(page)
        if len(chunk) >= rows:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ray_engine(settings: Settings, version: str, options: RayOptions) -> Engine:
    """An Engine encoding on Ray (``init_ray`` first); actors build the encoder from ``settings`` at ``version``."""
    import ray

    config = settings.model_dump(mode="json", exclude={"admin_key"})

    def run(pages: Iterable[Page]) -> Iterator[tuple[Page, np.ndarray]]:
        for chunk in _chunks(pages, options.chunk_rows):
            items = [{"row": i, "text": article_text(a.title, a.body)} for i, a in enumerate(chunk)]
            dataset = ray.data.from_items(items).map_batches(
                _EncodeActor,
                fn_constructor_args=(config, version),
                concurrency=options.actors,
                num_cpus=options.cpus_per_actor,
                batch_size=options.batch_size,
                batch_format="numpy",
            )
            for out in dataset.iter_batches(batch_size=None, batch_format="numpy"):
                yield [chunk[int(i)] for i in out["row"]], np.asarray(out["vector"], dtype=np.float32)

    return run
