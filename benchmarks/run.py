"""Measure the course's speed and memory on this machine and print the figures as Markdown tables.

    python benchmarks/run.py                 # chapters, the whole book build, every assignment
    python benchmarks/run.py --only chapters # or: book, assignments, corpus, class, browser, ci
                                             # (ci: `bash .ci/run` on a fresh clone, only when asked)

Budgets (2 CPU cores): a chapter executes in at most 120 s; an assignment autogrades in at most 60 s.
Each measurement runs in its own child process; its peak memory is the largest sum of the resident
memory of that process and everything it started (the sandboxed kernels included), sampled from /proc.
Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bncourse.toc import chapters_with_code

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from graded_course import grade_corpus  # noqa: E402
from hostile import HOSTILE, fingerprint, max_scores_from_source  # noqa: E402
from autograder.course import (  # noqa: E402
    ASSIGNMENTS, judge_code_lines, make_course, notebook_paths, read_notebook, submit,
)

CHAPTER_BUDGET, AUTOGRADE_BUDGET = 120, 60


def tree_rss_mib(root: int) -> float:
    """The summed resident memory (MiB) of process ``root`` and all its descendants now, from /proc.

    The sandboxed kernels live in their own PID namespace and are never waited for by this process,
    so ``getrusage`` cannot see them; /proc shows them under their host PIDs."""
    parents, rss = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid = int(stat.parent.name)
            parents[pid] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            status = (stat.parent / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        rss[pid] = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    tree, grown = {root}, True
    while grown:
        new = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= new
        grown = bool(new)
    return sum(rss.get(pid, 0) for pid in tree) / 1024


def measured(command: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``command`` in a child process; return (seconds, peak MiB of it and its descendants together,
    sampled every 0.2 s)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, text=True)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, tree_rss_mib(process.pid))
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        if process.returncode != 0:
            log.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed:\n{log.read()[-3000:]}")
    return seconds, peak


def bench_chapters() -> None:
    """Execute each chapter alone, as the book build does."""
    print("| chapter | seconds | peak memory (MiB) | within 120 s |\n| --- | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as folder:
        for chapter in chapters_with_code():
            out = Path(folder) / (Path(chapter).name + ".ipynb")
            seconds, peak = measured(
                [sys.executable, "-m", "jupytext", "--quiet", "--to", "ipynb", "--execute",
                 "--run-path", str(ROOT / Path(chapter).parent), "--output", str(out), str(ROOT / f"{chapter}.md")],
                cwd=ROOT / Path(chapter).parent,
            )
            print(f"| {chapter} | {seconds:.0f} | {peak:.0f} | {'yes' if seconds <= CHAPTER_BUDGET else 'NO'} |")


def print_chapter_times(build: Path) -> float:
    """Print each chapter's execution time in the book build under ``build`` (``--path-output``), as
    jupyter-cache recorded it; return their sum."""
    from jupyter_cache import get_cache

    records = get_cache(build / "_build" / ".jupyter_cache").list_cache_records()
    executed = {Path(r.uri).resolve(): r.data.get("execution_seconds", 0.0) for r in records}
    print("\n| chapter (in the whole build) | seconds | within 120 s |\n| --- | ---: | --- |")
    for chapter in chapters_with_code():
        run = executed.get((ROOT / f"{chapter}.md").resolve())
        shown = "not executed | " if run is None else f"{run:.0f} | {'yes' if run <= CHAPTER_BUDGET else 'NO'}"
        print(f"| {chapter} | {shown} |")
    return sum(executed.values())


def bench_book() -> None:
    """Build the whole book from an empty execution cache; print each chapter's execution time within
    the build and the build's time."""
    with tempfile.TemporaryDirectory() as folder:
        before = cpu_times()
        seconds, peak = measured(
            [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--path-output", folder,
             "-W", "-n", "--keep-going"],
            cwd=ROOT,
        )
        after = cpu_times()
        executing = print_chapter_times(Path(folder))
    print(f"\nWhole book build from a clean cache: {seconds:.0f} s (executing the chapters {executing:.0f} s), "
          f"peak memory {peak:.0f} MiB; cores idle {idle_share(before, after):.0%}, "
          f"stolen by the host {steal_share(before, after):.0%}.")


