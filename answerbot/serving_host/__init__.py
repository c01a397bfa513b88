"""A protocol-faithful stand-in for TensorFlow Serving, for tests, benchmarks and local runs.

It loads SavedModel versions the way ``tensorflow_model_server`` does (``models.config`` with
version policies and labels, numeric version folders, warmup records replayed at load) and speaks
its protocols: the generated gRPC ``PredictionService`` (``Predict``, ``GetModelMetadata``) and the
REST API (``/v1/models/NAME[/versions/N|/labels/L][:predict|/metadata]``). With
``--enable_batching`` it batches concurrent requests as ``--batching_parameters_file`` tells it
(``answerbot.serving_host.batching``), like the real server.
"""

from answerbot.serving_host.registry import LoadedVersion, ModelRegistry, ServingError

__all__ = ["LoadedVersion", "ModelRegistry", "ServingError"]
