#!/usr/bin/python3
"""An independent check of generated images: a PyTorch classifier that shares
no code with Latent Studio labels a folder of PNGs.

    /usr/bin/python3 scripts/independent_check.py --data ../shared/data/mnist --images DIR

It trains a small CNN (two conv layers, dropout, two dense layers: the
classic PyTorch MNIST example, shrunk) on the IDX training set in DATA,
caches it in build/, prints its test accuracy, then labels every PNG in
DIR and prints the share of each class, the largest share and the mean
top-class confidence: the GAN acceptance figures of issue 7.
"""
import argparse
import gzip
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image


def read_idx(path):
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.drop1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(64 * 12 * 12, 128)
        self.drop2 = nn.Dropout(0.5)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.drop1(torch.flatten(x, 1))
        return self.fc2(self.drop2(F.relu(self.fc1(x))))


def tensor(images):
    return torch.from_numpy(images.astype(np.float32) / 255).unsqueeze(1)


def figures(probs):
    """The class shares, classes present, largest share and mean confidence of softmax rows."""
    shares = np.bincount(probs.argmax(1), minlength=10) / len(probs)
    return shares, int((shares > 0).sum()), float(shares.max()), float(probs.max(1).mean())


def train(data, cache, epochs):
    torch.manual_seed(1)
    net = Net()
    if os.path.exists(cache):
        net.load_state_dict(torch.load(cache))
    else:
        x = tensor(read_idx(os.path.join(data, "train-images-idx3-ubyte.gz")))
        y = torch.from_numpy(read_idx(os.path.join(data, "train-labels-idx1-ubyte.gz")).astype(np.int64))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        for epoch in range(epochs):
            net.train()
            perm = torch.randperm(len(x))
            for i in range(0, len(x), 128):
                idx = perm[i:i + 128]
                opt.zero_grad()
                F.cross_entropy(net(x[idx]), y[idx]).backward()
                opt.step()
            print(f"epoch {epoch + 1} done", file=sys.stderr)
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        torch.save(net.state_dict(), cache)
    net.eval()
    x = tensor(read_idx(os.path.join(data, "t10k-images-idx3-ubyte.gz")))
    y = torch.from_numpy(read_idx(os.path.join(data, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))
    with torch.no_grad():
        logits = net(x)
        acc = (logits.argmax(1) == y).float().mean().item()
    # For scale: the same figures for 1,000 real test images drawn at random.
    pick = torch.from_numpy(np.random.default_rng(1).permutation(len(x))[:1000])
    real = figures(F.softmax(logits[pick], 1).numpy())
    return net, acc, real


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="folder with the IDX files (train-*, t10k-*)")
    ap.add_argument("--images", required=True, help="folder of generated PNGs to label")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--cache", help="where to keep the trained classifier (default build/independent-<data>.pt)")
    ap.add_argument("--report", help="write the figures to this JSON file")
    a = ap.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    cache = a.cache or os.path.join("build", "independent-" + os.path.basename(os.path.normpath(a.data)) + ".pt")
    net, acc, real = train(a.data, cache, a.epochs)
    print(f"independent classifier (PyTorch {torch.__version__}): test accuracy {100 * acc:.2f}%")
    print(f"1,000 real test images: largest share {100 * real[2]:.1f}%, mean top-class confidence {real[3]:.3f}")

    files = sorted(f for f in os.listdir(a.images) if f.lower().endswith(".png"))
    if not files:
        sys.exit(f"no PNG files in {a.images}")
    imgs = np.stack([np.asarray(Image.open(os.path.join(a.images, f)).convert("L").resize((28, 28))) for f in files])
    with torch.no_grad():
        probs = F.softmax(net(tensor(imgs)), 1).numpy()
    shares, present, largest, conf = figures(probs)
    print(f"{len(files)} images from {a.images}")
    print("class shares: " + ", ".join(f"{c} {100 * s:.1f}%" for c, s in enumerate(shares)))
    ok = present == 10 and largest <= 0.25 and conf >= 0.8
    print(f"classes present {present} of 10, largest share {100 * largest:.1f}%, mean top-class confidence {conf:.3f}")
    print(f"acceptance (all classes, none above 25%, confidence at least 0.8): {'pass' if ok else 'FAIL'}")
    if a.report:
        with open(a.report, "w") as f:
            json.dump({"images": a.images, "n": len(files), "test_accuracy": acc, "shares": shares.tolist(),
                       "classes_present": present, "max_share": largest, "mean_confidence": conf,
                       "real_max_share": real[2], "real_mean_confidence": real[3],
                       "acceptance": bool(ok)}, f, indent=1)


if __name__ == "__main__":
    main()
