"""`answerbot embeddings ...`: pre-train, import, align, merge, report and compare word-vector tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from answerbot.cli.common import DataDir, console, data_dir_or_default, friendly_errors

__all__ = ["app"]

app = typer.Typer(
    help="Word-vector tables: pre-train, import, align, merge, report, experiment, add-language.",
    no_args_is_help=True,
)


@app.command("pretrain")
@friendly_errors
def embeddings_pretrain(
    lang: Annotated[str, typer.Option(help="Language code, e.g. de.")],
    out: Annotated[Path, typer.Option(help="Table folder to write.")],
    method: Annotated[
        str, typer.Option(help="fasttext (train word vectors) or teacher (mUSE's vectors).")
    ] = "fasttext",
    corpus: Annotated[Path | None, typer.Option(help="Text file (default: DATA_DIR/corpora/LANG.txt.gz).")] = None,
    data_dir: DataDir = None,
    model: Annotated[str, typer.Option(help="fasttext: skipgram or cbow.")] = "skipgram",
    dim: Annotated[int, typer.Option(help="fasttext: vector dimension.")] = 100,
    epochs: Annotated[int, typer.Option(help="fasttext: training epochs.")] = 5,
    min_count: int = 3,
    threads: Annotated[int, typer.Option(help="fasttext: threads.")] = 2,
    max_lines: Annotated[int | None, typer.Option(help="Read at most this many corpus lines.")] = None,
    max_words: Annotated[int | None, typer.Option(help="Keep the most frequent words only.")] = 50_000,
    fit_sentences: Annotated[
        int, typer.Option(help="teacher: fit the table to this many corpus sentences (0: no fit).")
    ] = 20_000,
    fit_epochs: Annotated[int, typer.Option(help="teacher: epochs of the sentence fit.")] = 5,
    parallel: Annotated[
        str, typer.Option(help="teacher, uncovered language: parallel sources, e.g. support-kb,xquad-r.")
    ] = "",
    cache_dir: Annotated[Path, typer.Option(help="teacher: on-disk cache of its vectors.")] = Path("embeddings/cache"),
) -> None:
    """Make one language's table: fastText trained on its corpus, or the teacher's vectors of its vocabulary."""
    source = corpus or data_dir_or_default(data_dir) / "corpora" / f"{lang}.txt.gz"
    if method == "teacher":
        _teacher_pretrain(lang, out, source, data_dir_or_default(data_dir), min_count, max_words, fit_sentences,
                          fit_epochs, parallel, cache_dir)  # fmt: skip
        return
    if method != "fasttext":
        raise ValueError(f"--method {method!r}: choose fasttext or teacher")
    from answerbot.embeddings.pretrain import PretrainConfig, pretrain_table

    config = PretrainConfig(
        model=model,
        dim=dim,
        epochs=epochs,
        min_count=min_count,
        threads=threads,
        max_lines=max_lines,
        max_words=max_words,
    )
    with console.status(f"pre-training {lang} ..."):
        table = pretrain_table(source, lang, out, config, progress=console.log)
    console.print(f"[green]ok[/green] {lang}: {len(table)} words x {table.dim} -> {out}")


def _teacher_pretrain(
    lang: str,
    out: Path,
    corpus: Path,
    data_dir: Path,
    min_count: int,
    max_words: int | None,
    fit_sentences: int,
    fit_epochs: int,
    parallel: str,
    cache_dir: Path,
) -> None:
    from answerbot.data.parallel import parallel_texts
    from answerbot.embeddings.sentence_fit import FitConfig
    from answerbot.embeddings.teacher_table import TeacherTableConfig, fit_table, teacher_table
    from answerbot.teacher import CachedTeacher, MuseTeacher, check_covered
    from answerbot.teacher.targets import corpus_sample, own_targets, parallel_targets

    teacher = CachedTeacher(MuseTeacher(), cache_dir)
    sources = [s.strip() for s in parallel.split(",") if s.strip()]
    if lang not in teacher.languages and not sources:
        check_covered(teacher, [lang], "--lang")
    config = TeacherTableConfig(max_words=max_words or 10**9, min_count=min_count)
    table = teacher_table(corpus, lang, teacher, config, progress=console.log)
    if fit_sentences and fit_epochs:
        if lang in teacher.languages:
            targets = own_targets(teacher, corpus_sample(corpus, fit_sentences), f"corpus:{lang}")
        else:
            texts = parallel_texts(data_dir, lang, teacher.languages, sources)
            targets = parallel_targets(teacher, texts, f"parallel:{lang}")
        table = fit_table(table, targets, FitConfig(epochs=fit_epochs), progress=console.log)
    table.save(out)
    console.print(f"[green]ok[/green] {lang}: {len(table)} words x {table.dim} ({teacher.name}) -> {out}")


@app.command("import")
@friendly_errors
def embeddings_import(
    source: Annotated[Path, typer.Argument(help="A fastText .vec (text, optionally .gz) or .bin file.")],
    lang: Annotated[str, typer.Option(help="Language code of the table.")],
    out: Annotated[Path, typer.Option(help="Table folder to write.")],
    max_words: int | None = None,
    dtype: Annotated[str, typer.Option(help="float32 or float16.")] = "float32",
    extra_words: Annotated[
        Path | None, typer.Option(help=".bin only: file of words (one a line) to add from subword vectors.")
    ] = None,
) -> None:
    """Import a pre-trained table into our format (vectors.npy + vocab.txt + manifest.json)."""
    from answerbot.embeddings.table import EmbeddingTable

    if source.suffix == ".bin":
        extra = extra_words.read_text(encoding="utf-8").split() if extra_words else []
        table = EmbeddingTable.from_bin(source, lang, max_words, dtype, extra)
    else:
        if extra_words:
            raise ValueError("--extra-words needs a .bin model (subword vectors); a .vec has none")
        table = EmbeddingTable.from_vec(source, lang, max_words, dtype)
    table.save(out)
    console.print(f"[green]ok[/green] {lang}: {len(table)} words x {table.dim} -> {out}")


@app.command("merge")
@friendly_errors
def embeddings_merge(
    tables: Annotated[list[Path], typer.Argument(help="Table folders, highest priority first.")],
    out: Annotated[Path, typer.Option(help="Merged table folder to write.")],
    strategy: Annotated[
        str, typer.Option(help="Collision strategy: priority, mean, weighted, tagged or route (name or name@N).")
    ] = "priority",
    dtype: Annotated[str | None, typer.Option(help="float32 or float16 (default: the inputs').")] = None,
    mmap: Annotated[bool, typer.Option(help="Memory-map the input tables.")] = True,
) -> None:
    """Merge per-language tables into one; the manifest records collisions and what was lost."""
    from answerbot.embeddings.merge import merge_tables
    from answerbot.embeddings.table import EmbeddingTable

    merged = merge_tables([EmbeddingTable.load(t, mmap=mmap) for t in tables], strategy, dtype)
    merged.save(out)
    counts = merged.meta["counts"]
    view = Table("language", "words", "collisions", "lost")
    for entry in merged.meta["inputs"]:
        lang = entry["lang"]
        view.add_row(lang, str(entry["words"]), str(counts["collisions_per_language"][lang]), str(counts["lost"][lang]))
    console.print(view)
    console.print(f"[green]ok[/green] {merged.meta['strategy']}: {counts['words']} words -> {out}")


@app.command("align")
@friendly_errors
def embeddings_align(
    table: Annotated[Path, typer.Argument(help="Table folder of the language to align.")],
    out: Annotated[Path, typer.Option(help="Aligned table folder to write.")],
    pivot: Annotated[
        Path | None,
        typer.Option(help="Table folder of the pivot language, en (Procrustes: required; teacher: to report P3)."),
    ] = None,
    seeds: Annotated[
        str, typer.Option(help="identical, dictionary, parallel (Procrustes) or teacher (linear map to mUSE).")
    ] = "identical",
    dictionary: Annotated[Path | None, typer.Option(help="For --seeds dictionary: 'src tgt' lines.")] = None,
    parallel: Annotated[
        Path | None, typer.Option(help="For --seeds parallel: TSV 'src sentence<TAB>pivot sentence' lines.")
    ] = None,
    support_kb: Annotated[
        bool,
        typer.Option(
            help="--seeds parallel: seeds from support-KB train titles and title_en; --seeds teacher, for a "
            "language the teacher does not cover: fit on support-KB train articles and their translations."
        ),
    ] = False,
    data_dir: DataDir = None,
    refine: Annotated[int, typer.Option(help="Refinement rounds (CSLS mutual nearest neighbours).")] = 0,
    tatoeba: Annotated[bool, typer.Option(help="Report P3 (Tatoeba) before and after.")] = True,
    cache_dir: Annotated[Path, typer.Option(help="--seeds teacher: cache of its vectors.")] = Path("embeddings/cache"),
) -> None:
    """Align a table: rotate it into a pivot's space (orthogonal Procrustes, the baseline), or map it into
    the teacher's space (a linear map fitted by ridge regression)."""
    from answerbot.embeddings.table import EmbeddingTable
    from answerbot.evaluation.p3 import TATOEBA_CODES, p3_language

    source = EmbeddingTable.load(table)
    lang = source.lang or ""
    folder = data_dir_or_default(data_dir) / "tatoeba"
    if seeds == "teacher":
        aligned, english, what = _teacher_align(source, data_dir_or_default(data_dir), support_kb, cache_dir)
        if tatoeba and lang in TATOEBA_CODES and english is not None:
            console.print(f"P3 (Tatoeba {lang}->eng, English by the teacher's word vectors): "
                          f"{p3_language({lang: aligned, 'en': english}, lang, folder):.3f}")  # fmt: skip
        aligned.save(out)
        console.print(f"[green]ok[/green] {lang} mapped into the teacher's space ({what}) -> {out}")
        return
    if pivot is None:
        raise ValueError(f"--seeds {seeds}: Procrustes needs --pivot TABLE (the pivot language's table)")
    target = EmbeddingTable.load(pivot)
    aligned, alignment = _procrustes(source, target, seeds, dictionary, parallel, support_kb, data_dir, refine)
    aligned.save(out)
    if tatoeba and lang in TATOEBA_CODES and target.lang == "en":
        before = p3_language({lang: source, "en": target}, lang, folder)
        after = p3_language({lang: aligned, "en": target}, lang, folder)
        console.print(f"P3 (Tatoeba {lang}->eng): before {before:.3f}, after {after:.3f}")
    console.print(f"[green]ok[/green] {lang} aligned to {target.lang} on {alignment.seeds} {seeds} seeds -> {out}")


