#!/usr/bin/env python3
"""The PyTorch side of the book's recipe check: the book CNN (zoo `bn-cnn`) trained on MultiFashion
exactly as `asl train --model bn-cnn --canvas 64 --train-size 8000 --val-size 2000 --epochs 6
--batch-size 128 --lr 1e-3 --schedule constant --ema off --weight-decay 0 --loss <loss>` trains it,
on the same images (dumped by `npx tsx bench/export-multifashion.ts 64 8000 2000 DIR`).

Losses as the official code: BCE (sum), focal (gamma 2, sum), ASL (gamma- 4, gamma+ 0, clip 0.05,
eps 1e-8, detached focusing weight, sum). mAP: the mean over classes of average precision
(scikit-learn's, which equals the official one without ties), in percent, after every epoch.

    python3 bench/pytorch_multifashion.py DIR --loss asl [--seed 0] [--threads 1] [--epochs 6] [--lr 1e-3]
Prints one JSON line: {"loss", "seed", "mAP": [per epoch], "best", "seconds"}. glibc keeps freed memory
(bench/torch_malloc.py): the same numbers, several times faster on some hosts.
"""
import argparse
import json
import os
import sys
import time

from torch_malloc import keep_freed_memory

keep_freed_memory()

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--loss", default="asl", choices=["bce", "focal", "asl"])
p.add_argument("--seed", type=int, default=0)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--epochs", type=int, default=6)
p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--batch-size", type=int, default=128)
p.add_argument("--canvas", type=int, default=64)
a = p.parse_args()
os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402

torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
np.random.seed(a.seed)


def load(split):
    x = np.fromfile(os.path.join(a.dir, f"{split}-x.u8"), dtype=np.uint8)
    y = np.fromfile(os.path.join(a.dir, f"{split}-y.u8"), dtype=np.uint8)
    n = y.size // 80
    x = x.reshape(n, a.canvas, a.canvas, 3).astype(np.float32) / 255.0
    return torch.from_numpy(x).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(y.reshape(n, 80).astype(np.float32))


xt, yt = load("train")
xv, yv = load("val")


def bn_cnn(classes=80, channels=(16, 32, 64)):
    layers, c_in = [], 3
    for c in channels:
        layers += [nn.Conv2d(c_in, c, 3, padding=1, bias=False), nn.BatchNorm2d(c, eps=1e-3, momentum=0.1),
                   nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True)]
        c_in = c
    layers += [nn.Conv2d(c_in, channels[-1], 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
               nn.Linear(channels[-1], classes)]
    return nn.Sequential(*layers)


def asl(z, y, gneg=4.0, gpos=0.0, clip=0.05, eps=1e-8):
    xs_pos = torch.sigmoid(z)
    xs_neg = (1 - xs_pos + clip).clamp(max=1)
    los = y * torch.log(xs_pos.clamp(min=eps)) + (1 - y) * torch.log(xs_neg.clamp(min=eps))
    with torch.no_grad():
        pt = xs_pos * y + xs_neg * (1 - y)
        w = torch.pow(1 - pt, gpos * y + gneg * (1 - y))
    return -(los * w).sum()


def loss_fn(z, y):
    if a.loss == "bce":
        return nn.functional.binary_cross_entropy_with_logits(z, y, reduction="sum")
    if a.loss == "focal":
        p_ = torch.sigmoid(z)
        ce = nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none")
        pt = p_ * y + (1 - p_) * (1 - y)
        return ((1 - pt) ** 2 * ce).sum()
    return asl(z, y)


def mean_ap(scores, targets):
    aps = [average_precision_score(targets[:, c], scores[:, c]) if targets[:, c].sum() > 0 else 0.0 for c in range(targets.shape[1])]
    return 100.0 * float(np.mean(aps))


model = bn_cnn()
opt = torch.optim.Adam(model.parameters(), lr=a.lr)
start = time.time()
maps = []
for epoch in range(a.epochs):
    model.train()
    order = torch.randperm(xt.shape[0])
    for i in range(0, xt.shape[0], a.batch_size):
        idx = order[i:i + a.batch_size]
        opt.zero_grad()
        loss_fn(model(xt[idx]), yt[idx]).backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        s = torch.cat([torch.sigmoid(model(xv[i:i + 500])) for i in range(0, xv.shape[0], 500)]).numpy()
    maps.append(mean_ap(s, yv.numpy()))
    print(f"epoch {epoch + 1}: mAP {maps[-1]:.2f}", file=sys.stderr)
print(json.dumps({"loss": a.loss, "seed": a.seed, "mAP": maps, "best": max(maps), "last": maps[-1], "seconds": time.time() - start}))
