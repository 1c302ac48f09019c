"""The PyTorch peer of `rlab train classifier --config configs/supervised/fashion_mnist_cnn.toml`
for bench/compare.py: the same network, optimiser, batch size and per-epoch work, timed the same way.

Network: conv 3×3 (1→16, pad 1) → ReLU → max-pool 2 → conv 3×3 (16→32) → ReLU → max-pool 2 →
dropout 0.25 → dense 128 → ReLU → dropout 0.25 → dense 10; cross-entropy; Adam lr 1e-3; batch 64.
An epoch is a shuffled pass over 54,000 training images (a batch accuracy computed per step, as rlab
does) plus inference over the 6,000 validation images in batches of 512. Prints one JSON line.
"""
import argparse, gzip, json, os, struct, time
from pathlib import Path

import numpy as np
import torch
from torch import nn


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv0 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv1 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc0 = nn.Linear(32 * 7 * 7, 128)
        self.out = nn.Linear(128, 10)
        self.drop = nn.Dropout(0.25)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv0(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2).flatten(1)
        x = torch.relu(self.fc0(self.drop(x)))
        return self.out(self.drop(x))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.environ.get("RLAB_DATA", str(Path.home() / ".cache/rlab/data")))
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    d = Path(a.data) / "fashion-mnist"
    images = torch.from_numpy(idx(d / "train-images-idx3-ubyte.gz").copy()).float().div_(255.0).unsqueeze(1)
    labels = torch.from_numpy(idx(d / "train-labels-idx1-ubyte.gz").astype(np.int64))
    perm = torch.randperm(len(labels), generator=torch.Generator().manual_seed(0))
    val, train = perm[:6000], perm[6000:]
    xt, yt, xv, yv = images[train], labels[train], images[val], labels[val]
    model = Cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-8)
    seconds = []
    for _ in range(a.epochs):
        start = time.perf_counter()
        model.train()
        for b in torch.randperm(len(yt)).split(64):
            x, y = xt[b], yt[b]
            logits = model(x)
            loss = nn.functional.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            with torch.no_grad():
                (logits.argmax(1) == y).float().mean().item()
            loss.item()
        model.eval()
        with torch.no_grad():
            for s in range(0, len(yv), 512):
                torch.softmax(model(xv[s:s + 512]), 1)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"train_images": len(yt), "epoch_seconds": seconds,
                      "images_per_second": len(yt) / float(np.median(seconds)), "threads": a.threads}))


if __name__ == "__main__":
    main()
