"""The site checks the browser tests rely on catch what they are meant to catch, on tiny sites."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from site_checks import broken_links, is_blank  # noqa: E402


def write_site(root, pages):
    """Write ``{relative path: HTML body}`` under ``root``."""
    for name, body in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"<html><body>{body}</body></html>")


def test_a_site_whose_links_all_resolve_passes(tmp_path):
    """Links to pages, anchors, folders and images of the site, and external URLs, are all fine."""
    (tmp_path / "_images").mkdir()
    Image.new("RGB", (4, 4)).save(tmp_path / "_images" / "plot.png")
    write_site(tmp_path, {
        "index.html": '<a href="book/a.html#sec">a</a> <a href="#top" id="top">top</a> <a href="book/">b</a> '
                      '<a href="https://example.org/x">out</a> <a href="mailto:x@example.org">m</a>',
        "book/a.html": '<h2 id="sec">S</h2><img src="../_images/plot.png"><a href="../index.html?q=1">home</a>',
        "book/index.html": '<a name="old">old</a>',
        "_static/macros.html": "<script src=\"{{ pathto('x.js', 1) }}\"></script>",
    })
    assert broken_links(tmp_path) == []


def test_missing_pages_images_anchors_and_escapes_are_reported(tmp_path):
    """A missing page, a missing image, an anchor its page lacks and a path out of the site all fail."""
    write_site(tmp_path, {
        "index.html": '<a href="gone.html">x</a><img src="_images/none.png">'
                      '<a href="book/a.html#nowhere">y</a><a href="../../etc/passwd">z</a>',
        "book/a.html": '<h2 id="sec">S</h2>',
    })
    broken = broken_links(tmp_path)
    assert len(broken) == 4, broken
    assert any("gone.html" in b and "no such file" in b for b in broken)
    assert any("none.png" in b for b in broken)
    assert any("no anchor #nowhere" in b for b in broken)
    assert any("leaves the site" in b for b in broken)


def test_blank_images_are_told_from_figures(tmp_path):
    """A white or single-colour image is blank; a plotted matplotlib figure is not."""
    Image.new("RGB", (640, 480), "white").save(tmp_path / "white.png")
    Image.fromarray(np.full((100, 100, 3), 30, np.uint8)).save(tmp_path / "dark.png")
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [0, 1, 0])
    fig.savefig(tmp_path / "plot.png")
    plt.close(fig)
    assert is_blank(tmp_path / "white.png") and is_blank(tmp_path / "dark.png")
    assert not is_blank(tmp_path / "plot.png")
