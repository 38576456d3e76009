#!/usr/bin/env python3
"""PyTorch under the book's own comparison protocol (packages/book/src/experiments/comparison.ts): for each
loss, the learning rate is chosen on the validation split with seed 0 from the grid 5e-4, 1e-3, 2e-3,
extended (x2 or /2, at most 4 times per side) while the best rate sits at the grid's edge; seeds 1 and 2
then train at the chosen rate. Each run is bench/pytorch_multifashion.py (the book CNN, 6 epochs, batch
128, Adam, constant rate, summed loss, best validation epoch), one thread each, two runs at a time.

    npx tsx bench/export-multifashion.ts 64 8000 2000 DIR
    /usr/bin/python3 bench/pytorch_multifashion_lr.py DIR [--losses bce,focal,asl] [--jobs 2] \
        > data/reference/pytorch-multifashion-scratch.json

Progress goes to stderr; stdout is the reference file chapter 4 reads (packages/book/src/analysis/
pytorch-reference.ts): per loss, under the book's arm label, the rates tried, the chosen rate, and the
per-seed best mAP at that rate.

With --extend FILE it runs no search: it trains one loss at one rate (--at LOSS=LR) over --seeds and
prints FILE with those runs added under "atRate" (by arm label; replaced if there), for comparing the
workbook with PyTorch at the rate the workbook chose, over more seeds than the search uses:

    /usr/bin/python3 bench/pytorch_multifashion_lr.py DIR --extend data/reference/pytorch-multifashion-scratch.json \
        --at bce=0.016 --seeds 0-11 > /tmp/ref.json && mv /tmp/ref.json data/reference/pytorch-multifashion-scratch.json
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--losses", default="bce,focal,asl")
p.add_argument("--jobs", type=int, default=2)
p.add_argument("--grid", default="5e-4,1e-3,2e-3")
p.add_argument("--max-extensions", type=int, default=4)
p.add_argument("--seeds", default="0,1,2", help="comma-separated seeds, or a range FIRST-LAST")
p.add_argument("--extend", help="an existing reference file to add runs at one rate to (no search)")
p.add_argument("--at", help="with --extend: LOSS=LR, the loss and rate to train")
a = p.parse_args()


def parse_seeds(text):
    if "-" in text:
        first, last = (int(x) for x in text.split("-"))
        return list(range(first, last + 1))
    return [int(x) for x in text.split(",")]


SEEDS = parse_seeds(a.seeds)

here = os.path.dirname(os.path.abspath(__file__))
pool = ThreadPoolExecutor(max_workers=a.jobs)
lock = threading.Lock()


def run(loss, lr, seed):
    cmd = [sys.executable, os.path.join(here, "pytorch_multifashion.py"), a.dir, "--loss", loss, "--lr", repr(lr), "--seed", str(seed), "--threads", "1"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    r = json.loads(out)
    with lock:
        print(f"{loss} lr={lr:g} seed={seed}: best mAP {r['best']:.2f} ({r['seconds']:.0f} s)", file=sys.stderr, flush=True)
    return r["best"]


def arm(loss):
    seeds = SEEDS
    tried = {}

    def try_rates(lrs):
        fresh = [lr for lr in lrs if lr not in tried]
        for lr, m in zip(fresh, pool.map(lambda lr: run(loss, lr, seeds[0]), fresh)):
            tried[lr] = m

    try_rates([float(x) for x in a.grid.split(",")])
    for _ in range(a.max_extensions):
        rates = sorted(tried)
        best = max(rates, key=lambda lr: tried[lr])
        if best == rates[-1]:
            try_rates([float(f"{best * 2:.3g}")])
        elif best == rates[0]:
            try_rates([float(f"{best / 2:.3g}")])
        else:
            break
    rates = sorted(tried)
    best = max(rates, key=lambda lr: tried[lr])
    more = list(pool.map(lambda s: run(loss, best, s), seeds[1:]))
    return {"tried": {f"{lr:g}": tried[lr] for lr in rates}, "chosen": best, "interior": rates[0] < best < rates[-1], "mAP": [tried[best], *more]}


def host_cpu():
    """The CPU's model name (Linux), recorded with runs at one rate: PyTorch's kernels differ by instruction set."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


LABELS = {"bce": "CE", "focal": "focal (γ=2)", "asl": "ASL (γ−=4, m=0.05)"}
if a.extend:
    if not a.at or "=" not in a.at:
        sys.exit("--extend needs --at LOSS=LR (e.g. --at bce=0.016)")
    loss, lr_text = a.at.split("=", 1)
    if loss not in LABELS:
        sys.exit(f"--at: unknown loss {loss!r} (one of {', '.join(LABELS)})")
    with open(a.extend, encoding="utf-8") as f:
        ref = json.load(f)
    lr = float(lr_text)
    maps = list(pool.map(lambda s: run(loss, lr, s), SEEDS))
    entry = {
        "command": f"/usr/bin/python3 bench/pytorch_multifashion_lr.py DIR --extend FILE --at {loss}={lr_text} --seeds {a.seeds}",
        "date": datetime.date.today().isoformat(),
        "lr": lr,
        "seeds": SEEDS,
        "mAP": maps,
    }
    host = host_cpu()
    if host:
        entry["host"] = host
    ref.setdefault("atRate", {})[LABELS[loss]] = entry
    print(json.dumps(ref, indent=1, ensure_ascii=False))
    sys.exit(0)
losses = a.losses.split(",")
# Arms run side by side; their runs share the pool of `--jobs` processes.
with ThreadPoolExecutor(max_workers=len(losses)) as arms:
    results = dict(zip(losses, arms.map(arm, losses)))
torch_version = subprocess.run([sys.executable, "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True).stdout.strip()
print(json.dumps({
    "command": "npx tsx bench/export-multifashion.ts 64 8000 2000 DIR && /usr/bin/python3 bench/pytorch_multifashion_lr.py DIR",
    "torch": torch_version,
    "date": datetime.date.today().isoformat(),
    "setting": "MultiFashion 64x64 (8,000 / 2,000 images, seed 0, shipped source), bn-cnn from scratch, Adam, constant "
               "learning rate per loss (grid " + a.grid + ", up to " + str(a.max_extensions) + " extensions per side), batch 128, "
               "6 epochs, summed losses, best validation epoch, one thread per run",
    "seeds": SEEDS,
    "arms": {LABELS[k]: v for k, v in results.items()},
}, indent=1, ensure_ascii=False))