def _procrustes(
    source: Any,
    target: Any,
    seeds: str,
    dictionary: Path | None,
    parallel: Path | None,
    support_kb: bool,
    data_dir: Path | None,
    refine: int,
) -> tuple[Any, Any]:
    from answerbot.embeddings.align import align_table, dictionary_seeds, identical_seeds, parallel_seeds
    from answerbot.embeddings.experiment import support_kb_titles
    from answerbot.embeddings.table import TableError

    if seeds == "identical":
        pairs = identical_seeds(source, target)
    elif seeds == "dictionary":
        if dictionary is None:
            raise ValueError("--seeds dictionary needs --dictionary FILE")
        pairs = dictionary_seeds(dictionary, source, target)
    elif seeds == "parallel":
        if support_kb:
            sentences = support_kb_titles(data_dir_or_default(data_dir), source.lang or "")
        elif parallel is not None:
            sentences = []
            for line_no, line in enumerate(parallel.read_text(encoding="utf-8").splitlines(), start=1):
                parts = line.split("\t")
                if len(parts) != 2:
                    raise TableError(f"{parallel}:{line_no}: expected 'src<TAB>pivot', got {len(parts)} columns")
                sentences.append((parts[0], parts[1]))
        else:
            raise ValueError("--seeds parallel needs --parallel FILE or --support-kb")
        pairs = parallel_seeds(sentences, source, target)
    else:
        raise ValueError(f"--seeds {seeds!r}: choose identical, dictionary, parallel or teacher")
    return align_table(source, target, pairs, seeds, refine=refine)


