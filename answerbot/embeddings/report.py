"""What a merge keeps and loses: collisions, colliding-vector cosine, k-NN overlap, OOV rates.

- collisions per language pair: words both tables hold; with the mean cosine of their two vectors
  (high after alignment means the languages agree on a shared word; low means a merge mixes meanings);
- k-NN overlap per language (information loss): for the ``queries`` most frequent words of a
  language, the ``k`` nearest neighbours among that language's ``candidates`` most frequent words,
  before the merge (its own table) and after (the same words looked up in the merged table);
  overlap = shared neighbours / k. 1.0 means the language's geometry survived the merge;
- OOV rate per language on a text set: tokens the merged table cannot look up / all tokens.

Outputs: a JSON-able dict, a Markdown table and PNG plots (matplotlib, Agg backend).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.embeddings.merge import lookup_rows
from answerbot.embeddings.table import EmbeddingTable
from answerbot.text import tokenize

__all__ = [
    "collision_stats",
    "knn_overlap",
    "merge_report",
    "oov_rates",
    "plot_report",
    "report_markdown",
    "write_report",
]


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def collision_stats(tables: Sequence[EmbeddingTable]) -> list[dict[str, Any]]:
    """Per language pair: colliding words and the mean/median cosine of their two vectors."""
    out = []
    for a, b in itertools.combinations(tables, 2):
        shared = [w for w in a.words if w in b]
        entry: dict[str, Any] = {"pair": f"{a.lang}-{b.lang}", "collisions": len(shared)}
        if shared:
            va = _unit(a.vectors[[a.index(w) for w in shared]])
            vb = _unit(b.vectors[[b.index(w) for w in shared]])
            cos = np.sum(va * vb, axis=1)
            entry.update(cosine_mean=float(cos.mean()), cosine_median=float(np.median(cos)))
        out.append(entry)
    return out


def _knn(queries: np.ndarray, keys: np.ndarray, k: int) -> np.ndarray:
    sims = _unit(queries) @ _unit(keys).T
    np.fill_diagonal(sims[:, : len(queries)], -np.inf)  # queries are the first candidates: skip self
    return np.argpartition(-sims, k, axis=1)[:, :k]


def knn_overlap(
    table: EmbeddingTable, merged: EmbeddingTable, k: int = 10, queries: int = 500, candidates: int = 10_000
) -> float:
    """Mean share of each query word's k nearest neighbours kept after the merge (see module docstring)."""
    n_cand = min(candidates, len(table))
    n_q = min(queries, n_cand)
    k = min(k, n_cand - 1)
    if k < 1:
        return 1.0
    rows = lookup_rows(merged, table.lang, table.words[:n_cand])
    before_vecs = np.asarray(table.vectors[:n_cand], dtype=np.float32)
    after_vecs = np.stack(
        [
            np.asarray(merged.vectors[r], dtype=np.float32) if r is not None else np.zeros(table.dim, np.float32)
            for r in rows
        ]
    )
    before = _knn(before_vecs[:n_q], before_vecs, k)
    after = _knn(after_vecs[:n_q], after_vecs, k)
    shared = [len(set(b.tolist()) & set(a.tolist())) for b, a in zip(before, after, strict=True)]
    return float(np.mean(shared) / k)


