#!/usr/bin/python3
"""Generates test/fixtures/metrics/sklearn-metrics.json: scikit-learn's numbers for the workbook's
'sklearn'-mode metrics, on small named cases (hand-made edge cases and seeded random matrices with
and without ties). Run once with Debian's python3-sklearn:

    /usr/bin/python3 scripts/sklearn-metric-fixtures.py

The tests read only the committed JSON; this script is a tool, not a test dependency.

Besides scikit-learn's own functions, each case carries `official_ap`: the official ASL
`average_precision` rule written here in numpy (stable ascending argsort reversed, Σ prec@pos /
(P + 1e-8)), a second, independent formulation for the workbook's 'official' mode.
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    coverage_error,
    f1_score,
    hamming_loss,
    label_ranking_average_precision_score,
    label_ranking_loss,
    precision_recall_curve,
    precision_recall_fscore_support,
)

warnings.simplefilter("ignore")


def official_ap(scores, targets):
    """Σ_{positive ranks i} prec@i / (P + 1e-8), ranks from a stable ascending argsort, reversed."""
    order = np.argsort(scores, kind="stable")[::-1]
    hits = targets[order] == 1
    pos = np.cumsum(hits)
    ranks = np.arange(1, len(scores) + 1)
    return float(np.sum(np.where(hits, pos / ranks, 0.0)) / (hits.sum() + 1e-8))


def case(name, scores, targets, dtype="float64", note=""):
    s = np.asarray(scores, dtype=np.float32 if dtype == "float32" else np.float64)
    y = np.asarray(targets, dtype=np.int64)
    n, k = s.shape
    out = {
        "name": name,
        "note": note,
        "dtype": dtype,
        "shape": [n, k],
        "scores": [[float(v) for v in row] for row in s],
        "targets": y.tolist(),
        "ap_per_class": [float(average_precision_score(y[:, c], s[:, c])) for c in range(k)],
        "ap_macro": float(average_precision_score(y, s, average="macro")) if k > 1 else None,
        "ap_micro": float(average_precision_score(y, s, average="micro")) if k > 1 else None,
        "ap_weighted": float(average_precision_score(y, s, average="weighted")) if k > 1 else None,
        "official_ap": [official_ap(s[:, c], y[:, c]) for c in range(k)],
        "official_ap_micro": official_ap(s.ravel(), y.ravel()),
        "pr_curves": [],
        # scikit-learn's ranking metrics need a multilabel-indicator (K ≥ 2).
        "lrap": float(label_ranking_average_precision_score(y, s)) if k > 1 else None,
        "coverage_error": float(coverage_error(y, s)) if k > 1 else None,
        "ranking_loss": float(label_ranking_loss(y, s)) if k > 1 else None,
        "at_threshold": {},
    }
    for c in range(k):
        p, r, t = precision_recall_curve(y[:, c], s[:, c])
        out["pr_curves"].append({"precision": p.tolist(), "recall": r.tolist(), "thresholds": [float(v) for v in t]})
    for label, pred in (("gt0.5", (s > 0.5)), ("ge0.5", (s >= 0.5))):
        pred = pred.astype(np.int64)
        if k == 1:
            continue
        p, r, f, _ = precision_recall_fscore_support(y, pred, average=None, zero_division=0)
        out["at_threshold"][label] = {
            "hamming_loss": float(hamming_loss(y, pred)),
            "subset_accuracy": float(accuracy_score(y, pred)),
            "f1_micro": float(f1_score(y, pred, average="micro", zero_division=0)),
            "f1_macro": float(f1_score(y, pred, average="macro", zero_division=0)),
            "precision_per_class": p.tolist(),
            "recall_per_class": r.tolist(),
            "f1_per_class": f.tolist(),
        }
    return out


def main():
    rng = np.random.default_rng(20210101)
    cases = []
    # The scikit-learn documentation example, one class.
    cases.append(case("sklearn-doc", [[0.1], [0.4], [0.35], [0.8]], [[0], [0], [1], [1]]))
    # landscape.md §3.1 tie cases, as two classes of one matrix.
    cases.append(case("tie-pair", [[0.9, 0.9], [0.5, 0.5], [0.5, 0.5], [0.1, 0.1]], [[1, 1], [0, 1], [1, 0], [0, 0]]))
    # All scores tied; positives at the first and the last index; a class with no positives; all positives.
    cases.append(
        case(
            "all-tied-and-edges",
            [[0.5, 0.5, 0.3, 0.7]] * 4,
            [[1, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 1], [0, 1, 0, 1]],
            note="column 2 has no positive, column 3 only positives",
        )
    )
    # Continuous random scores (no ties), float32.
    y = (rng.random((200, 5)) < [0.1, 0.3, 0.5, 0.05, 0.2]).astype(np.int64)
    s = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1).astype(np.float32)
    cases.append(case("random-200x5-float32", s, y, dtype="float32"))
    # Many ties: the same kind of scores rounded to one decimal, one empty class, one all-positive class.
    y = (rng.random((60, 6)) < [0.2, 0.4, 0.6, 0.1, 0.0, 1.0]).astype(np.int64)
    s = np.round(np.clip(rng.normal(0.4 + 0.25 * y, 0.2), 0, 1), 1)
    cases.append(case("rounded-60x6-ties", s, y, note="scores rounded to 0.1; column 4 has no positive, column 5 only positives"))
    # Logit-valued float64 scores (AP and ranking depend only on the order), with some exact ties.
    y = (rng.random((40, 4)) < 0.3).astype(np.int64)
    s = rng.normal(-1 + 2 * y, 1.5)
    s[::7] = np.round(s[::7])
    cases.append(case("logits-40x4", s, y, note="logits; every 7th row rounded to an integer"))
    # Rows with no positive and rows with all positives (ranking metrics' special rows).
    cases.append(
        case(
            "ranking-special-rows",
            [[0.2, 0.8, 0.5], [0.9, 0.1, 0.4], [0.3, 0.3, 0.3], [0.6, 0.7, 0.1], [0.5, 0.5, 0.9]],
            [[0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 1, 1], [1, 0, 1]],
        )
    )
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "test", "fixtures", "metrics", "sklearn-metrics.json")
    with open(path, "w") as f:
        json.dump(
            {
                "provenance": (
                    f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; generated by "
                    "scripts/sklearn-metric-fixtures.py (run with /usr/bin/python3). official_ap: the official "
                    "ASL average_precision rule in numpy (stable argsort reversed, denominator P + 1e-8)."
                ),
                "cases": cases,
            },
            f,
            indent=1,
        )
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
