"""One JSON per benchmark run, and the table it prints.

A result dict holds ``protocol``, ``settings``, ``data_files`` (relative path -> sha256), ``languages``
(code -> {counts..., "methods": {method: {metric: value}}}), ``mean`` ({method: {metric: value}}) and
``wall_seconds``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rich import box
from rich.console import Console
from rich.table import Table

from answerbot.data.jsonl import DataError

__all__ = ["data_files_sha256", "mean_over", "print_report", "report_table", "write_report"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def data_files_sha256(data_dir: Path, relative: Iterable[str]) -> dict[str, str]:
    """Relative path -> sha256 of each data file a run read (hashed, not copied from MANIFEST.tsv)."""
    out = {}
    for rel in relative:
        path = Path(data_dir) / rel
        if not path.is_file():
            raise DataError(f"{path}: no such file; is --data-dir pointing at shared/data?")
        out[rel] = _sha256(path)
    return out


def mean_over(per_language: dict[str, Any], methods: Sequence[str], metrics: Sequence[str]) -> dict[str, Any]:
    """Unweighted mean over languages of each method's metrics."""
    return {
        m: {k: float(np.mean([lang["methods"][m][k] for lang in per_language.values()])) for k in metrics}
        for m in methods
    }


def write_report(result: dict[str, Any], path: Path | str) -> Path:
    """Write ``result`` as indented UTF-8 JSON, creating the folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    return path


SHORT = {
    "recall@1": "R@1",
    "recall@5": "R@5",
    "mrr@10": "MRR10",
    "map": "mAP",
    "map_same_lang": "mono",
    "article_mrr": "artMRR",
}


def report_table(result: dict[str, Any]) -> Table:
    """One section per method: a row per language and the mean; columns: the metrics (fits 80 columns)."""
    methods = list(result["mean"])
    metrics = list(next(iter(result["mean"].values()))) if methods else []
    shown = {"queries", "fold", "folds", "candidate_text", "hybrid_weight"}
    settings = ", ".join(f"{k}={v}" for k, v in result["settings"].items() if k in shown and v is not None)
    table = Table(title=f"{result['protocol']} · {settings}" if settings else result["protocol"], box=box.SIMPLE_HEAD)
    table.add_column("method")
    table.add_column("lang")
    for k in metrics:
        table.add_column(SHORT.get(k, k), justify="right", no_wrap=True)
    for m in methods:
        for i, (lang, figures) in enumerate(result["languages"].items()):
            table.add_row(m if i == 0 else "", lang, *(f"{figures['methods'][m][k]:.3f}" for k in metrics))
        mean = (f"[bold]{result['mean'][m][k]:.3f}[/bold]" for k in metrics)
        table.add_row("", "[bold]mean[/bold]", *mean, end_section=True)
    table.caption = f"wall time {result['wall_seconds']:.1f} s"
    return table


def print_report(result: dict[str, Any], console: Console | None = None) -> None:
    (console or Console()).print(report_table(result))
