"""The benchmark: prints every figure in one run (it is a script that prints numbers, never a timed test).

    python bench/run.py                       # everything: 5,000+ drafts, peers, floors, 100,000 fuzz inputs
    python bench/run.py --fuzz 0 --drafts 1000  # a quicker look

Peers are optional: `pip install proselint`, and with Node.js `npm install --prefix bench/.peers write-good`
(or point --node-modules at any node_modules folder holding write-good). A peer that is missing is
reported as such, with the command that installs it. Results also go to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402

CPUS = os.cpu_count() or 1
FLOOR_CODE = "import spacy; spacy.blank('en')"


@dataclass
class Run:
    seconds: float
    returncode: int
    peak_rss_mb: float
    stdout: str


def run_measured(command: list[str], *, cwd: Path | None = None, env: dict | None = None,
                 keep_stdout: bool = False) -> Run:
    """Wall time, exit code and peak resident memory (the largest of the process and its workers)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
                                   stdout=out if keep_stdout else subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace") if keep_stdout else ""
    rss_kb = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)
    return Run(seconds, process.returncode, rss_kb / 1024, text)


def workload(name: str, **arguments) -> tuple[dict, Run]:
    run = run_measured([sys.executable, str(BENCH / "workloads.py"), name, json.dumps(arguments)], keep_stdout=True)
    if run.returncode != 0 or not run.stdout.strip():
        raise RuntimeError(f"workload {name} failed (exit {run.returncode})")
    return json.loads(run.stdout.strip().splitlines()[-1]), run


