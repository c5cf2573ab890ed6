"""Execute the book's chapters side by side into the execution cache that ``jupyter-book build``
reads, so that the build that follows finds every chapter executed.

    python -m bncourse.execute_chapters [PATH_OUTPUT]   # then: jupyter-book build . --path-output PATH_OUTPUT

A chapter executed alone leaves about 35 to 40 % of 2 cores idle (its small models do not keep
both busy), so jupyter-cache's ``local-parallel`` executor, one chapter per core, executes the
whole book in about 30 % less time (722 s against 1,040 on one machine, 1,437 against 2,057 on a
slower one). The outputs are those of a serial build except object addresses, temporary paths and
clock readings (compared on 2026-12-05). Two chapters competing for the cores each take longer
than alone, so the cells' timeout here is twice the book's, and per-chapter times measured this
way are not a chapter's own cost (``benchmarks/run.py --only book`` measures the serial build).
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor

from bncourse.toc import ROOT, chapters_with_code

READER = {"name": "myst_nb_md", "type": "plugin"}  # how myst-nb reads a MyST Markdown chapter


def execute_chapters(path_output: Path) -> list[str]:
    """Execute every chapter that has code into ``path_output/_build/.jupyter_cache``; the chapters
    that failed (the build executes them again and reports their errors)."""
    timeout = 2 * yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"]
    cache = get_cache(Path(path_output) / "_build" / ".jupyter_cache")
    for chapter in chapters_with_code():
        cache.add_nb_to_project(str(ROOT / f"{chapter}.md"), read_data=READER)
    executor = load_executor("local-parallel", cache=cache, logger=logging.getLogger(__name__))
    result = executor.run_and_cache(timeout=timeout)
    return sorted(result.errored + result.excepted)


def main() -> None:
    path_output = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT)
    logging.basicConfig(level=logging.WARNING)
    start = time.perf_counter()
    failed = execute_chapters(path_output)
    print(f"executed the chapters in {time.perf_counter() - start:.0f} s"
          + (f"; failed (the build will show why): {', '.join(failed)}" if failed else ""))


if __name__ == "__main__":
    main()
