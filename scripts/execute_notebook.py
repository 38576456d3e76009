#!/usr/bin/env python3
"""Executes one notebook with nbclient, cell by cell, and exports it as an HTML book page.

    python3 scripts/execute_notebook.py NOTEBOOK OUT_IPYNB OUT_HTML --kernel asl-workbook --timeout 600 \
        [--title TEXT] [--prev PAGE:TITLE] [--next PAGE:TITLE]

On a failing cell: writes the partially executed notebook, prints one JSON line
{"ok": false, "cell": i, "ename": ..., "evalue": ..., "source": first lines} and exits 1.
On success prints {"ok": true, "cells": n, "seconds": t} and exits 0.
The HTML page is self-contained with the book's assets/ folder: the inlined plotly.js bundle (script
id "asl-plotly-bundle") becomes a reference to `assets/plotly.min.js`; require.js and MathJax (3, SVG
output) load from `assets/` instead of /usr/share/javascript or a CDN, so results/book/ works offline
on any machine. Cells tagged `remove-cell` (set-up and diagnostics: they still run) are left out of the
page, `remove-input` shows only the output; the page gets the chapter's title and previous / index /
next links.
"""
import argparse
import copy
import json
import re
import sys
import time

import html
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

BUNDLE = re.compile(r'<script type="text/javascript" id="asl-plotly-bundle">.*?</script>', re.S)
REQUIRE = re.compile(r'<script src="[^"]*require(?:\.min)?\.js"></script>')
MATHJAX = re.compile(r'<!-- Load mathjax -->.*?</script>\s*<!-- End of mathjax configuration -->', re.S)
MATHJAX_LOADER = re.compile(r'<script src="[^"]*MathJax\.js[^"]*">\s*</script>')
MATHJAX_CONFIG = re.compile(r'<script type="text/x-mathjax-config">.*?</script>', re.S)
TITLE = re.compile(r"<title>.*?</title>", re.S)
MATHJAX3 = """<script>
window.MathJax = {
  tex: { inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']], processEscapes: true, tags: 'ams' },
  svg: { fontCache: 'global' },
  options: { skipHtmlTags: ['script', 'noscript', 'style', 'textarea', 'pre', 'code'] }
};
</script>
<script src="assets/tex-svg.js" id="MathJax-script"></script>"""


def nav_html(prev, nxt):
    def link(spec, rel, arrow):
        if not spec:
            return '<span class="asl-nav-empty"></span>'
        page, _, title = spec.partition(":")
        text = f"{arrow} {html.escape(title)}" if rel == "prev" else f"{html.escape(title)} {arrow}"
        return f'<a class="asl-nav-{rel}" rel="{rel}" href="{html.escape(page)}">{text}</a>'
    return ('<nav class="asl-nav">' + link(prev, "prev", "←") +
            '<a class="asl-nav-index" href="index.html">Contents</a>' + link(nxt, "next", "→") + "</nav>")


NAV_STYLE = """<style>
.asl-nav { display: flex; justify-content: space-between; align-items: center; max-width: 1100px; margin: 12px auto;
  padding: 8px 16px; font: 15px system-ui, sans-serif; border-bottom: 1px solid #ddd; }
.asl-nav a { text-decoration: none; color: #0b5cad; } .asl-nav-empty { min-width: 4em; }
.asl-verdict-holds { color: #0a7d32; font-weight: 600; } .asl-verdict-contradicts { color: #b00020; font-weight: 600; }
.asl-verdict-within-noise { color: #8a6d00; font-weight: 600; } .asl-verdict-not-testable-here { color: #555; font-weight: 600; }
details.asl-solution { margin: 8px 0; padding: 6px 10px; background: #f6f8fa; border-left: 3px solid #0b5cad; }
</style>"""


DETAILS = re.compile(r"(<details[^>]*>\s*<summary>.*?</summary>)(.*?)(</details>)", re.S)
PRE = re.compile(r"<pre>.*?</pre>", re.S)


def render_details(source):
    """Markdown inside <details> (the collapsed worked solutions) is raw HTML to nbconvert's Markdown
    parser, so code fences and emphasis would show as typed: render the inside here, as one HTML block
    without blank lines (a blank line would end the HTML block), newlines in <pre> kept as entities."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    def one(m):
        inner = markdown2html_mistune(m.group(2).strip("\n"))
        inner = PRE.sub(lambda p: p.group(0).replace("\n", "&#10;"), inner)
        inner = re.sub(r"\n\s*\n+", "\n", inner)
        return m.group(1) + "\n" + inner.strip() + "\n" + m.group(3)

    return DETAILS.sub(one, source)


def export_html(nb, path, title=None, prev=None, nxt=None):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "<details" in cell.source:
            cell.source = render_details(cell.source)
    c = Config()
    c.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    c.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    c.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=c)
    exporter.register_preprocessor(TagRemovePreprocessor(config=c), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    body = BUNDLE.sub('<script type="text/javascript" src="assets/plotly.min.js"></script>', body)
    body = REQUIRE.sub('<script src="assets/require.min.js"></script>', body)
    if MATHJAX.search(body):
        body = MATHJAX.sub(lambda m: MATHJAX3, body)
    else:
        body = MATHJAX_LOADER.sub(lambda m: MATHJAX3, body)
        body = MATHJAX_CONFIG.sub("", body)
    if title:
        body = TITLE.sub(lambda m: f"<title>{html.escape(title)}</title>", body, count=1)
    nav = nav_html(prev, nxt)
    body = body.replace("</head>", NAV_STYLE + "\n</head>", 1)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + nav, body, count=1)
    body = body.replace("</body>", nav + "\n</body>", 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("out_ipynb")
    ap.add_argument("out_html")
    ap.add_argument("--kernel", default="asl-workbook")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    ap.add_argument("--cwd", default=None)
    ap.add_argument("--title", default=None)
    ap.add_argument("--prev", default=None, help="PAGE:TITLE of the previous chapter")
    ap.add_argument("--next", default=None, help="PAGE:TITLE of the next chapter")
    a = ap.parse_args()

    nb = nbformat.read(a.notebook, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=a.kernel,
        timeout=a.timeout,
        allow_errors=False,
        resources={"metadata": {"path": a.cwd or "."}},
    )
    start = time.time()
    failure = None
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                try:
                    client.execute_cell(cell, index)
                except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
                    err = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), {})
                    failure = {
                        "ok": False,
                        "cell": index,
                        "ename": err.get("ename") or type(e).__name__,
                        "evalue": (err.get("evalue") or str(e))[:2000],
                        "source": "\n".join(cell.source.splitlines()[:6]),
                    }
                    break
    except Exception as e:  # kernel failed to start, etc.
        failure = {"ok": False, "cell": None, "ename": type(e).__name__, "evalue": str(e)[:2000], "source": ""}
    nbformat.write(nb, a.out_ipynb)
    try:
        export_html(nb, a.out_html, a.title, a.prev, a.next)
    except Exception as e:  # an export problem must not hide the execution result
        print(f"execute_notebook: HTML export failed: {e}", file=sys.stderr)
        if failure is None:
            failure = {"ok": False, "cell": None, "ename": "HTMLExportError", "evalue": str(e), "source": ""}
    if failure:
        print(json.dumps(failure))
        return 1
    print(json.dumps({"ok": True, "cells": len(nb.cells), "seconds": round(time.time() - start, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
