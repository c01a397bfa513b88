"""``python -m answerbot.serving_host``: the stand-in, with ``tensorflow_model_server``'s main flags."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import threading
from pathlib import Path

from answerbot.serving_host.batching import BatchingOptions, BatchScheduler, load_batching_config
from answerbot.serving_host.grpc_service import start_grpc
from answerbot.serving_host.registry import ModelRegistry
from answerbot.serving_host.rest_service import start_rest


def _flag(value: str) -> bool:
    if value.lower() not in {"true", "false", "1", "0"}:
        raise argparse.ArgumentTypeError(f"{value!r}: use true or false")
    return value.lower() in {"true", "1"}


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
    parser.add_argument(
        "--enable_batching", type=_flag, nargs="?", const=True, default=False, help="batch concurrent requests"
    )
    parser.add_argument("--batching_parameters_file", type=Path, help="batching.config (text BatchingParameters)")
    args = parser.parse_args(argv)
    if args.batching_parameters_file and not args.enable_batching:
        parser.error("--batching_parameters_file needs --enable_batching=true")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    rewrite = tuple(args.path_prefix_rewrite.split("=", 1)) if args.path_prefix_rewrite else None
    if args.model_config_file:
        registry = ModelRegistry.from_config_file(args.model_config_file, rewrite)  # type: ignore[arg-type]
    elif args.model_base_path:
        registry = ModelRegistry.single(args.model_name, args.model_base_path)
    else:
        parser.error("give --model_config_file or --model_base_path")
    workers = 8
    if args.enable_batching:
        threads = os.cpu_count() or 1
        try:
            options = (
                load_batching_config(args.batching_parameters_file, threads)
                if args.batching_parameters_file
                else BatchingOptions(num_batch_threads=threads)
            )
        except ValueError as e:
            parser.error(str(e))
        registry.batching = BatchScheduler(options)
        workers = min(2 * options.max_batch_size, 256)  # enough waiting callers to fill a batch
        logging.info("batching across requests: %s", options)
    grpc_server, grpc_port = start_grpc(registry, args.host, args.port, workers=workers)
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