def _teacher_align(source: Any, data_dir: Path, support_kb: bool, cache_dir: Path) -> tuple[Any, str]:
    """(mapped table, what the map was fitted on)."""
    from answerbot.data.parallel import kb_parallel
    from answerbot.embeddings.teacher_map import map_to_teacher
    from answerbot.teacher import CachedTeacher, MuseTeacher, check_covered
    from answerbot.teacher.targets import parallel_targets

    teacher = CachedTeacher(MuseTeacher(), cache_dir)
    lang = source.lang or ""
    parallel_set = None
    if lang not in teacher.languages:
        if not support_kb:
            check_covered(teacher, [lang], "table language")
        parallel_set = parallel_targets(teacher, kb_parallel(data_dir, lang, teacher.languages | {"en"}), lang)
    aligned, mapping = map_to_teacher(source, teacher, parallel_set)
    return aligned, f"{mapping.fitted_on}, {mapping.examples} examples, fit cosine {mapping.fit_cosine:.3f}"


def _texts(specs: list[str]) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for spec in specs:
        lang, sep, path = spec.partition("=")
        if not sep:
            raise ValueError(f"--texts {spec!r}: write LANG=FILE (one text a line)")
        texts[lang] = Path(path).read_text(encoding="utf-8").splitlines()
    return texts


@app.command("report")
@friendly_errors
def embeddings_report(
    tables: Annotated[list[Path], typer.Argument(help="The per-language table folders that were merged.")],
    merged: Annotated[Path, typer.Option(help="The merged table folder.")],
    out: Annotated[Path, typer.Option(help="Folder for report.json, report.md and PNG plots.")],
    texts: Annotated[list[str] | None, typer.Option(help="LANG=FILE text sets for OOV rates (repeatable).")] = None,
    k: int = 10,
    queries: int = 500,
    plots: bool = True,
) -> None:
    """Collisions per language pair, colliding-vector cosine, k-NN overlap before vs after, OOV rates."""
    from answerbot.embeddings.report import merge_report, report_markdown, write_report
    from answerbot.embeddings.table import EmbeddingTable

    inputs = [EmbeddingTable.load(t, mmap=True) for t in tables]
    report = merge_report(inputs, EmbeddingTable.load(merged, mmap=True), _texts(texts or []), k, queries)
    write_report(report, out, plots)
    console.print(report_markdown(report))
    console.print(f"[green]ok[/green] report -> {out}")


