"""Measurements that run inside one fresh Python process each: `python bench/workloads.py NAME ARGS-JSON`.

Each prints one JSON object on stdout. `bench/run.py` starts them, so that every measurement gets a clean
process (its own imports, caches and peak memory).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))


def read_list(path: str) -> list[str]:
    return Path(path).read_text(encoding="utf-8").splitlines()


def library(paths_file: str, jobs: int = 1) -> dict:
    """Warm throughput of the library: the pipeline and rules are built first, then every file is linted."""
    from followup_lint import api, parallel

    paths = read_list(paths_file)
    api.lint_paths(paths[:20])  # builds the pipeline, compiles the rules, loads the syllable dictionary
    started = time.perf_counter()
    reports = api.lint_paths(paths) if jobs == 1 else parallel.lint_files(paths, jobs=jobs)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "drafts": len(reports), "findings": sum(len(r.findings) for r in reports),
            "errors": sum(1 for r in reports if r.error)}


def latency(count: int = 300, words: int = 150) -> dict:
    """Milliseconds per `lint_text` call on drafts of about `words` words, after a warm-up."""
    from corpus import drafts_of_length

    from followup_lint.api import lint_text

    drafts = drafts_of_length(count + 20, words)
    for text in drafts[:20]:
        lint_text(text, path="draft.txt")
    times = []
    for text in drafts[20:]:
        started = time.perf_counter()
        lint_text(text, path="draft.txt")
        times.append((time.perf_counter() - started) * 1000)
    return {"ms": times, "words": statistics.mean(len(t.split()) for t in drafts[20:])}


def lsp_latency(command: list[str], count: int = 200, words: int = 150, debounce_ms: int = 0) -> dict:
    from corpus import drafts_of_length
    from lsp_client import change_latencies

    return {"ms": change_latencies(command, drafts_of_length(count + 1, words), debounce_ms=debounce_ms)}


def parse_only(paths_file: str, pipeline: str = "blank") -> dict:
    """The throughput ceiling: spaCy's blank English pipeline (tokenizer only) over the same texts. For
    comparison, ``pipeline`` may instead be "spacy_rule_based" (the blank pipeline plus spaCy's own
    sentencizer and lookup lemmatizer: what a rule-based spaCy tool parses with before any rule runs) or
    "followup" (this project's parsing pipeline, without matching or rules)."""
    texts = [Path(p).read_text(encoding="utf-8") for p in read_list(paths_file)]
    nlp = _pipeline(pipeline)
    list(nlp.pipe(texts[:20]))
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
    return {"seconds": time.perf_counter() - started, "tokens": tokens}


def _pipeline(name: str):
    import spacy

    if name == "followup":
        from followup_lint.parse import get_pipeline

        return get_pipeline()
    nlp = spacy.blank("en")
    if name == "spacy_rule_based":
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()  # the lookup table comes from spacy-lookups-data, on disk
    return nlp


def proselint(paths_file: str) -> dict:
    """proselint's own API over the same files, as its command line does it (read, check, sort)."""
    from proselint.checks import __register__
    from proselint.registry import CheckRegistry
    from proselint.tools import LintFile
    from proselint.version import __version__

    CheckRegistry().register_many(__register__)
    paths = [Path(p) for p in read_list(paths_file)]
    for path in paths[:20]:
        LintFile(path).lint()
    started = time.perf_counter()
    found = sum(len(LintFile(path).lint()) for path in paths)
    return {"seconds": time.perf_counter() - started, "suggestions": found, "version": __version__}


def cold_phases(path: str) -> dict:
    """Where a cold `followup-lint one.txt` spends its time, phase by phase, in one fresh process."""
    phases = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = (now - clock) * 1000
        clock = now

    import gc

    import followup_lint.cli
    gc.set_threshold(*followup_lint.cli.GC_THRESHOLDS)  # as the console entry point does
    lap("import the CLI (click, config, reporters)")
    import spacy  # noqa: F401
    lap("import spacy")
    from followup_lint.parse import get_pipeline
    get_pipeline()
    lap("build the pipeline (blank en + components + lookup lemmas)")
    from followup_lint.api import DEFAULT_SETTINGS, configured_rules
    configured_rules(DEFAULT_SETTINGS)
    lap("load and validate the rule files")
    from followup_lint.api import linter_for
    linter_for(DEFAULT_SETTINGS)
    lap("compile the patterns (token matcher, PhraseMatcher, regexes)")
    from followup_lint.api import lint_paths
    lint_paths([path])
    lap("first lint (includes the syllable dictionary for the reading grade)")
    lint_paths([path])
    lap("second lint of the same file")
    return {"phases_ms": phases}


def stage_costs(paths_file: str) -> dict:
    """Warm time per stage and per rule over the corpus, by wrapping the engine's functions with timers.
    Functions that do not exist (the engine changed) are skipped; the rest is reported as 'other'."""
    from followup_lint import api, lint
    from followup_lint.matching import PatternIndex
    from followup_lint.parse import parse_many
    from followup_lint.read import read_path

    sources = [read_path(p) for p in read_list(paths_file)]
    api.lint_sources(sources[:20])
    totals: dict[str, float] = defaultdict(float)
    per_rule: dict[str, float] = defaultdict(float)

    def timed(name, function, key=None):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                result = function(*args, **kwargs)
                if name == "parse (spaCy pipeline)":
                    result = list(result)
                return result
            finally:
                elapsed = time.perf_counter() - started
                totals[name] += elapsed
                if key:
                    per_rule[key(*args)] += elapsed
        return wrapper

    wrapped = [
        (api, "extract_draft", "extract (front matter, quotes, signature)", None),
        (lint, "parse_many", "parse (spaCy pipeline)", None),
        (lint, "measure", "metrics (incl. reading grade)", None),
        (lint, "run_detector", "rules (detectors and checks)", lambda rule, context: rule.id),
        (lint, "make_finding", "findings (positions, messages)", None),
        (lint, "read_suppressions", "suppressions", None),
        (lint, "LineIndex", "line index", None),
    ]
    originals = []
    for module, name, label, key in wrapped:
        if hasattr(module, name):
            originals.append((module, name, getattr(module, name)))
            setattr(module, name, timed(label, getattr(module, name), key))
    find = PatternIndex.find
    PatternIndex.find = timed("matching (token matcher, PhraseMatcher, regexes)", find)
    started = time.perf_counter()
    api.lint_sources(sources)
    total = time.perf_counter() - started
    PatternIndex.find = find
    for module, name, original in originals:
        setattr(module, name, original)
    stages = dict(totals)
    stages["other"] = total - sum(totals.values())
    docs = list(parse_many(source.text for source in sources[:500]))
    return {"total_s": total, "drafts": len(sources), "stages_s": stages, "rules_s": dict(per_rule),
            "matching_by_rule_s": _matching_by_rule(docs)}


def _matching_by_rule(docs) -> dict[str, float]:
    """Each rule's own patterns compiled alone and run over the same parsed drafts."""
    from followup_lint.api import DEFAULT_SETTINGS, configured_rules
    from followup_lint.matching import PatternIndex

    rules, _ = configured_rules(DEFAULT_SETTINGS)
    costs = {}
    for rule in rules:
        if not rule.patterns:
            continue
        index = PatternIndex([rule])
        started = time.perf_counter()
        for doc in docs:
            index.find(doc)
        costs[rule.id] = time.perf_counter() - started
    return costs


def fuzz(count: int, seed: int) -> dict:
    import fuzz as fuzzing

    started = time.perf_counter()
    result = fuzzing.run(count, seed)
    return {**result, "seconds": time.perf_counter() - started}


WORKLOADS = {"library": library, "latency": latency, "lsp_latency": lsp_latency, "parse_only": parse_only,
             "proselint": proselint, "cold_phases": cold_phases, "stage_costs": stage_costs, "fuzz": fuzz}

if __name__ == "__main__":
    name, arguments = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(json.dumps(WORKLOADS[name](**arguments)))
