#!/usr/bin/env python3
"""The zoo, trained by PyTorch the way vanish trains it, recording the same statistics; timed.

Reference for vanish's speed claims (issue 6): the same data file, split, standardisation,
batch order, networks, optimiser and per-layer statistics as `vanish train zoo`, so the two
timings compare the same work.

    /work/venv-torch/bin/python tools/pytorch_zoo.py                 # train, print timings
    /work/venv-torch/bin/python tools/pytorch_zoo.py --repeats 3     # median of 3
    /work/venv-torch/bin/python tools/pytorch_zoo.py --figures zoo-torch.pdf   # also draw, timed

What is the same as vanish:
- data: fixtures/digits.csv.gz (1797 x 64 pixels, label last); an 80/20 split by vanish's
  seeded shuffle (xoshiro256** seeded through SplitMix64, stream 0x5EED), 360 test examples;
  features standardised with the training set's mean and population std (std 0 counts as 1);
- batches: vanish's batch-order generator (stream 0xBA7C) shuffles the index list in place at
  the start of every epoch; 23 batches of 64 per epoch, the last one 29 examples;
- networks from Reports/zoo.json: Linear -> (BatchNorm1d) -> activation, residual h = h + z from
  the second hidden layer on, a Linear output and mean softmax cross-entropy; xavier-normal or
  he-normal weights (PyTorch's own initialisers and generator, so the weights differ from vanish's),
  zero biases;
- SGD (lr 0.01, momentum 0.9, PyTorch's convention, as vanish), 30 epochs = 690 steps;
- every step: per weight layer the Frobenius norm of dL/dW, the norm of dL/db, the norm of the
  batch sum of dL/dz (z = the activation's input), the mean and std of the layer's output, the
  saturated and dead shares, and ||dW|| / ||W|| of the update; loss and batch accuracy; test
  accuracy after every epoch in eval mode.

The runs train one after another, each with torch.set_num_threads(2) (PyTorch parallelises
inside each product); vanish instead trains runs side by side, one per core.
"""

import argparse
import gzip
import json
import math
import os
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

