"""Build the configured encoder from settings (the one place the API and CLI get an encoder from).

``ANSWERBOT_ENCODER`` picks the client: ``inprocess`` (default; the latest, or the pinned, version
under ``ANSWERBOT_MODEL_ROOT``), ``grpc`` (TF Serving at ``ANSWERBOT_SERVING_GRPC_TARGET``) or
``rest`` (TF Serving at ``ANSWERBOT_SERVING_REST_URL``).
"""

from __future__ import annotations

import logging

from answerbot.encoders.base import Encoder, EncoderError
from answerbot.settings import Settings

__all__ = ["ENCODER_KINDS", "build_encoder", "size_tensorflow_threads"]

log = logging.getLogger(__name__)

ENCODER_KINDS = ("inprocess", "grpc", "rest")


def build_encoder(settings: Settings) -> Encoder:
    """The encoder named by ``settings.encoder``; TensorFlow is imported only here, lazily."""
    kind = settings.encoder
    version, label = settings.serving_model_version, settings.serving_model_label
    if kind == "inprocess":
        from answerbot.encoders.inprocess import SavedModelEncoder

        if label is not None:
            raise EncoderError(
                f"ANSWERBOT_SERVING_MODEL_LABEL={label!r}: labels need TF Serving; unset it or set "
                "ANSWERBOT_ENCODER=grpc or rest"
            )
        size_tensorflow_threads(settings.tf_intra_op_threads, settings.tf_inter_op_threads)
        if version is not None:
            return SavedModelEncoder(settings.model_root / str(version))
        return SavedModelEncoder.latest(settings.model_root)
    if kind == "grpc":
        from answerbot.encoders.grpc import GrpcEncoder

        return GrpcEncoder(
            settings.serving_grpc_target,
            model_name=settings.serving_model_name,
            version=version,
            label=label,
            deadline_s=settings.serving_deadline_s,
            retries=settings.serving_retries,
        )
    if kind == "rest":
        from answerbot.encoders.rest import RestEncoder

        return RestEncoder(
            settings.serving_rest_url,
            model_name=settings.serving_model_name,
            version=version,
            label=label,
            timeout_s=settings.serving_deadline_s,
            retries=settings.serving_retries,
        )
    raise EncoderError(f"ANSWERBOT_ENCODER={kind!r}: choose one of {', '.join(ENCODER_KINDS)}")


def size_tensorflow_threads(intra_op: int, inter_op: int) -> None:
    """Set TensorFlow's thread pools (``ANSWERBOT_TF_INTRA_OP_THREADS`` / ``..._INTER_OP_THREADS``; 0 keeps its
    default, one thread per core each). TensorFlow fixes them when it first runs an op: a later different
    request is logged and ignored."""
    import tensorflow as tf

    threading = tf.config.threading
    for wanted, get, put, name in (
        (intra_op, threading.get_intra_op_parallelism_threads, threading.set_intra_op_parallelism_threads, "INTRA"),
        (inter_op, threading.get_inter_op_parallelism_threads, threading.set_inter_op_parallelism_threads, "INTER"),
    ):
        if wanted and get() != wanted:
            try:
                put(wanted)
            except RuntimeError:
                log.warning("ANSWERBOT_TF_%s_OP_THREADS=%d ignored: TensorFlow is already running", name, wanted)
