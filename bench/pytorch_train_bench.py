#!/usr/bin/env python3
"""PyTorch side of `npm run bench:train`: the same three benchmark models, the same step
(forward + BCE-with-logits + backward + Adam lr 1e-3), images per second over timed steps after
warm-up. Not a dependency of the workbook: bench/train.bench.ts runs it when python3 has torch.

Models (as lib/train/benchmark.ts):
- cnn: 48x48x1, batch 64, 10 classes: conv3x3(16) ReLU maxpool2, conv3x3(32) ReLU maxpool2,
  conv3x3(64) ReLU, global average pool, linear(10).
- mlp: 4096, batch 128, 10 classes: linear 512 ReLU, 256 ReLU, 10.
- cnn-bn (the book CNN, zoo `bn-cnn`): 64x64x3, batch 128, 80 classes: 3 x [conv3x3 (no bias) ->
  BatchNorm2d(eps 1e-3, momentum 0.1) -> ReLU -> maxpool2] with 16, 32, 64 channels,
  conv3x3(64) ReLU, global average pool, linear(80).

With --matmul it also reports torch.mm's GFLOP/s on square products (256, 512, 1024; constant
operands, median of timed repetitions) at the same thread count: the rate the workbook's matrix
product is compared with (bench/train.bench.ts).

Usage: python3 bench/pytorch_train_bench.py [--threads N] [--steps N] [--warmup N] [--models cnn,mlp,cnn-bn] [--matmul]
Set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS before starting it for a true one-thread run. glibc keeps
freed memory (bench/torch_malloc.py; ASL_TORCH_MALLOC=default for glibc's defaults); the output's
"malloc" says which.
"""
import argparse
import json
import time

from torch_malloc import keep_freed_memory

MALLOC = keep_freed_memory()

import torch
import torch.nn as nn


def reference_cnn(classes):
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, classes))


def bn_cnn(classes, in_channels=3, channels=(16, 32, 64)):
    layers = []
    c_in = in_channels
    for c in channels:
        layers += [nn.Conv2d(c_in, c, 3, padding=1, bias=False), nn.BatchNorm2d(c, eps=1e-3, momentum=0.1),
                   nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True)]
        c_in = c
    layers += [nn.Conv2d(c_in, channels[-1], 3, padding=1), nn.ReLU(),
               nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels[-1], classes)]
    return nn.Sequential(*layers)


def reference_mlp(classes):
    return nn.Sequential(nn.Linear(4096, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, classes))


def measure(model, x, y, steps, warmup):
    model.train()
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


def matmul_gflops(sizes=(256, 512, 1024), reps=7):
    out = {}
    for n in sizes:
        a, b = torch.randn(n, n), torch.randn(n, n)
        torch.mm(a, b)
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            torch.mm(a, b)
            times.append(time.perf_counter() - start)
        times.sort()
        out[str(n)] = 2 * n ** 3 / times[len(times) // 2] / 1e9
    return out


MODELS = {
    "cnn": lambda: (reference_cnn(10), torch.rand(64, 1, 48, 48), (torch.rand(64, 10) < 0.3).float()),
    "mlp": lambda: (reference_mlp(10), torch.rand(128, 4096), (torch.rand(128, 10) < 0.3).float()),
    "cnn-bn": lambda: (bn_cnn(80), torch.rand(128, 3, 64, 64), (torch.rand(128, 80) < 0.3).float()),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0 = torch default)")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--models", default="cnn,mlp,cnn-bn")
    p.add_argument("--matmul", action="store_true", help="also report torch.mm GFLOP/s on square products")
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "malloc": MALLOC}
    for name in a.models.split(","):
        model, x, y = MODELS[name]()
        out[name] = measure(model, x, y, a.steps, a.warmup)
    if a.matmul:
        out["matMulGflopsBySize"] = matmul_gflops()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