def bench_assignments() -> None:
    """Autograde each assignment's reference solution twice in a fresh course: the first submission
    also makes the grader's per-machine cache (the inputs of the function calls, the reference runs),
    unless an earlier grading on this machine made it; every later one finds it."""
    print("\n| assignment | first submission (s) | each later submission (s) | peak memory (MiB) | within 60 s |"
          "\n| --- | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as folder:
        course = make_course(Path(folder))
        for assignment in ASSIGNMENTS:
            solution = {p.name: read_notebook(p) for p in notebook_paths(course / "solutions" / assignment)}
            runs = []
            for student in ("first", "later"):
                submit(course, student, assignment, solution)
                runs.append(measured([sys.executable, "-m", "nbgrader", "autograde", assignment,
                                      "--student", student, "--create"], cwd=course))
            (first, _), (later, peak) = runs
            ok = "yes" if later <= AUTOGRADE_BUDGET else "NO"
            print(f"| {assignment} | {first:.0f} | {later:.0f} | {peak:.0f} | {ok} |")


def bench_corpus() -> None:
    """Grade the hostile corpus beside honest submissions; count what got through and time it."""
    with tempfile.TemporaryDirectory() as folder:
        found = grade_corpus(Path(folder))
        scores = found.scores
        tried = sum(len(cases) for cases in HOSTILE.values())
        false_passes = [name for assignment, cases in HOSTILE.items() for name, case in cases.items()
                        if scores.get((assignment, name), 0.0) > case["deserves"]]
        changed = []
        for (assignment, name), failing in found.honest.items():
            points = max_scores_from_source(assignment)
            expected = sum(points.values()) - (0 if failing == "all" else sum(points[c] for c in failing))
            if scores.get((assignment, name)) != expected:
                changed.append(name)
        pages = list((found.course / "feedback").glob("*/*/*.html"))
        leaks = [page for page in pages
                 if any(line in page.read_text() for line in judge_code_lines(page.parent.name))]
        escaped = (fingerprint(found.course) != found.before) + len(found.contacts)
        submissions = len(found.honest) + tried
        print(f"\nHostile corpus: {tried} hostile submissions beside {len(found.honest)} honest ones; "
              f"false passes {len(false_passes)} {false_passes or ''}; honest grades changed {len(changed)}; "
              f"feedback pages showing judge code {len(leaks)}; grading files changed or connections made "
              f"{escaped}; largest feedback page {max(page.stat().st_size for page in pages) / 1000:.0f} kB.")
        for assignment, seconds in found.seconds.items():
            count = sum(1 for graded, _ in found.honest if graded == assignment) + len(HOSTILE[assignment])
            print(f"autograde {assignment}: {count} submissions in {seconds:.0f} s, "
                  f"{seconds / count:.1f} s per submission")
        print(f"all: {submissions} submissions in {sum(found.seconds.values()):.0f} s")


def cpu_times() -> list[int]:
    """The machine's CPU time counters (jiffies), from the first line of /proc/stat."""
    return [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]


def idle_share(before: list[int], after: list[int]) -> float:
    """The share of CPU time spent idle (or waiting on I/O) between two ``cpu_times`` readings."""
    spent = [b - a for a, b in zip(before, after)]
    return (spent[3] + spent[4]) / max(1, sum(spent))


def steal_share(before: list[int], after: list[int]) -> float:
    """The share of CPU time the hypervisor gave to other machines ("steal") between two ``cpu_times``
    readings: a busy host, not a slow course, when it is large."""
    spent = [b - a for a, b in zip(before, after)]
    return spent[7] / max(1, sum(spent))


def bench_class(count: int = 24, assignment: str = "weight_init") -> None:
    """Grade one batch of ``count`` submissions sequentially (plain nbgrader autograde) and with
    `python -m autograder.grade` on every core, each way in a fresh copy of the same course."""
    import shutil

    from wrong_answers import WRONG_ANSWERS
    from autograder.course import mutate

    with tempfile.TemporaryDirectory() as folder:
        template = make_course(Path(folder) / "template", [assignment])
        notebook = f"{assignment}.ipynb"
        solution = read_notebook(template / "solutions" / assignment / notebook)
        blank = read_notebook(template / "exercises" / assignment / notebook)
        kinds = [solution, blank, *(mutate(solution, wrong["edits"]) for wrong in WRONG_ANSWERS[assignment].values())]
        for index in range(count):
            submit(template, f"student{index:03d}", assignment, {notebook: kinds[index % len(kinds)]})
        runs = {"nbgrader autograde (one at a time)": [sys.executable, "-m", "nbgrader", "autograde", assignment,
                                                       "--create"],
                "autograder.grade, 1 worker x 2 threads (default on 2 cores)": [
                    sys.executable, "-m", "autograder.grade", assignment, "--workers", "1", "--threads", "2"],
                "autograder.grade, 2 workers x 1 thread": [sys.executable, "-m", "autograder.grade", assignment,
                                                           "--workers", "2", "--threads", "1"]}
        print(f"\n| {count} submissions of {assignment} | seconds | per submission | speed-up | cores idle |")
        print("| --- | ---: | ---: | ---: | ---: |")
        first = None
        for index, (name, command) in enumerate(runs.items()):
            course = Path(folder) / f"run{index}"
            shutil.copytree(template, course)
            before = cpu_times()
            seconds, _ = measured(command, cwd=course)
            idle = idle_share(before, cpu_times())
            first = first or seconds
            print(f"| {name} | {seconds:.0f} | {seconds / count:.1f} | {first / seconds:.2f}x | {idle:.0%} |")
        print("\n(cores idle: the machine's idle CPU share during the run, from /proc/stat. Running side by side "
              "can at best use what the sequential run leaves idle: its ceiling is 1 / (1 - idle).)")


def bench_browser() -> None:
    """Time the browser tests (`pytest -m browser`), which build the book once and open it in Chromium."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-m", "browser", "-q", "-p", "no:cacheprovider",
                           "--durations=0"], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    durations = [line.split() for line in done.stdout.splitlines() if line.split()[1:2] in (["setup"], ["call"])]
    build = sum(float(d[0].rstrip("s")) for d in durations if d[1] == "setup")
    tests = sum(float(d[0].rstrip("s")) for d in durations if d[1] == "call")
    print(f"\nBrowser tests: {seconds:.0f} s in all ({'passed' if done.returncode == 0 else 'FAILED'}): "
          f"set-up (the book build) {build:.0f} s, the tests in Chromium {tests:.0f} s.")


def bench_ci() -> None:
    """Time `bash .ci/run` on a fresh clone of the committed tree (beside this one, so ../shared/data is found)."""
    with tempfile.TemporaryDirectory(dir=ROOT.parent, prefix="ci-benchmark-") as folder:
        clone = Path(folder) / "course"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        (Path(folder) / "shared").symlink_to((ROOT.parent / "shared").resolve())
        start = time.perf_counter()
        code = subprocess.run(["bash", ".ci/run"], cwd=clone, capture_output=True).returncode
        seconds = time.perf_counter() - start
    print(f"\nbash .ci/run on a fresh clone: {seconds / 60:.1f} min, exit status {code} (limit 90 min).")


def cpu_model() -> str:
    """The processor's name, clock and widest vector instructions, from /proc/cpuinfo: machines of
    one kind here differ by up to twice in speed, and this tells two apart."""
    info = dict(line.split(":", 1) for line in Path("/proc/cpuinfo").read_text().splitlines() if ":" in line)
    info = {key.strip(): value.strip() for key, value in info.items()}
    flags = info.get("flags", "").split()
    vector = next((name for name in ("avx512f", "avx2", "avx") if name in flags), "no AVX")
    return f"{info.get('model name', 'unknown')}, {float(info.get('cpu MHz', 0)):.0f} MHz, {vector}"


def main() -> None:
    """Run the benchmarks asked for and print where they ran."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["chapters", "book", "assignments", "corpus", "class", "browser", "ci"])
    args = parser.parse_args()
    if not os.environ.get("BNCOURSE_DATA"):
        print("note: BNCOURSE_DATA is not set; the loaders will use the keras cache", file=sys.stderr)
    print(f"Machine: {os.cpu_count()} CPU cores ({cpu_model()}), Python {sys.version.split()[0]}\n")
    runs = {"chapters": bench_chapters, "book": bench_book, "assignments": bench_assignments,
            "corpus": bench_corpus, "class": bench_class, "browser": bench_browser, "ci": bench_ci}
    for name, run in runs.items():
        if args.only == name or (args.only is None and name != "ci"):  # the whole CI run only when asked
            run()


if __name__ == "__main__":
    main()