MASK = (1 << 64) - 1
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Xoshiro:
    """vanish's SeededGenerator: xoshiro256** seeded through SplitMix64, with streams."""

    def __init__(self, seed, stream=0):
        self.mixer = seed & MASK
        first = self._split_mix()
        self.mixer = first ^ ((stream * 0xD1B54A32D192ED03) & MASK)
        self.s = [self._split_mix() for _ in range(4)]

    def _split_mix(self):
        self.mixer = (self.mixer + 0x9E3779B97F4A7C15) & MASK
        z = self.mixer
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    @staticmethod
    def _rotate(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self):
        s = self.s
        result = (self._rotate((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotate(s[3], 45)
        return result

    def index_below(self, bound):
        threshold = ((-bound) & MASK) % bound
        while True:
            value = self.next()
            if value >= threshold:
                return value % bound

    def shuffle(self, values):
        for index in range(len(values) - 1, 0, -1):
            other = self.index_below(index + 1)
            values[index], values[other] = values[other], values[index]


def load_split(seed):
    """The digits, split and standardised as vanish's Dataset.split does it."""
    with gzip.open(os.path.join(ROOT, "fixtures", "digits.csv.gz"), "rt") as handle:
        rows = [line.strip().split(",") for line in handle if line.strip()]
    data = np.array(rows, dtype=np.float64)
    features, labels = data[:, :-1], data[:, -1].astype(np.int64)
    order = list(range(len(labels)))
    Xoshiro(seed, 0x5EED).shuffle(order)
    test_count = min(len(order) - 1, max(1, math.ceil(0.2 * len(order))))
    test_index, train_index = order[:test_count], order[test_count:]
    train_x, test_x = features[train_index], features[test_index]
    mean = train_x.mean(axis=0)
    std = np.sqrt(np.maximum(0, (train_x ** 2).mean(axis=0) - mean ** 2)).astype(np.float32)
    scale = np.where(std > 1e-12, 1 / np.where(std > 1e-12, std, 1), 1).astype(np.float32)
    mean = mean.astype(np.float32)

    def standardise(x):
        return torch.from_numpy(((x.astype(np.float32) - mean) * scale).astype(np.float32))

    return (standardise(train_x), torch.from_numpy(labels[train_index]),
            standardise(test_x), torch.from_numpy(labels[test_index]))


class ZooNet(nn.Module):
    """DESIGN.md's network: hidden k computes act(norm(W h + b)), plus h when residual and k >= 2."""

    def __init__(self, inputs, classes, depth, width, activation, batch_norm, residual, init):
        super().__init__()
        self.linears = nn.ModuleList(nn.Linear(inputs if k == 0 else width, width) for k in range(depth))
        self.norms = nn.ModuleList(nn.BatchNorm1d(width, eps=1e-5, momentum=0.1) for _ in range(depth)) \
            if batch_norm else None
        self.output = nn.Linear(width, classes)
        self.activation = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[activation]
        self.residual = residual
        for layer in list(self.linears) + [self.output]:
            if init == "he-normal":
                nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            else:
                nn.init.xavier_normal_(layer.weight)
            nn.init.zeros_(layer.bias)
        self.pre = []
        self.outputs = []

    def forward(self, x, keep=False):
        self.pre, self.outputs = [], []
        h = x
        for k, linear in enumerate(self.linears):
            z = linear(h)
            if self.norms is not None:
                z = self.norms[k](z)
            if keep:
                z.retain_grad()
                self.pre.append(z)
            a = self.activation(z)
            if keep:
                self.outputs.append(a)
            h = h + a if (self.residual and k > 0) else a
        logits = self.output(h)
        if keep:
            logits.retain_grad()
            self.pre.append(logits)
            self.outputs.append(logits)
        return logits


def layer_stats(model, activation):
    """The first seven statistics of DESIGN.md per weight layer, as one tensor (one copy out per step)."""
    layers = list(model.linears) + [model.output]
    rows = []
    zero = torch.zeros(())
    with torch.no_grad():
        for index, layer in enumerate(layers):
            out = model.outputs[index]
            is_output = index == len(layers) - 1
            if is_output or activation == "relu":
                saturated = zero
            elif activation == "sigmoid":
                saturated = ((out < 0.03) | (out > 0.97)).float().mean()
            else:
                saturated = ((out < -0.97) | (out > 0.97)).float().mean()
            dead = (out == 0).all(dim=0).float().mean() if activation == "relu" and not is_output else zero
            rows.append(torch.stack([
                layer.weight.grad.norm(), layer.bias.grad.norm(), model.pre[index].grad.sum(dim=0).norm(),
                out.mean(), out.std(unbiased=False), saturated, dead,
            ]))
    return torch.stack(rows)


def train_run(network, spec, data, seed):
    train_x, train_y, test_x, test_y = data
    depth = network.get("depth", spec["depth"])
    width = network.get("width", spec["width"])
    batch = network.get("batchSize", spec["batchSize"])
    epochs = network.get("epochs", spec["epochs"])
    optimizer_spec = network.get("optimizer", spec["optimizer"])
    model = ZooNet(train_x.shape[1], 10, depth, width, network["activation"], network.get("batchNorm", False),
                   network.get("residual", False), network.get("init", spec.get("init", "xavier-normal")))
    optimizer = torch.optim.SGD(model.parameters(), lr=optimizer_spec["learningRate"],
                                momentum=optimizer_spec.get("momentum", 0))
    loss_fn = nn.CrossEntropyLoss()
    weights = [layer.weight for layer in list(model.linears) + [model.output]]
    count = train_x.shape[0]
    steps_per_epoch = -(-count // batch)
    order = list(range(count))
    orderer = Xoshiro(seed, 0xBA7C)
    history = {"network": network["name"], "stats": [], "loss": [], "trainAccuracy": [], "testAccuracy": []}
    for step in range(epochs * steps_per_epoch):
        position = step % steps_per_epoch
        if position == 0:
            orderer.shuffle(order)
        index = torch.tensor(order[position * batch:(position + 1) * batch])
        x, y = train_x[index], train_y[index]
        model.train()
        logits = model(x, keep=True)
        loss = loss_fn(logits, y)
        optimizer.zero_grad(set_to_none=False)
        loss.backward()
        stats = layer_stats(model, network["activation"])
        before = [w.detach().clone() for w in weights]
        optimizer.step()
        with torch.no_grad():
            ratios = torch.stack([(w - old).norm() / old.norm() for w, old in zip(weights, before)])
            history["stats"].append(torch.cat([stats, ratios[:, None]], dim=1).tolist())
        history["loss"].append(loss.item())
        history["trainAccuracy"].append((logits.argmax(dim=1) == y).float().mean().item())
        if position == steps_per_epoch - 1:
            model.eval()
            with torch.no_grad():
                history["testAccuracy"].append((model(test_x).argmax(dim=1) == test_y).float().mean().item())
    return history


def draw(histories, path):
    """Heatmaps on one colour scale, the gradient profile and the training curves, as PDF pages."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    logs = [np.log10(np.maximum(np.array([[row[0] for row in step] for step in h["stats"]]), 1e-45))
            for h in histories]
    low, high = min(l.min() for l in logs), max(l.max() for l in logs)
    with PdfPages(path) as pdf:
        figure, axes = plt.subplots(1, len(histories), figsize=(4 * len(histories), 4), squeeze=False)
        for ax, h, values in zip(axes[0], histories, logs):
            image = ax.imshow(values.T, aspect="auto", origin="lower", cmap="viridis", vmin=low, vmax=high,
                              interpolation="nearest")
            ax.set_title(h["network"])
            ax.set_xlabel("step")
            ax.set_ylabel("layer")
        figure.colorbar(image, ax=axes[0].tolist(), label="log10 ||dL/dW||")
        pdf.savefig(figure)
        plt.close(figure)

        figure, ax = plt.subplots(figsize=(7, 5))
        for h in histories:
            first = [row[0] for row in h["stats"][0]]
            ax.semilogy(range(1, len(first) + 1), first, marker="o", label=h["network"])
        ax.set_xlabel("layer")
        ax.set_ylabel("||dL/dW|| at step 0")
        ax.legend()
        pdf.savefig(figure)
        plt.close(figure)

        figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        for h in histories:
            left.plot(h["loss"], label=h["network"])
            right.plot(np.arange(1, len(h["testAccuracy"]) + 1), h["testAccuracy"], label=h["network"])
        left.set_xlabel("step")
        left.set_ylabel("loss")
        right.set_xlabel("epoch")
        right.set_ylabel("test accuracy")
        right.legend()
        pdf.savefig(figure)
        plt.close(figure)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", default=os.path.join(ROOT, "Reports", "zoo.json"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1, help="train this many times; print the median")
    parser.add_argument("--figures", help="also draw the figures into this multi-page PDF (timed)")
    parser.add_argument("--history", help="write the last repeat's recorded statistics as JSON here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.spec) as handle:
        spec = json.load(handle)
    seed = spec["seeds"][0]
    data = load_split(seed)
    times = []
    histories = []
    for repeat in range(args.repeats):
        torch.manual_seed(seed)
        start = time.perf_counter()
        histories = [train_run(network, spec, data, seed) for network in spec["networks"]]
        times.append(time.perf_counter() - start)
        print(f"training {repeat + 1}/{args.repeats}: {times[-1]:.3f} s", file=sys.stderr)
    steps = sum(len(h["loss"]) for h in histories)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, runs one after another")
    print(f"zoo training: median {statistics.median(times):.3f} s of {args.repeats} "
          f"({', '.join(f'{t:.3f}' for t in times)}), {steps} steps")
    for h in histories:
        print(f"  {h['network']:<18} test accuracy {h['testAccuracy'][-1]:.3f}")
    if args.figures:
        start = time.perf_counter()
        draw(histories, args.figures)
        print(f"figures (matplotlib, {args.figures}): {time.perf_counter() - start:.3f} s")
    if args.history:
        with open(args.history, "w") as handle:
            json.dump(histories, handle)


if __name__ == "__main__":
    main()
