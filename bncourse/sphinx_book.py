"""The book's own Sphinx extension: chapter downloads without launch buttons, and no thebe.

The course has no launch buttons (see ``_config.yml``), which leaves sphinx-book-theme with two
gaps this fills:

- the theme offers a MyST Markdown chapter's ``.ipynb`` download only when a launch button is
  configured: each chapter as the build executed it (``_build/jupyter_execute``) is copied into
  ``_sources`` and named in the page context, as the theme does, before it draws its buttons;
- Jupyter Book always loads sphinx-thebe, whose scripts (declared twice on each page, a script
  error) serve only a live-code launch button and point to a CDN: they are left out of every page.
"""

from pathlib import Path
from shutil import copy2


def offer_ipynb(app, pagename, templatename, context, doctree):
    """Copy the executed notebook of ``pagename``, if it is one, beside its sources for download."""
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if executed.is_file():
        target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        copy2(executed, target)
        context["ipynb_source"] = f"{pagename}.ipynb"


def drop_thebe(app, pagename, templatename, context, doctree):
    """Leave sphinx-thebe's scripts and stylesheet out of the page."""
    def thebe(asset):
        return "thebe" in str(asset.filename) or "THEBE" in asset.attributes.get("body", "")

    context["script_files"] = [js for js in context.get("script_files", []) if not thebe(js)]
    context["css_files"] = [css for css in context.get("css_files", []) if not thebe(css)]


def setup(app):
    """Register both before sphinx-book-theme's header buttons (priority 501)."""
    app.connect("html-page-context", offer_ipynb, priority=500)
    app.connect("html-page-context", drop_thebe, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