@app.command("experiment")
@friendly_errors
def embeddings_experiment(
    tables: Annotated[list[Path], typer.Argument(help="Per-language table folders (one must be the pivot).")],
    out: Annotated[Path, typer.Option(help="Folder for experiment.json and experiment.md.")],
    data_dir: DataDir = None,
    pivot: str = "en",
    strategies: Annotated[
        str, typer.Option(help="Comma-separated strategies.")
    ] = "priority,mean,weighted,tagged,route",
    alignments: Annotated[
        str, typer.Option(help="Comma-separated: none, identical, parallel, dictionary (Procrustes), teacher.")
    ] = "none,identical,parallel",
    refine: int = 1,
    dictionary_dir: Annotated[Path | None, typer.Option(help="Folder of <lang>-<pivot>.txt dictionaries.")] = None,
    add_language: Annotated[
        str | None, typer.Option(help="Also merge without this language and add it back (add-language).")
    ] = None,
    downstream: Annotated[
        str | None,
        typer.Option(
            help="Also P1 MRR@10 of a short distilled training per merge, on these KB languages (e.g. de,ru)."
        ),
    ] = None,
    cache_dir: Annotated[Path, typer.Option(help="Teacher vector cache.")] = Path("embeddings/cache"),
) -> None:
    """Compare merge strategies x alignments: collisions, k-NN overlap, OOV, P3 and (--downstream) P1."""
    import json

    from answerbot.embeddings.experiment import ExperimentConfig, experiment_markdown, run_experiment
    from answerbot.embeddings.table import EmbeddingTable

    kinds = [a for a in alignments.split(",") if a]
    teacher = None
    if "teacher" in kinds or downstream:
        from answerbot.teacher import CachedTeacher, MuseTeacher

        teacher = CachedTeacher(MuseTeacher(), cache_dir)
    scorer = None
    if downstream:
        from answerbot.recipe.downstream import downstream_p1

        langs = [lang for lang in downstream.split(",") if lang]
        root = data_dir_or_default(data_dir)

        def scorer(merged: Any, name: str) -> dict[str, Any]:
            result = downstream_p1(merged, langs, root, teacher, out / "runs" / name)
            console.log(
                f"{name}: P1 same-language {result['same_language']:.3f}, English {result['english_titles']:.3f}"
            )
            return result

    config = ExperimentConfig(
        data_dir=data_dir_or_default(data_dir),
        pivot=pivot,
        strategies=[s for s in strategies.split(",") if s],
        alignments=kinds,
        refine=refine,
        dictionary_dir=dictionary_dir,
        add_language=add_language,
        teacher=teacher,
    )
    with console.status("running the merge experiment ..."):
        result = run_experiment([EmbeddingTable.load(t) for t in tables], config, console.log, scorer)
    out.mkdir(parents=True, exist_ok=True)
    (out / "experiment.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    markdown = experiment_markdown(result)
    (out / "experiment.md").write_text(markdown, encoding="utf-8")
    console.print(markdown)
    console.print(f"[green]ok[/green] {len(result['rows'])} runs in {result['wall_s']} s -> {out}")


@app.command("add-language")
@friendly_errors
def embeddings_add_language(
    merged: Annotated[Path, typer.Argument(help="The existing merged table folder.")],
    table: Annotated[Path, typer.Argument(help="The new language's (aligned) table folder.")],
    out: Annotated[Path, typer.Option(help="Merged table folder to write (existing rows keep their ids).")],
    data_dir: DataDir = None,
) -> None:
    """Append a new language to a merged table so an exported model can serve it without retraining the core."""
    from answerbot.embeddings.add_language import add_language
    from answerbot.embeddings.table import EmbeddingTable
    from answerbot.evaluation.p3 import TATOEBA_CODES, p3_language

    new = EmbeddingTable.load(table)
    grown = add_language(EmbeddingTable.load(merged), new)
    grown.save(out)
    added = grown.meta["added"][-1]
    lang = new.lang or ""
    folder = data_dir_or_default(data_dir) / "tatoeba"
    if lang in TATOEBA_CODES and "en" in grown.meta["languages"] and folder.is_dir():
        console.print(f"P3 (Tatoeba {lang}->eng) on the grown table: {p3_language(grown, lang, folder):.3f}")
    console.print(
        f"[green]ok[/green] {lang}: {added['appended']} words appended, {added['collisions']} collisions "
        f"({added['lost']} lost) -> {out}"
    )
