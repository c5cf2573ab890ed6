"""Checks of a built static site: its local links, anchors and images resolve; its figures are not blank."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
from PIL import Image


class PageRefs(HTMLParser):
    """The ids (anchors) an HTML page defines and the ``href``/``src`` values it uses."""

    def __init__(self, text: str):
        super().__init__()
        self.ids, self.refs = set(), []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == "id" or (key == "name" and tag == "a"):
                self.ids.add(value)
            elif key in ("href", "src") and value:
                self.refs.append((tag, key, value))


def broken_links(site: Path) -> list[str]:
    """Every ``href`` and ``src`` of every HTML page of ``site`` that points to a missing file or to an
    anchor its page lacks, or leaves the site. URLs with a scheme (``https:``, ``mailto:``, ``data:``)
    are not followed; ``_static/`` holds assets (the themes copy their template macros there), not pages."""
    site = site.resolve()
    pages = {page: PageRefs(page.read_text(errors="replace")) for page in site.rglob("*.html")
             if "_static" not in page.relative_to(site).parts}
    broken = []
    for page, parsed in pages.items():
        for tag, key, ref in parsed.refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc:
                continue
            where = f"{page.relative_to(site)}: <{tag} {key}={ref!r}>"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_relative_to(site):
                broken.append(f"{where} leaves the site")
            elif not target.is_file():
                broken.append(f"{where}: no such file")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else PageRefs(target.read_text()).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where}: {target.name} has no anchor #{parts.fragment}")
    return broken


def is_blank(image: Path, min_drawn: float = 0.005) -> bool:
    """True when less than ``min_drawn`` of the image's pixels differ from its most common colour."""
    pixels = np.asarray(Image.open(image).convert("RGB"), dtype=np.uint32).reshape(-1, 3)
    packed = (pixels[:, 0] << 16) | (pixels[:, 1] << 8) | pixels[:, 2]
    return 1 - np.bincount(np.unique(packed, return_inverse=True)[1]).max() / len(packed) < min_drawn
