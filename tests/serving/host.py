"""Test helpers: a two-version model root with labels, served by the TF Serving stand-in on loopback."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from answerbot.encoders.inprocess import SavedModelEncoder
from answerbot.serving_host.registry import ModelRegistry

__all__ = [
    "ServingHost",
    "export_untrained_version",
    "models_config_text",
    "serve",
    "shared_host",
    "two_version_root",
]


def export_untrained_version(vocab_path: Path, model_root: Path, version: int, seed: int = 7) -> Path:
    """Export a seeded, untrained tower over ``vocab_path`` (cheap: no training) as ``version``."""
    import keras

    from answerbot.model.encoder import SharedEncoder
    from answerbot.model.export import export_model
    from answerbot.model.training import TrainConfig, TrainedModel
    from answerbot.model.vocab import read_vocab

    keras.utils.set_random_seed(seed)
    vocab_size = len(read_vocab(vocab_path))
    matrix = np.random.default_rng(seed).standard_normal((vocab_size, 8)).astype(np.float32)
    matrix[0] = 0.0
    config = TrainConfig(hidden=8, output_dim=8)
    encoder = SharedEncoder(vocab_size, 8, hidden=8, output_dim=8, embedding_matrix=matrix)
    encoder(np.ones((1, 3), dtype=np.int64))
    model = TrainedModel(encoder, vocab_path, config, record={"table": {"languages": ["en"], "strategy": "test"}})
    return export_model(model, model_root, version=version)


def two_version_root(tiny_model_root: Path, target: Path) -> Path:
    """``target/answerbot/{1,2}``: 1 is the session's tiny model, 2 an untrained variant."""
    root = target / "answerbot"
    root.mkdir(parents=True)
    shutil.copytree(tiny_model_root / "1", root / "1")
    export_untrained_version(tiny_model_root.parent / "run" / "vocab.txt", root, 2)
    return root


def models_config_text(base_path: Path, stable: int = 1, canary: int = 2) -> str:
    """A models.config like ``serving/models.config``, pointing at ``base_path``."""
    return f"""
model_config_list {{
  config {{
    name: "answerbot"
    base_path: "{base_path}"
    model_platform: "tensorflow"
    model_version_policy {{ specific {{ versions: {stable} versions: {canary} }} }}
    version_labels {{ key: "stable" value: {stable} }}
    version_labels {{ key: "canary" value: {canary} }}
  }}
}}
"""


@dataclass
class ServingHost:
    """A running stand-in: the registry, its gRPC target and REST base URL."""

    registry: ModelRegistry
    root: Path
    grpc_target: str
    rest_url: str
    _local: dict[str, SavedModelEncoder] = field(default_factory=dict)

    def local(self, version: str) -> SavedModelEncoder:
        """The in-process encoder of ``version`` (loaded once): the reference the clients must match."""
        if version not in self._local:
            self._local[version] = SavedModelEncoder(self.root / version)
        return self._local[version]


@contextmanager
def serve(root: Path) -> Iterator[ServingHost]:
    """Serve ``root`` (versions 1 stable, 2 canary) over gRPC and REST on free loopback ports."""
    from answerbot.serving_host.grpc_service import start_grpc
    from answerbot.serving_host.registry import parse_models_config
    from answerbot.serving_host.rest_service import start_rest

    registry = ModelRegistry.from_config(parse_models_config(models_config_text(root)))
    grpc_server, grpc_port = start_grpc(registry, "127.0.0.1", 0)
    rest_server, rest_port = start_rest(registry, "127.0.0.1", 0)
    try:
        yield ServingHost(registry, root, f"127.0.0.1:{grpc_port}", f"http://127.0.0.1:{rest_port}")
    finally:
        grpc_server.stop(0)
        rest_server.shutdown()
        rest_server.server_close()


class _Shared:
    users = 0
    host: ServingHost | None = None
    context: AbstractContextManager[ServingHost] | None = None


def shared_host(tiny_model_root: Path, tmp_path_factory) -> Iterator[ServingHost]:
    """One stand-in per test session, shared by the session fixtures of several test folders."""
    if _Shared.users == 0:
        _Shared.context = serve(two_version_root(tiny_model_root, tmp_path_factory.mktemp("served")))
        _Shared.host = _Shared.context.__enter__()
    _Shared.users += 1
    try:
        assert _Shared.host is not None
        yield _Shared.host
    finally:
        _Shared.users -= 1
        if _Shared.users == 0 and _Shared.context is not None:
            _Shared.context.__exit__(None, None, None)
            _Shared.host = _Shared.context = None
