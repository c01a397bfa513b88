"""The learning loop, simulated end to end: tickets -> the real service and store -> feedback -> two retraining rounds.

    .venv/bin/python bench/learning_loop.py --model-root serving/models/answerbot --run var/builds/demo/run
    .venv/bin/python bench/learning_loop.py ... --shuffled-control      # also a candidate on shuffled pairs

One account per language holds a seeded sample of the support KB's **train** articles (never test ids: P1
and P4 score the test split). Each article asks three tickets: its title, its English title and a perturbed
title (a word dropped, two words swapped); the three go to three periods in a seeded order, so a ticket text
trains in one period and a different text of the same article is held out in the next. Every ticket is
ranked by ``RankingService.recommend`` (hybrid accounts, top 3, the model's calibration) and answered by a
simulated customer: the true article offered -> resolved (and the offered articles ranked above it
rejected), else the top offered article rejected.

Periods 1 and 2 are served by the starting version. Round 1 trains on the feedback exported before period 2
and is judged on period 2's feedback (``answerbot.learning.retrain``: P1, P4, held-out feedback, the guard);
a promoted candidate is re-encoded (``run_reencode``) and serves period 3. Round 2 trains on periods 1-2 from
the serving run and is judged on period 3, also against the starting version's P1/P4 figures (a floor, so
per-round tolerances do not compound; ``--no-floor`` drops it). ``--replay-per-language N`` mixes N support-KB
train pairs per language into each fine-tune. ``--shuffled-control`` then trains a candidate on round 2's pairs
shuffled (the same recipe, from the serving run, judged on period 3), which the guard must refuse.
Everything is written under ``--work`` (git-ignored); the JSON goes to bench/results/learning_loop.json.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich import box
from rich.console import Console
from rich.table import Table

from answerbot.data.support_kb import read_split, read_support_kb
from answerbot.encoders.inprocess import SavedModelEncoder, latest_version_dir
from answerbot.evaluation.p1 import P1_LANGUAGES
from answerbot.evaluation.report import write_report
from answerbot.learning.retrain import benchmark_floor, retrain
from answerbot.service import ArticleInput, FeedbackKind, RejectionReason, Services
from answerbot.service.feedback_export import export_feedback
from answerbot.service.reencode import ReencodeOptions, local_engine, run_reencode
from answerbot.settings import Settings
from answerbot.store import open_store, utc_now

console = Console()


def article_id(kb_id: str) -> str:
    """The KB id as an article id of the service (letters, digits, ``.``, ``_``, ``-``; at most 128)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", kb_id)[:128]


def perturb(text: str, rng: np.random.Generator) -> str:
    """Drop one word and swap two neighbours (a text of one word loses its last character instead)."""
    words = text.split()
    if len(words) < 2:
        return text[:-1] if len(text) > 3 else text
    words.pop(int(rng.integers(len(words))))
    if len(words) >= 2:
        i = int(rng.integers(len(words) - 1))
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def tickets(data_dir: Path, languages: list[str], per_language: int, seed: int) -> tuple[dict, list[list[dict]]]:
    """(account -> KB articles, three periods of tickets), all from train ids."""
    split = read_split(data_dir)
    rng = np.random.default_rng(seed)
    kbs: dict[str, list[Any]] = {}
    periods: list[list[dict]] = [[], [], []]
    for lang in languages:
        train = [a for a in read_support_kb(data_dir, lang) if split.get(a.id) == "train" and a.title.strip()]
        picked = [train[i] for i in sorted(rng.permutation(len(train))[:per_language])]
        account = f"sim-{lang}"
        kbs[account] = picked
        for article in picked:
            variants = [
                ("title", article.title),
                ("title_en", article.title_en or article.title),
                ("perturbed", perturb(article.title, rng)),
            ]
            for period, n in enumerate(rng.permutation(3)):
                kind, text = variants[n]
                periods[period].append(
                    {"account": account, "article": article_id(article.id), "kind": kind, "text": text}
                )
    for period in periods:
        rng.shuffle(period)  # type: ignore[arg-type]
    return kbs, periods


