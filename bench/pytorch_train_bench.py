#!/usr/bin/env python3
"""PyTorch side of `npm run bench:train`: the same two reference models, the same step
(forward + BCE-with-logits + backward + Adam lr 1e-3), images per second over timed steps after
warm-up. Not a dependency of the workbook: bench/train.bench.ts runs it when python3 has torch.

Usage: python3 bench/pytorch_train_bench.py [--threads N] [--steps N] [--warmup N]
Set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS before starting it for a true one-thread run.
"""
import argparse
import json
import time

import torch
import torch.nn as nn


def reference_cnn(classes):
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, classes))


def reference_mlp(classes):
    return nn.Sequential(nn.Linear(4096, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, classes))


def measure(model, x, y, steps, warmup):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    return {"imagesPerSecond": x.shape[0] * steps / seconds, "msPerStep": 1000 * seconds / steps, "steps": steps}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0 = torch default)")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    classes = 10
    cnn = measure(reference_cnn(classes), torch.rand(64, 1, 48, 48), (torch.rand(64, classes) < 0.3).float(), a.steps, a.warmup)
    mlp = measure(reference_mlp(classes), torch.rand(128, 4096), (torch.rand(128, classes) < 0.3).float(), a.steps, a.warmup)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "cnn": cnn, "mlp": mlp}))


if __name__ == "__main__":
    main()
