"""Batch re-encoding throughput (issue 7): the local job against the raw encoder, and Ray-local against local.

    .venv/bin/python bench/reencode.py [--articles 5000] [--batch-size 256] [--actors 2] [--no-ray]

Builds a SQLite store of ``--articles`` articles (the demo KB, cycled with a numbered suffix so every text
differs) in a temporary folder, a temporary model root with the demo model as version 1 (a copy of
``serving/models/answerbot/1``) and a training run (``--run``, default the demo build's
``var/builds/demo/run``) exported as version 2, then measures in
the same run:

- raw: ``SavedModelEncoder(version 2).encode`` over the same texts in batches of ``--batch-size``;
- local: ``run_reencode`` to version 2 with the local engine (store reads, encode, one write transaction
  per batch, the switch), same batch size;
- ray: the same job with the Ray Data engine on a local Ray (``--actors`` actors, 1 CPU each), timed with
  and without starting Ray.

Writes ``bench/results/reencode.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def build_model_root(root: Path, run: Path) -> None:
    from answerbot.model.export import export_model
    from answerbot.model.training import TrainedModel

    shutil.copytree(REPO / "serving/models/answerbot/1", root / "1")
    export_model(TrainedModel.load(run), root, 2)


def build_store(path: Path, n: int) -> list[str]:
    from answerbot.store import Store, StoredArticle, content_hash, utc_now
    from answerbot.text import article_text

    kb = [json.loads(line) for line in (REPO / "answerbot/demo/kb.jsonl").read_text().splitlines() if line.strip()]
    store = Store.sqlite(path)
    articles = []
    for i in range(n):
        doc = kb[i % len(kb)]
        account = f"account-{i % 10}"
        title, body = f"{doc['title']} ({i})", doc["body"]
        labels = tuple(doc.get("labels", []))
        articles.append(
            StoredArticle(
                account, f"a{i:06d}", title, body, doc.get("locale"), labels,
                content_hash(title, body, doc.get("locale"), labels), None, None, utc_now(),
            )
        )  # fmt: skip
    for start in range(0, n, 1000):
        store.articles.upsert_many(articles[start : start + 1000])
    store.close()
    return [article_text(a.title, a.body) for a in sorted(articles, key=lambda a: (a.account, a.article_id))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--no-ray", action="store_true")
    parser.add_argument("--run", type=Path, default=REPO / "var/builds/demo/run", help="run exported as version 2")
    args = parser.parse_args()

    from answerbot.encoders.inprocess import SavedModelEncoder
    from answerbot.service.reencode import ReencodeOptions, local_engine, run_reencode
    from answerbot.settings import Settings
    from answerbot.store import Store

    work = Path(tempfile.mkdtemp(prefix="bench-reencode-"))
    result: dict[str, Any] = {"articles": args.articles, "batch_size": args.batch_size}
    try:
        build_model_root(work / "models", args.run)
        texts = build_store(work / "local.sqlite", args.articles)
        shutil.copy(work / "local.sqlite", work / "ray.sqlite")
        encoder = SavedModelEncoder(work / "models" / "2", batch_size=args.batch_size)
        encoder.encode(texts[: args.batch_size])  # warm up

        began = time.perf_counter()
        for start in range(0, len(texts), args.batch_size):
            encoder.encode(texts[start : start + args.batch_size])
        raw_s = time.perf_counter() - began

        store = Store.sqlite(work / "local.sqlite")
        options = ReencodeOptions("2", batch_size=args.batch_size)
        local = run_reencode(store, "2", local_engine(encoder), options)
        store.close()
        result.update(
            raw_seconds=raw_s,
            raw_articles_per_s=len(texts) / raw_s,
            local_seconds=local.seconds,
            local_articles_per_s=local.articles_per_s,
            local_over_raw=local.articles_per_s / (len(texts) / raw_s),
        )
        if not args.no_ray:
            from answerbot.batch.ray_engine import RayOptions, init_ray, ray_engine

            settings = Settings(store_path=work / "ray.sqlite", model_root=work / "models")
            ray_options = RayOptions(actors=args.actors, batch_size=args.batch_size, local_cpus=os.cpu_count())
            began = time.perf_counter()
            init_ray(ray_options)
            init_s = time.perf_counter() - began
            import ray

            try:
                store = Store.sqlite(settings.store_path)
                remote = run_reencode(store, "2", ray_engine(settings, "2", ray_options), options)
                store.close()
            finally:
                ray.shutdown()
            result.update(
                ray_actors=args.actors,
                ray_init_seconds=init_s,
                ray_seconds=remote.seconds,
                ray_articles_per_s=remote.articles_per_s,
                ray_over_local=remote.articles_per_s / local.articles_per_s,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["machine"] = {
        "cpus": os.cpu_count(),
        "load_average_1m": os.getloadavg()[0],
        "python": platform.python_version(),
    }
    out = REPO / "bench/results/reencode.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'what':<28}{'seconds':>10}{'articles/s':>12}")
    print(f"{'raw encoder batches':<28}{result['raw_seconds']:>10.2f}{result['raw_articles_per_s']:>12.0f}")
    print(f"{'local job':<28}{result['local_seconds']:>10.2f}{result['local_articles_per_s']:>12.0f}")
    if "ray_seconds" in result:
        label = f"ray-local job ({args.actors} actors)"
        print(f"{label:<28}{result['ray_seconds']:>10.2f}{result['ray_articles_per_s']:>12.0f}")
        print(f"ray init {result['ray_init_seconds']:.1f} s; ray/local {result['ray_over_local']:.2f}")
    print(f"local/raw {result['local_over_raw']:.3f} (target >= 0.90); load average {os.getloadavg()[0]:.1f}")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
