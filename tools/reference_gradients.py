#!/usr/bin/env python3
"""Step-0 weight-gradient norms of the zoo's networks, computed independently of vanish.

A plain numpy (float64) forward and backward pass of the networks DESIGN.md defines, on the
digits data, averaged over many seeds. vanish's tests compare their own Swift step-0
gradients (averaged over 50 seeds) with this file's output:

    python3 tools/reference_gradients.py > fixtures/reference/step0-gradients.json

Nothing here is shared with the Swift code: its own data split, its own initialisation from
numpy's generator, its own backward pass.
"""
import gzip
import json
import os
import sys

import numpy as np

DEPTH, WIDTH, BATCH, SEEDS = 20, 64, 256, 400
NETWORKS = [
    # name, activation, init, batch norm, residual
    ("sigmoid", "sigmoid", "xavier-normal", False, False),
    ("tanh", "tanh", "xavier-normal", False, False),
    ("relu", "relu", "he-normal", False, False),
    ("sigmoid+batchnorm", "sigmoid", "xavier-normal", True, False),
    ("sigmoid+residual", "sigmoid", "xavier-normal", False, True),
]


def load_digits():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "Sources", "GradientData", "Resources", "digits.csv.gz")
    with gzip.open(path, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",")
    return table[:, :64] / 16.0, table[:, 64].astype(int)


def first_batch(features, labels, rng):
    """An 80/20 split standardised with the training statistics, then the first shuffled batch."""
    order = rng.permutation(len(labels))
    test_count = int(np.ceil(0.2 * len(labels)))
    train = order[test_count:]
    x, y = features[train], labels[train]
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    x = (x - mean) / std
    pick = rng.permutation(len(y))[:BATCH]
    return x[pick], y[pick]


def act(kind, u):
    if kind == "sigmoid":
        return 1.0 / (1.0 + np.exp(-u))
    if kind == "tanh":
        return np.tanh(u)
    return np.maximum(u, 0.0)


def act_grad(kind, a):
    if kind == "sigmoid":
        return a * (1.0 - a)
    if kind == "tanh":
        return 1.0 - a * a
    return (a > 0).astype(a.dtype)


def weight_grad_norms(x, y, kind, init, batch_norm, residual, rng):
    sizes = [x.shape[1]] + [WIDTH] * DEPTH + [10]
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        var = 2.0 / (fan_in + fan_out) if init == "xavier-normal" else 2.0 / fan_in
        weights.append(rng.normal(0.0, np.sqrt(var), size=(fan_in, fan_out)))
    n = len(y)
    # Forward, keeping what the backward pass needs.
    h, inputs, acts, norms = x, [], [], []
    for k in range(DEPTH):
        inputs.append(h)
        u = h @ weights[k]
        if batch_norm:
            mu, var = u.mean(axis=0), u.var(axis=0)
            inv = 1.0 / np.sqrt(var + 1e-5)
            u = (u - mu) * inv
            norms.append((u, inv))
        a = act(kind, u)
        acts.append(a)
        h = h + a if residual and k > 0 else a
    inputs.append(h)
    logits = h @ weights[DEPTH]
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(n), y] -= 1.0
    dz = p / n
    grads = [None] * (DEPTH + 1)
    grads[DEPTH] = inputs[DEPTH].T @ dz
    dh = dz @ weights[DEPTH].T
    for k in reversed(range(DEPTH)):
        dpre = dh * act_grad(kind, acts[k])
        if batch_norm:
            xhat, inv = norms[k]
            dpre = inv / n * (n * dpre - dpre.sum(axis=0) - xhat * (dpre * xhat).sum(axis=0))
        grads[k] = inputs[k].T @ dpre
        below = dpre @ weights[k].T
        dh = below + dh if residual and k > 0 else below
    return [float(np.linalg.norm(g)) for g in grads]


def main():
    features, labels = load_digits()
    result = []
    for name, kind, init, batch_norm, residual in NETWORKS:
        table = []
        for seed in range(SEEDS):
            rng = np.random.default_rng([seed, 2024])
            x, y = first_batch(features, labels, rng)
            table.append(weight_grad_norms(x, y, kind, init, batch_norm, residual, rng))
        table = np.array(table)
        logs = np.log10(table)
        result.append({
            "network": name,
            "meanWeightGradNorm": [float(v) for v in table.mean(axis=0)],
            "stdWeightGradNorm": [float(v) for v in table.std(axis=0)],
            "meanLog10WeightGradNorm": [float(v) for v in logs.mean(axis=0)],
            "stdLog10WeightGradNorm": [float(v) for v in logs.std(axis=0)],
        })
    document = {
        "source": "tools/reference_gradients.py (numpy %s, float64)" % np.__version__,
        "depth": DEPTH, "width": WIDTH, "batchSize": BATCH, "seeds": SEEDS,
        "networks": result,
    }
    json.dump(document, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