def serve_period(services: Services, period: list[dict]) -> dict[str, Any]:
    """Send every ticket through the service and answer as the simulated customer; counts and confidences."""
    counts = dict.fromkeys(("tickets", "offered", "resolved", "rejected", "true_top1"), 0)
    scopes: dict[str, int] = {}
    confidences: list[tuple[float, float]] = []
    for ticket in period:
        rec = services.ranking.recommend(ticket["account"], ticket["text"], top_k=3)
        counts["tickets"] += 1
        scopes[str(rec.calibration)] = scopes.get(str(rec.calibration), 0) + 1
        offered = [a.article_id for a in rec.articles]
        if not offered:
            continue
        counts["offered"] += 1
        right = offered[0] == ticket["article"]
        counts["true_top1"] += int(right)
        if rec.confidence is not None:
            confidences.append((rec.confidence, float(right)))
        if ticket["article"] in offered:
            position = offered.index(ticket["article"])
            services.feedback.record(ticket["account"], rec.interaction_id, FeedbackKind.RESOLUTION, ticket["article"])
            counts["resolved"] += 1
            wrong = offered[:position]
        else:
            wrong = offered[:1]
        for article_id in wrong:
            services.feedback.record(
                ticket["account"], rec.interaction_id, FeedbackKind.REJECTION, article_id, RejectionReason.NOT_RELATED
            )
            counts["rejected"] += 1
    services.interactions.flush(30.0)
    out: dict[str, Any] = {**counts, "calibration_scopes": scopes}
    if confidences:
        conf, right = np.array(confidences).T
        out["mean_confidence_offered"] = round(float(conf.mean()), 4)
        out["precision_offered"] = round(float(right.mean()), 4)
    return out


def build_services(settings: Settings, version_dir: Path) -> Services:
    store = open_store(settings)
    encoder = SavedModelEncoder(version_dir)
    return Services.build(store, encoder, settings, lambda v: SavedModelEncoder(settings.model_root / str(v)))


def switch_to(services: Services, settings: Settings, version: str) -> Services:
    """Re-encode every article under ``version`` and serve it (the rollout after a promotion)."""
    encoder = SavedModelEncoder(settings.model_root / version)
    summary = run_reencode(services.store, version, local_engine(encoder), ReencodeOptions(version))
    console.log(f"re-encoded {summary.encoded} articles under version {version}")
    services.close()
    services.store.close()
    return build_services(settings, settings.model_root / version)