def median_of(command: list[str], times: int, **kwargs) -> tuple[float, Run]:
    runs = [run_measured(command, **kwargs) for _ in range(times)]
    return statistics.median(r.seconds for r in runs), runs[-1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Report:
    def __init__(self) -> None:
        self.figures: dict[str, object] = {"cpus": CPUS, "python": sys.version.split()[0]}
        self.notes: list[str] = []

    def line(self, key: str, text: str, value=None) -> None:
        print(f"[cpus={CPUS}] {text}", flush=True)
        if value is not None:
            self.figures[key] = value

    def note(self, text: str) -> None:
        print(f"  note: {text}", flush=True)
        self.notes.append(text)


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("followup-lint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "followup_lint"]


def cli_features(cli: list[str]) -> dict[str, bool]:
    main_help = subprocess.run([*cli, "--help"], capture_output=True, text=True).stdout
    check_help = subprocess.run([*cli, "check", "--help"], capture_output=True, text=True).stdout
    return {"jobs": "--jobs" in check_help, "no_cache": "--no-cache" in check_help,
            "lsp": any(line.strip().startswith("lsp") for line in main_help.splitlines())}


def compile_package(report: Report) -> None:
    """Byte-compile the package as `pip install` of the wheel does, so that an editable checkout run with
    PYTHONDONTWRITEBYTECODE=1 does not recompile every module on each cold start."""
    import compileall

    import followup_lint

    package = Path(followup_lint.__file__).parent
    if not compileall.compile_dir(str(package), quiet=1):
        report.note(f"could not byte-compile {package}: cold starts include compiling it")


def measure_cold_start(report: Report, cli: list[str], features: dict, work: Path, repeat: int) -> None:
    compile_package(report)
    one = work / "one.txt"
    one.write_text(corpus.drafts_of_length(1)[0], encoding="utf-8")
    env = {"FOLLOWUP_LINT_CACHE_DIR": str(work / "cache-cold")}
    no_cache = ["--no-cache"] if features["no_cache"] else []
    floor, _ = median_of([sys.executable, "-c", FLOOR_CODE], repeat)
    ours, last = median_of([*cli, *no_cache, str(one)], repeat, cwd=work, env=env)
    report.line("floor_cold_s", f"floor: python -c \"{FLOOR_CODE}\": {floor:.3f} s (median of {repeat})", floor)
    report.line("cold_start_s", f"(a) cold start: followup-lint one.txt ({len(one.read_text().split())} words"
                f"{', --no-cache' if no_cache else ''}): {ours:.3f} s (median of {repeat}) = {ours / floor:.2f}x the "
                f"floor [target <= 1.3x and <= 1.0 s]; peak RSS {last.peak_rss_mb:.0f} MB", ours)
    report.figures["cold_start_vs_floor"] = ours / floor
    if features["no_cache"]:
        run_measured([*cli, str(one)], cwd=work, env=env)
        cached, _ = median_of([*cli, str(one)], repeat, cwd=work, env=env)
        report.line("cold_start_cached_s", f"    same file again with the content cache: {cached:.3f} s", cached)
    else:
        report.note("the CLI has no --no-cache yet: the cold start above is uncached; no cached figure")
    for arguments, label in ((["--version"], "--version"), (["rules"], "rules"), (["explain", "filler"], "explain")):
        seconds, _ = median_of([*cli, *arguments], repeat, cwd=work)
        imports = subprocess.run([sys.executable, "-X", "importtime", "-m", "followup_lint", *arguments],
                                 capture_output=True, text=True, cwd=work).stderr
        spacy_loaded = any(line.rstrip().endswith("| spacy") for line in imports.splitlines())
        report.line(f"cold_{label}_s", f"    followup-lint {' '.join(arguments)}: {seconds:.3f} s; imports spaCy: "
                    f"{'yes' if spacy_loaded else 'no'}", seconds)


def measure_batch(report: Report, cli: list[str], features: dict, work: Path, paths: list[Path],
                  words: int) -> None:
    drafts = len(paths)
    folder = paths[0].parent
    no_cache = ["--no-cache"] if features["no_cache"] else []
    env = {"FOLLOWUP_LINT_CACHE_DIR": str(work / "cache-batch")}
    rss = []
    for jobs in (1, 2):
        if jobs > 1 and not features["jobs"]:
            report.note("the CLI has no --jobs yet: --jobs 2 is measured through followup_lint.parallel only")
            continue
        jobs_flag = ["--jobs", str(jobs)] if features["jobs"] else []
        run = run_measured([*cli, *no_cache, *jobs_flag, "-q", "--format", "json", str(folder)], cwd=work, env=env)
        if run.returncode not in (0, 1):
            report.note(f"CLI batch run exited {run.returncode}")
        rss.append(run.peak_rss_mb)
        report.line(f"cli_batch_jobs{jobs}", f"(b) CLI batch{' --jobs ' + str(jobs) if jobs_flag else ''}: {drafts} "
                    f"drafts, {words:,} words in {run.seconds:.2f} s = {drafts / run.seconds:,.0f} drafts/s, "
                    f"{words / run.seconds:,.0f} words/s (end to end, one command); peak RSS {run.peak_rss_mb:.0f} MB",
                    {"seconds": run.seconds, "drafts_per_s": drafts / run.seconds, "words_per_s": words / run.seconds,
                     "peak_rss_mb": run.peak_rss_mb})
    if features["no_cache"]:
        run_measured([*cli, "-q", "--format", "json", str(folder)], cwd=work, env=env)
        again = run_measured([*cli, "-q", "--format", "json", str(folder)], cwd=work, env=env)
        report.line("cli_rerun_cached_s", f"    re-run over the unchanged corpus with the cache: {again.seconds:.2f} s",
                    again.seconds)
    for jobs in (1, 2):
        result, run = workload("library", paths_file=str(work / "paths.txt"), jobs=jobs)
        rss.append(run.peak_rss_mb)
        label = "one process" if jobs == 1 else f"parallel.lint_files, jobs={jobs}"
        report.line(f"library_jobs{jobs}", f"(b) library, warm ({label}): {drafts / result['seconds']:,.0f} drafts/s, "
                    f"{words / result['seconds']:,.0f} words/s ({result['seconds']:.2f} s); peak RSS "
                    f"{run.peak_rss_mb:.0f} MB",
                    {"seconds": result["seconds"], "drafts_per_s": drafts / result["seconds"],
                     "words_per_s": words / result["seconds"], "peak_rss_mb": run.peak_rss_mb})
    report.line("peak_rss_mb", f"(d) peak RSS, largest process of any run above: {max(rss):.0f} MB "
                "[target <= 300 MB]", max(rss))


def measure_latency(report: Report, cli: list[str], features: dict) -> None:
    result, _ = workload("latency", count=300)
    p50, p95 = percentile(result["ms"], 0.5), percentile(result["ms"], 0.95)
    report.line("latency_library_ms", f"(c) warm latency, library lint_text, {len(result['ms'])} drafts of "
                f"~{result['words']:.0f} words: p50 {p50:.2f} ms, p95 {p95:.2f} ms [target p95 <= 10 ms]",
                {"p50": p50, "p95": p95})
    if not features["lsp"]:
        report.note("no `followup-lint lsp` command yet: language-server latency not measured "
                    "(bench/lsp_client.py measures didChange -> publishDiagnostics once it exists)")
        return
    try:
        result, _ = workload("lsp_latency", command=[*cli, "lsp"], count=200)
    except RuntimeError as error:
        report.note(f"language server latency could not be measured: {error}")
        return
    p50, p95 = percentile(result["ms"], 0.5), percentile(result["ms"], 0.95)
    report.line("latency_lsp_ms", f"(c) warm latency, language server didChange -> publishDiagnostics "
                f"(debounce set to 0 ms; editors get the server's typing pause on top): "
                f"p50 {p50:.2f} ms, p95 {p95:.2f} ms [target p95 <= 10 ms]", {"p50": p50, "p95": p95})


def measure_peers(report: Report, work: Path, paths: list[Path], words: int, node_modules: Path) -> None:
    drafts = len(paths)
    ours = report.figures.get("library_jobs1", {}).get("drafts_per_s")
    ours_cli = report.figures.get("cli_batch_jobs1", {}).get("drafts_per_s")
    try:
        result, run = workload("proselint", paths_file=str(work / "paths.txt"))
        rate = drafts / result["seconds"]
        report.line("proselint", f"(e) proselint {result['version']} (library, warm): {rate:,.0f} drafts/s, "
                    f"{words / result['seconds']:,.0f} words/s; ours/theirs = {ours / rate:.2f} [target >= 3]",
                    {"drafts_per_s": rate, "words_per_s": words / result["seconds"], "ratio": ours / rate})
        proselint_cli = Path(sys.executable).with_name("proselint")
        if proselint_cli.exists():
            run = run_measured([str(proselint_cli), "check", str(paths[0].parent)], cwd=work)
            cli_rate = drafts / run.seconds
            report.line("proselint_cli", f"    proselint CLI over the folder: {cli_rate:,.0f} drafts/s "
                        f"({run.seconds:.2f} s); ours/theirs (CLI, one process) = {ours_cli / cli_rate:.2f}",
                        {"drafts_per_s": cli_rate, "ratio": ours_cli / cli_rate if ours_cli else None})
    except RuntimeError:
        report.note("proselint is not installed here: `pip install proselint` to compare")
    node = shutil.which("node")
    if not node:
        report.note("Node.js is not installed: write-good skipped")
        return
    if not (node_modules / "write-good").is_dir():
        report.note(f"write-good not found in {node_modules}: `npm install --prefix bench/.peers write-good`")
        return
    run = run_measured([node, str(BENCH / "writegood.js"), str(node_modules), str(work / "paths.txt")], cwd=work,
                       keep_stdout=True)
    result = json.loads(run.stdout)
    rate = drafts / result["seconds"]
    report.line("write_good", f"(e) write-good {result['version']} (node, warm): {rate:,.0f} drafts/s, "
                f"{words / result['seconds']:,.0f} words/s; ours/theirs = {ours / rate:.2f}",
                {"drafts_per_s": rate, "words_per_s": words / result["seconds"], "ratio": ours / rate})


def measure_ceiling(report: Report, work: Path, paths: list[Path], words: int) -> None:
    result, _ = workload("parse_only", paths_file=str(work / "paths.txt"))
    ceiling = words / result["seconds"]
    ours = report.figures.get("library_jobs1", {}).get("words_per_s", 0)
    report.line("blank_pipe_words_per_s", f"floor: bare spacy.blank('en') nlp.pipe over the same texts: "
                f"{ceiling:,.0f} words/s; ours = {ours / ceiling:.0%} of it [target >= 40%]", ceiling)
    report.figures["share_of_ceiling"] = ours / ceiling
    for pipeline, label in [("spacy_rule_based", "spaCy's own sentencizer + lookup lemmatizer, no rule run"),
                            ("followup", "our parsing pipeline alone, no matching or rule")]:
        result, _ = workload("parse_only", paths_file=str(work / "paths.txt"), pipeline=pipeline)
        rate = words / result["seconds"]
        report.line(f"{pipeline}_words_per_s", f"  for comparison, {label}: {rate:,.0f} words/s = "
                    f"{rate / ceiling:.0%} of the ceiling", rate)


def measure_where_time_goes(report: Report, work: Path, one_path: Path) -> None:
    phases, _ = workload("cold_phases", path=str(one_path))
    report.line("cold_phases_ms", "where a cold start goes (one fresh process):", phases["phases_ms"])
    for name, ms in phases["phases_ms"].items():
        print(f"      {ms:8.1f} ms  {name}")
    try:
        costs, _ = workload("stage_costs", paths_file=str(work / "paths.txt"))
    except RuntimeError as error:
        report.note(f"stage costs not measured: {error}")
        return
    total = costs["total_s"]
    report.line("stage_costs", f"where a warm batch goes ({costs['drafts']} drafts, {total:.2f} s):", costs)
    for name, seconds in sorted(costs["stages_s"].items(), key=lambda item: -item[1]):
        print(f"      {seconds / total:6.1%}  {seconds / costs['drafts'] * 1000:6.3f} ms/draft  {name}")
    print("    rules (detectors and checks), most expensive first, ms per draft:")
    for rule, seconds in sorted(costs["rules_s"].items(), key=lambda item: -item[1])[:8]:
        print(f"      {seconds / costs['drafts'] * 1000:6.3f}  {rule}")
    print("    each rule's patterns matched alone over 500 drafts, ms per draft:")
    for rule, seconds in sorted(costs["matching_by_rule_s"].items(), key=lambda item: -item[1])[:8]:
        print(f"      {seconds / min(500, costs['drafts']) * 1000:6.3f}  {rule}")


def measure_fuzz(report: Report, count: int, seed: int) -> None:
    workers = max(1, CPUS)
    shares = [count // workers + (1 if index < count % workers else 0) for index in range(workers)]
    started = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, str(BENCH / "workloads.py"), "fuzz",
                                   json.dumps({"count": share, "seed": seed + index})], stdout=subprocess.PIPE)
                 for index, share in enumerate(shares)]
    results = [json.loads(process.communicate()[0].decode().strip().splitlines()[-1]) for process in processes]
    seconds = time.perf_counter() - started
    total = {key: sum(r[key] for r in results) for key in ("inputs", "refused", "fixed", "failures")}
    slowest = max(r["slowest_ms"] for r in results)
    report.line("fuzz", f"fuzz: {total['inputs']:,} inputs in {seconds:.0f} s ({workers} processes): "
                f"{total['failures']} failures, {total['refused']:,} refused with a one-line error, "
                f"{total['fixed']:,} fixed and re-checked; slowest input {slowest:.0f} ms",
                {**total, "seconds": seconds, "slowest_ms": slowest})
    kinds: dict[str, int] = {}
    for result in results:
        for kind, count in result["failure_kinds"].items():
            kinds[kind] = kinds.get(kind, 0) + count
    for kind, count in sorted(kinds.items(), key=lambda item: -item[1]):
        print(f"      {count:6d}  {kind}")
    report.figures["fuzz"]["failure_kinds"] = kinds
    failures = [failure for r in results for failure in r["first_failures"]]
    if failures:
        out = BENCH / "results" / "fuzz-failures.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(failures, indent=2, ensure_ascii=False), encoding="utf-8")
        report.note(f"first failures written to {out.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drafts", type=int, default=5000, help="generated drafts (the real ones are added)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5, help="runs per cold-start median")
    parser.add_argument("--fuzz", type=int, default=100_000, help="fuzz inputs (0 to skip)")
    parser.add_argument("--node-modules", type=Path, default=BENCH / ".peers" / "node_modules")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["cold", "batch", "latency", "peers", "ceiling", "profile"])
    args = parser.parse_args()
    report = Report()
    cli = cli_command()
    features = cli_features(cli)
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as temporary:
        work = Path(temporary)
        paths = corpus.generate(work / "corpus", args.drafts, args.seed)
        (work / "paths.txt").write_text("\n".join(map(str, paths)) + "\n", encoding="utf-8")
        words = sum(len(path.read_text(encoding="utf-8").split()) for path in paths)
        report.line("corpus", f"corpus: {len(paths)} drafts ({args.drafts} generated with seed {args.seed} + "
                    f"the real ones), {words:,} words, {min(len(p.read_text().split()) for p in paths)}-"
                    f"{max(len(p.read_text().split()) for p in paths)} words each",
                    {"drafts": len(paths), "words": words})
        steps = [
            ("cold", lambda: measure_cold_start(report, cli, features, work, args.repeat)),
            ("batch", lambda: measure_batch(report, cli, features, work, paths, words)),
            ("latency", lambda: measure_latency(report, cli, features)),
            ("peers", lambda: measure_peers(report, work, paths, words, args.node_modules)),
            ("ceiling", lambda: measure_ceiling(report, work, paths, words)),
            ("profile", lambda: measure_where_time_goes(report, work, paths[0])),
        ]
        for name, step in steps:
            if name not in args.skip:
                step()
        if args.fuzz:
            measure_fuzz(report, args.fuzz, args.seed)
    out = BENCH / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"figures": report.figures, "notes": report.notes}, indent=2), encoding="utf-8")
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