def oov_rates(merged: EmbeddingTable, texts: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """Per language: share of tokens of ``texts[lang]`` the merged table cannot look up."""
    out = {}
    for lang, lines in texts.items():
        total = missing = 0
        for line in lines:
            rows = lookup_rows(merged, lang, tokenize(line))
            total += len(rows)
            missing += sum(r is None for r in rows)
        out[lang] = missing / total if total else 0.0
    return out


def merge_report(
    tables: Sequence[EmbeddingTable],
    merged: EmbeddingTable,
    texts: Mapping[str, Sequence[str]] | None = None,
    k: int = 10,
    queries: int = 500,
    candidates: int = 10_000,
    pairs: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The full report of one merge (``pairs`` reuses a :func:`collision_stats` result)."""
    per_language = {
        t.lang: {
            "words": len(t),
            "collisions": merged.meta["counts"]["collisions_per_language"].get(t.lang),
            "lost": merged.meta["counts"]["lost"].get(t.lang),
            "knn_overlap": knn_overlap(t, merged, k, queries, candidates),
        }
        for t in tables
    }
    for lang, rate in oov_rates(merged, texts or {}).items():
        per_language.setdefault(lang, {})["oov_rate"] = rate
    overlaps = [v["knn_overlap"] for v in per_language.values() if "knn_overlap" in v]
    return {
        "strategy": merged.meta["strategy"],
        "merged_words": len(merged),
        "colliding_words": merged.meta["counts"]["colliding_words"],
        "knn": {"k": k, "queries": queries, "candidates": candidates, "mean_overlap": float(np.mean(overlaps))},
        "pairs": pairs if pairs is not None else collision_stats(tables),
        "languages": per_language,
    }


def report_markdown(report: Mapping[str, Any]) -> str:
    """Per-language Markdown table plus the ten most colliding pairs."""
    lines = [
        f"Strategy `{report['strategy']}`: {report['merged_words']} words, {report['colliding_words']} colliding; "
        f"mean k-NN overlap {report['knn']['mean_overlap']:.3f} (k={report['knn']['k']})",
        "",
        "| language | words | collisions | lost | k-NN overlap | OOV rate |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for lang, v in report["languages"].items():
        oov = f"{v['oov_rate']:.3f}" if "oov_rate" in v else "-"
        knn = f"{v['knn_overlap']:.3f}" if "knn_overlap" in v else "-"
        lines.append(
            f"| {lang} | {v.get('words', '-')} | {v.get('collisions', '-')} | {v.get('lost', '-')} | {knn} | {oov} |"
        )
    top = sorted(report["pairs"], key=lambda p: -p["collisions"])[:10]
    lines += ["", "| pair | collisions | mean cosine |", "|---|---:|---:|"]
    lines += [f"| {p['pair']} | {p['collisions']} | {p.get('cosine_mean', float('nan')):.3f} |" for p in top]
    return "\n".join(lines) + "\n"


def plot_report(report: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """PNG plots: collisions heat map, colliding-vector cosine heat map, k-NN overlap and OOV bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    langs = list(report["languages"])
    index = {lang: i for i, lang in enumerate(langs)}
    written = []
    for key, title in (("collisions", "colliding words"), ("cosine_mean", "mean cosine of colliding vectors")):
        grid = np.full((len(langs), len(langs)), np.nan)
        for p in report["pairs"]:
            a, b = p["pair"].split("-")
            if a in index and b in index and key in p:
                grid[index[a], index[b]] = grid[index[b], index[a]] = p[key]
        fig, ax = plt.subplots(figsize=(7, 6))
        image = ax.imshow(grid, cmap="viridis")
        ax.set_xticks(range(len(langs)), langs)
        ax.set_yticks(range(len(langs)), langs)
        ax.set_title(title)
        fig.colorbar(image, ax=ax)
        path = out_dir / f"{key}.png"
        fig.savefig(path, dpi=90, bbox_inches="tight")
        plt.close(fig)
        written.append(path)
    for key, title in (("knn_overlap", "k-NN overlap after merge"), ("oov_rate", "OOV rate")):
        values = [report["languages"][lang].get(key, np.nan) for lang in langs]
        fig, ax = plt.subplots(figsize=(7, 3.5))
        ax.bar(langs, values)
        ax.set_ylim(0, 1)
        ax.set_title(f"{title} ({report['strategy']})")
        path = out_dir / f"{key}.png"
        fig.savefig(path, dpi=90, bbox_inches="tight")
        plt.close(fig)
        written.append(path)
    return written


def write_report(report: Mapping[str, Any], out_dir: Path | str, plots: bool = True) -> list[Path]:
    """Write ``report.json``, ``report.md`` and (optionally) the PNG plots into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / "report.md").write_text(report_markdown(report), encoding="utf-8")
    written = [out_dir / "report.json", out_dir / "report.md"]
    return written + (plot_report(report, out_dir) if plots else [])
