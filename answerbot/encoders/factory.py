"""Build the configured encoder from settings (the one place the API and CLI get an encoder from).

``ANSWERBOT_ENCODER`` picks the client: ``inprocess`` (default; the latest, or the pinned, version
under ``ANSWERBOT_MODEL_ROOT``), ``grpc`` (TF Serving at ``ANSWERBOT_SERVING_GRPC_TARGET``) or
``rest`` (TF Serving at ``ANSWERBOT_SERVING_REST_URL``).
"""

from __future__ import annotations

from answerbot.encoders.base import Encoder, EncoderError
from answerbot.settings import Settings

__all__ = ["ENCODER_KINDS", "build_encoder"]

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