def round_summary(name: str, report: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "decision",
        "reason",
        "serving_version",
        "exported_version",
        "figures",
        "floor",
        "calibration",
        "wall_seconds",
    )
    names = ("pairs", "sources", "shuffled_pairs", "replay_per_language", "train_seconds", "loss")
    candidate = {k: report["candidate"][k] for k in names}
    return {"round": name, **{k: report[k] for k in keep}, "candidate": candidate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model-root", type=Path, default=Path(os.environ.get("ANSWERBOT_MODEL_ROOT", "serving/models/answerbot"))
    )
    parser.add_argument("--run", type=Path, default=Path("var/builds/demo/run"), help="the starting version's run")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("ANSWERBOT_DATA_DIR", "../shared/data")))
    parser.add_argument("--work", type=Path, default=Path("var/learning_loop"))
    parser.add_argument("--languages", default=None, help="comma-separated (default: the model's KB languages)")
    parser.add_argument("--per-language", type=int, default=200, help="KB articles per account")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--learning-rate", type=float, default=5e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shuffled-control", action="store_true")
    parser.add_argument("--replay-per-language", type=int, default=0, help="support-KB train pairs mixed in")
    parser.add_argument("--no-floor", action="store_true", help="round 2 compares with the serving version only")
    parser.add_argument("--out", type=Path, default=Path("bench/results/learning_loop.json"))
    args = parser.parse_args()  # fmt: skip
    started = time.perf_counter()
    source = latest_version_dir(args.model_root)
    shutil.rmtree(args.work, ignore_errors=True)
    models = args.work / "models"
    shutil.copytree(source, models / source.name)
    settings = Settings(
        store_path=args.work / "store.sqlite",
        model_root=models,
        admin_key="learning-loop-admin-key",
        score_threshold=0.3,
    )
    served = set(SavedModelEncoder(models / source.name).metadata.get("languages") or P1_LANGUAGES)
    languages = args.languages.split(",") if args.languages else [c for c in P1_LANGUAGES if c in served]
    kbs, periods = tickets(args.data_dir, languages, args.per_language, args.seed)
    services = build_services(settings, models / source.name)
    for account, articles in kbs.items():
        services.accounts.create(account, hybrid=True)
        inputs = [ArticleInput(article_id(a.id), a.title, a.body, account.removeprefix("sim-")) for a in articles]
        for start in range(0, len(inputs), 100):
            services.articles.upsert_articles(account, inputs[start : start + 100])
    console.log(f"{len(kbs)} accounts, {sum(map(len, kbs.values()))} articles, {len(periods[0])} tickets a period")
    cuts, served_periods, rounds = [], [], []
    run, floor = args.run, None
    common = dict(
        epochs=args.epochs,
        learning_rate=args.learning_rate,
        seed=args.seed,
        replay_per_language=args.replay_per_language,
    )
    for number in (1, 2):
        periods_now = (0, 1) if number == 1 else (2,)
        for p in periods_now:
            cuts.append(utc_now())
            stats = serve_period(services, periods[p])
            served_periods.append({"period": p + 1, "model_version": services.encoders.model_version, **stats})
            console.log(f"period {p + 1}: {stats}")
        cuts.append(utc_now())
        folder = args.work / f"round{number}"
        folder.mkdir(parents=True)
        train, heldout = folder / "train.jsonl", folder / "heldout.jsonl"
        # the last period served is held out; everything before it trains
        export_feedback(services.store, train, before=cuts[-2])
        export_feedback(services.store, heldout, after=cuts[-2], before=cuts[-1])
        result = retrain(
            run, [train], folder, models, args.data_dir, heldout=heldout, languages=languages, floor=floor, **common
        )
        if floor is None and not args.no_floor:
            floor = benchmark_floor(folder / "report.json")  # the starting version's P1/P4 figures
        rounds.append(round_summary(f"round {number}", result.report))
        console.log(f"round {number}: {result.report['decision']}: {result.report['reason']}")
        if result.version is not None:
            services = switch_to(services, settings, result.version)
            run = folder / "run"
    control = None
    if args.shuffled_control:
        folder = args.work / "control"
        folder.mkdir(parents=True)
        heldout = args.work / "round2" / "heldout.jsonl"
        result = retrain(
            run, [args.work / "round2" / "train.jsonl"], folder, models, args.data_dir,
            heldout=heldout, languages=languages, shuffle_pairs=True, floor=floor, **common,
        )  # fmt: skip
        control = round_summary("shuffled control", result.report)
        console.log(f"control: {result.report['decision']}: {result.report['reason']}")
    services.close()
    services.store.close()
    report = {
        "benchmark": "learning loop (simulated feedback, two retraining rounds)",
        "settings": {
            "languages": languages, "per_language": args.per_language, "start_version": source.name,
            "start_run": str(args.run), "epochs": args.epochs, "learning_rate": args.learning_rate,
            "seed": args.seed, "accounts": "one per language, hybrid, score threshold 0.3, top 3",
            "replay_per_language": args.replay_per_language,
            "floor": None if args.no_floor else "round 2 and the control also keep round 1's serving P1/P4 figures",
            "tickets": "train-split titles, English titles, perturbed titles; one variant per article per period",
        },
        "periods": served_periods,
        "rounds": rounds,
        "control": control,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }  # fmt: skip
    write_report(report, args.out)
    console.print(_table(report))
    console.print(f"wrote {args.out} in {report['wall_seconds']} s")


def _table(report: dict[str, Any]) -> Table:
    table = Table(title="Learning loop: serving vs candidate per round", box=box.SIMPLE_HEAD)
    for name in ("round", "figure", "serving", "candidate", "diff", "decision"):
        table.add_column(name, justify="right" if name in ("serving", "candidate", "diff") else "left")
    for entry in [*report["rounds"], *([report["control"]] if report["control"] else [])]:
        for i, (figure, row) in enumerate(entry["figures"].items()):
            decision = entry["decision"] if i == 0 else ""
            cells = (str(row["serving"]), str(row["candidate"]), str(row["difference"]))
            table.add_row(
                entry["round"] if i == 0 else "", figure, *cells, decision, end_section=i == len(entry["figures"]) - 1
            )
    return table


if __name__ == "__main__":
    main()
