#!/usr/bin/env python3
"""Executes one notebook with nbclient, cell by cell, and exports it as an HTML book page.

    python3 scripts/execute_notebook.py NOTEBOOK OUT_IPYNB OUT_HTML --kernel asl-workbook --timeout 600

On a failing cell: writes the partially executed notebook, prints one JSON line
{"ok": false, "cell": i, "ename": ..., "evalue": ..., "source": first lines} and exits 1.
On success prints {"ok": true, "cells": n, "seconds": t} and exits 0.
The inlined plotly.js bundle (script id "asl-plotly-bundle") is replaced in the HTML page by a
reference to the shared copy `assets/plotly.min.js`, so book pages stay small.
"""
import argparse
import json
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter

BUNDLE = re.compile(r'<script type="text/javascript" id="asl-plotly-bundle">.*?</script>', re.S)


def export_html(nb, path):
    exporter = HTMLExporter()
    body, _ = exporter.from_notebook_node(nb)
    body = BUNDLE.sub('<script type="text/javascript" src="assets/plotly.min.js"></script>', body)
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
        export_html(nb, a.out_html)
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
