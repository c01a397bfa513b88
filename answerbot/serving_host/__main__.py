"""``python -m answerbot.serving_host``: the stand-in, with ``tensorflow_model_server``'s main flags."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import threading
from pathlib import Path

from answerbot.serving_host.grpc_service import start_grpc
from answerbot.serving_host.registry import ModelRegistry
from answerbot.serving_host.rest_service import start_rest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m answerbot.serving_host", description=__doc__)
    parser.add_argument("--port", type=int, default=8500, help="gRPC port")
    parser.add_argument("--rest_api_port", type=int, default=8501, help="REST port (0: no REST)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--model_config_file", type=Path, help="models.config (text ModelServerConfig)")
    parser.add_argument("--model_name", default="answerbot")
    parser.add_argument("--model_base_path", type=Path, help="used without --model_config_file")
    parser.add_argument(
        "--path_prefix_rewrite", default=None, help="OLD=NEW: map base_path prefixes, e.g. /models=serving/models"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    rewrite = tuple(args.path_prefix_rewrite.split("=", 1)) if args.path_prefix_rewrite else None
    if args.model_config_file:
        registry = ModelRegistry.from_config_file(args.model_config_file, rewrite)  # type: ignore[arg-type]
    elif args.model_base_path:
        registry = ModelRegistry.single(args.model_name, args.model_base_path)
    else:
        parser.error("give --model_config_file or --model_base_path")
    grpc_server, grpc_port = start_grpc(registry, args.host, args.port)
    logging.info("gRPC PredictionService on %s:%d", args.host, grpc_port)
    if args.rest_api_port:
        _, rest_port = start_rest(registry, args.host, args.rest_api_port)
        logging.info("REST API on http://%s:%d", args.host, rest_port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    grpc_server.stop(1)


if __name__ == "__main__":
    main()
