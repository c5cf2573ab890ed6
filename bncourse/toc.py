"""The pages of the book, as the table of contents (``_toc.yml`` at the repository root) lists them."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_files() -> list[str]:
    """Every file the table of contents lists (without extension), in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", [{"chapters": toc.get("chapters", [])}]):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


def chapters_with_code() -> list[str]:
    """The files of :func:`toc_files` that hold code cells, the chapters the build executes."""
    return [page for page in toc_files() if "```{code-cell}" in (ROOT / f"{page}.md").read_text()]
