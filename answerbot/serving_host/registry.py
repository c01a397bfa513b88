"""Served models: ``models.config`` -> loaded SavedModel versions, labels, and signature runs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import tensorflow as tf
from google.protobuf import text_format
from tensorflow.core.protobuf import meta_graph_pb2, saved_model_pb2
from tensorflow_serving.config import model_server_config_pb2

__all__ = ["LoadedVersion", "ModelRegistry", "ServedModel", "ServingError", "SignatureRunner", "parse_models_config"]

log = logging.getLogger(__name__)

WARMUP_PATH = Path("assets.extra") / "tf_serving_warmup_requests"


class ServingError(Exception):
    """A request the server refuses; ``code`` is the gRPC status name (NOT_FOUND, INVALID_ARGUMENT, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class LoadedVersion:
    """One loaded SavedModel version: its callable signatures and their ``SignatureDef`` protos."""

    name: str
    version: int
    path: Path
    functions: dict[str, Any]
    signature_defs: dict[str, meta_graph_pb2.SignatureDef]

    def check_inputs(self, signature: str, inputs: dict[str, np.ndarray]) -> None:
        """Refuse an unknown signature or inputs that do not match it, as TF Serving words it."""
        if signature not in self.signature_defs:
            raise ServingError("INVALID_ARGUMENT", f'Serving signature key "{signature}" not found.')
        expected = set(self.signature_defs[signature].inputs)
        if set(inputs) != expected:
            raise ServingError(
                "INVALID_ARGUMENT",
                f"input size does not match signature: {len(inputs)}!={len(expected)} "
                f"len({{{','.join(sorted(inputs))}}}) != len({{{','.join(sorted(expected))}}}). "
                f"Sent extra: {sorted(set(inputs) - expected)}. "
                f"Missing but required: {sorted(expected - set(inputs))}.",
            )

    def run(self, signature: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Run ``signature`` on numpy inputs; errors as TF Serving words them."""
        signature = signature or "serving_default"
        self.check_inputs(signature, inputs)
        try:
            outputs = self.functions[signature](**{k: tf.constant(v) for k, v in inputs.items()})
        except (tf.errors.InvalidArgumentError, TypeError, ValueError) as e:
            raise ServingError("INVALID_ARGUMENT", str(e).splitlines()[0]) from e
        return {k: np.asarray(v.numpy(), dtype=object if v.dtype == tf.string else None) for k, v in outputs.items()}


def _signature_defs(version_dir: Path) -> dict[str, meta_graph_pb2.SignatureDef]:
    saved = saved_model_pb2.SavedModel.FromString((version_dir / "saved_model.pb").read_bytes())
    defs = saved.meta_graphs[0].signature_def
    return {k: defs[k] for k in defs if not k.startswith("__")}


def load_version(name: str, version_dir: Path, warmup: bool = True) -> LoadedVersion:
    """Load one version folder; replay its warmup records like TF Serving does."""
    loaded = tf.saved_model.load(str(version_dir))
    defs = _signature_defs(version_dir)
    functions = {k: loaded.signatures[k] for k in defs}
    result = LoadedVersion(name, int(version_dir.name), version_dir, functions, defs)
    result.loaded = loaded  # type: ignore[attr-defined]  # keeps the resources alive
    if warmup and (version_dir / WARMUP_PATH).is_file():
        count = replay_warmup(result)
        log.info("model %s version %s: replayed %d warmup records", name, result.version, count)
    return result


def replay_warmup(loaded: LoadedVersion) -> int:
    """Run every ``predict_log`` record of the version's warmup file; return how many ran."""
    from tensorflow_serving.apis import prediction_log_pb2

    count = 0
    for raw in tf.data.TFRecordDataset(str(loaded.path / WARMUP_PATH)):
        record = prediction_log_pb2.PredictionLog.FromString(raw.numpy())
        if record.WhichOneof("log_type") != "predict_log":
            raise ServingError("UNIMPLEMENTED", f"{loaded.path}: warmup record of type {record.WhichOneof('log_type')}")
        request = record.predict_log.request
        loaded.run(request.model_spec.signature_name, {k: tf.make_ndarray(v) for k, v in request.inputs.items()})
        count += 1
    return count


@dataclass
class ServedModel:
    """One model of ``models.config``: its loaded versions and labels."""

    name: str
    versions: dict[int, LoadedVersion]
    labels: dict[str, int] = field(default_factory=dict)

    def resolve(self, version: int | None = None, label: str | None = None) -> LoadedVersion:
        if version is not None:
            if version not in self.versions:
                raise ServingError("NOT_FOUND", f"Servable not found for request: Specific({self.name}, {version})")
            return self.versions[version]
        if label:
            if label not in self.labels:
                raise ServingError("NOT_FOUND", f"Unrecognized servable version label: {label}")
            return self.versions[self.labels[label]]
        return self.versions[max(self.versions)]


def _policy_versions(config: model_server_config_pb2.ModelConfig, available: list[int]) -> list[int]:
    policy = config.model_version_policy
    kind = policy.WhichOneof("policy_choice")
    if kind == "all":
        return available
    if kind == "specific":
        missing = sorted(set(policy.specific.versions) - set(available))
        if missing:
            raise ValueError(
                f"model {config.name!r}: versions {missing} of model_version_policy.specific are not under "
                f"{config.base_path}; export them or drop them from models.config"
            )
        return sorted(policy.specific.versions)
    keep = policy.latest.num_versions if kind == "latest" and policy.latest.num_versions else 1
    return available[-keep:]


def parse_models_config(text: str) -> model_server_config_pb2.ModelServerConfig:
    """A ``models.config`` (text-format ``ModelServerConfig``) parsed with the real proto."""
    return text_format.Parse(text, model_server_config_pb2.ModelServerConfig())


class SignatureRunner(Protocol):
    """Runs a signature for a request (``BatchScheduler`` merges concurrent requests)."""

    def run(self, loaded: LoadedVersion, signature: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]: ...


class ModelRegistry:
    """The models one server hosts, keyed by name; ``batching`` (when set) runs the Predict calls."""

    def __init__(self, models: dict[str, ServedModel], batching: SignatureRunner | None = None) -> None:
        self.models = models
        self.batching = batching

    def predict(self, loaded: LoadedVersion, signature: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """A client's Predict: through the batch scheduler when batching is on, else a direct run."""
        signature = signature or "serving_default"
        if self.batching is None:
            return loaded.run(signature, inputs)
        return self.batching.run(loaded, signature, inputs)

    @classmethod
    def from_config(
        cls, config: model_server_config_pb2.ModelServerConfig, rewrite: tuple[str, str] | None = None
    ) -> ModelRegistry:
        """Load every model of ``config``; ``rewrite=(old, new)`` maps base path prefixes (container -> host)."""
        models = {}
        for model in config.model_config_list.config:
            base = model.base_path
            if rewrite and base.startswith(rewrite[0]):
                base = rewrite[1] + base[len(rewrite[0]) :]
            root = Path(base)
            available = sorted(int(p.name) for p in root.glob("*") if p.is_dir() and p.name.isdigit())
            if not available:
                raise ValueError(f"model {model.name!r}: no numeric version folder under base_path {root}")
            wanted = _policy_versions(model, available)
            labels = dict(model.version_labels)
            unloaded = {k: v for k, v in labels.items() if v not in wanted}
            if unloaded:
                raise ValueError(
                    f"model {model.name!r}: version_labels {unloaded} point at versions that are not loaded "
                    f"(loaded: {wanted}); fix model_version_policy or the labels"
                )
            versions = {v: load_version(model.name, root / str(v)) for v in wanted}
            models[model.name] = ServedModel(model.name, versions, labels)
        return cls(models)

    @classmethod
    def from_config_file(cls, path: Path, rewrite: tuple[str, str] | None = None) -> ModelRegistry:
        return cls.from_config(parse_models_config(Path(path).read_text(encoding="utf-8")), rewrite)

    @classmethod
    def single(cls, name: str, base_path: Path) -> ModelRegistry:
        """Like ``--model_name NAME --model_base_path PATH``: the latest version only."""
        return cls.from_config(
            parse_models_config(
                f'model_config_list {{ config {{ name: "{name}" base_path: '
                f'"{Path(base_path).resolve()}" model_platform: "tensorflow" }} }}'
            )
        )

    def resolve(self, name: str, version: int | None = None, label: str | None = None) -> LoadedVersion:
        if name not in self.models:
            raise ServingError("NOT_FOUND", f"Servable not found for request: Latest({name})")
        return self.models[name].resolve(version, label)
