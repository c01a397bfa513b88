"""`answerbot retrain` (one retraining round from feedback, guarded against a worse candidate) and
`answerbot calibrate` (a model version's global calibration of top scores)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from answerbot.cli.common import DataDir, comma_list, console, data_dir_or_default, friendly_errors
from answerbot.settings import get_settings

__all__ = ["calibrate", "retrain"]


@friendly_errors
def calibrate(
    model: Annotated[
        Path | None, typer.Option(help="SavedModel version folder (default: the highest under ANSWERBOT_MODEL_ROOT).")
    ] = None,
    languages: Annotated[str | None, typer.Option(help="KB languages, comma-separated (default: the model's).")] = None,
    data_dir: DataDir = None,
    seed: int = 0,
) -> None:
    """Fit the version's isotonic calibrations (dense, hybrid) on support-KB train ids (the P4 construction) and
    write them to <version>/assets.extra/calibration.json, where the API reads them."""
    from answerbot.encoders.inprocess import SavedModelEncoder, latest_version_dir
    from answerbot.evaluation.calibrated import calibrate_version
    from answerbot.evaluation.p1 import P1_LANGUAGES

    version_dir = model or latest_version_dir(get_settings().model_root)
    encoder = SavedModelEncoder(version_dir)
    served = set(encoder.metadata.get("languages") or P1_LANGUAGES)
    langs = comma_list(languages) or [c for c in P1_LANGUAGES if c in served]
    written = calibrate_version(
        version_dir, encoder.encode, data_dir_or_default(data_dir), langs, seed, get_settings().hybrid_weight
    )
    console.print(f"[green]ok[/green] calibration of version {version_dir.name} ({', '.join(langs)}) -> {written}")


@friendly_errors
def retrain(
    run: Annotated[Path, typer.Option(help="Training run folder the serving version was exported from.")],
    feedback: Annotated[list[Path], typer.Option(help="`answerbot feedback export` file to train on (repeatable).")],
    out: Annotated[Path, typer.Option(help="Folder for the candidate's run and report.json / report.md.")],
    heldout: Annotated[
        Path | None, typer.Option(help="A later feedback export to evaluate on (not trained on).")
    ] = None,
    model_root: Annotated[Path | None, typer.Option(help="Versions folder (default: ANSWERBOT_MODEL_ROOT).")] = None,
    serving_version: Annotated[str | None, typer.Option(help="Version to compare with (default: highest).")] = None,
    languages: Annotated[
        str | None, typer.Option(help="P1/P4 languages, comma-separated (default: the model's).")
    ] = None,
    data_dir: DataDir = None,
    epochs: Annotated[int, typer.Option(help="Fine-tuning epochs.")] = 1,
    learning_rate: float = 2e-4,
    tolerance: Annotated[float, typer.Option(help="How far below the serving model a figure may fall.")] = 0.01,
    seed: int = 0,
    shuffle_pairs: Annotated[bool, typer.Option(help="Train on shuffled pairs (the guard's control).")] = False,
    replay_per_language: Annotated[int, typer.Option(help="Support-KB train pairs per language mixed in.")] = 0,
    floor_report: Annotated[
        Path | None,
        typer.Option(help="An earlier round's report.json: its serving model's P1/P4 figures are a floor too."),
    ] = None,
) -> None:
    """Fine-tune a candidate on feedback, score it against the serving version on P1, P4 and held-out feedback,
    and export it as the next version only if it is not worse on any figure."""
    from answerbot.learning.retrain import benchmark_floor
    from answerbot.learning.retrain import retrain as run_round

    result = run_round(
        run,
        feedback,
        out,
        model_root or get_settings().model_root,
        data_dir_or_default(data_dir),
        heldout=heldout,
        languages=comma_list(languages),
        serving_version=serving_version,
        epochs=epochs,
        learning_rate=learning_rate,
        tolerance=tolerance,
        seed=seed,
        shuffle_pairs=shuffle_pairs,
        replay_per_language=replay_per_language,
        floor=None if floor_report is None else benchmark_floor(floor_report),
        log=console.log,
    )
    verdict = f"promoted as version {result.version}" if result.version else "refused"
    console.print(f"[green]ok[/green] candidate {verdict}: {result.decision.reason()} -> {out / 'report.md'}")
