#!/usr/bin/env python3
"""Per-time-step hidden-state gradients at initialisation, computed by PyTorch itself.

For each cell (tanh RNN, LSTM, GRU) and each of many seeds: a torch.nn.RNN / LSTM / GRU with
PyTorch's default initialisation and a torch.nn.Linear readout of h_T, one batch of the adding
problem, the batch-mean squared error, and for every time step t the total gradient dL/dh_t
(through every later step). The network is stepped one time step at a time through the module
itself, so that each h_t is a node of the graph whose gradient autograd keeps. What is written
is, per cell and t, the mean and the standard deviation across seeds of

    log10(||dL/dh_t|| / ||dL/dh_T||)        (Frobenius norms over batch x hidden)

vanish's tests compute the same statistics from their own step-0 recordings (other seeds, other
random numbers) and compare the two distributions:

    python3 tools/reference_through_time.py > fixtures/reference/through-time-step0.json

The adding sequences follow the task's definition (value ~ U(0, 1) and a marker per step, one
marker in each half of the sequence), drawn with numpy; nothing is shared with the Swift code.
"""
import argparse
import json
import math

import numpy as np
import torch

MODULES = {"tanh": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def adding_batch(rng, count, length):
    """(length, count, 2) inputs: a uniform value and a 0/1 marker per step; targets (count, 1)."""
    values = rng.random((length, count))
    markers = np.zeros((length, count))
    half = length // 2
    columns = np.arange(count)
    markers[rng.integers(0, half, count), columns] = 1
    markers[half + rng.integers(0, length - half, count), columns] = 1
    inputs = np.stack([values, markers], axis=2).astype(np.float32)
    targets = (values * markers).sum(axis=0)[:, None].astype(np.float32)
    return torch.from_numpy(inputs), torch.from_numpy(targets)


def log_profile(kind, seed, length, hidden, batch):
    """log10(||dL/dh_t|| / ||dL/dh_T||) for t = 1..T, one seed."""
    torch.manual_seed(seed)
    module = MODULES[kind](input_size=2, hidden_size=hidden)
    readout = torch.nn.Linear(hidden, 1)
    x, y = adding_batch(np.random.default_rng(seed), batch, length)
    state = torch.zeros(1, batch, hidden)
    if kind == "lstm":
        state = (state, torch.zeros(1, batch, hidden))
    hiddens = []
    for t in range(length):
        _, state = module(x[t:t + 1], state)
        h = state[0] if kind == "lstm" else state
        h.retain_grad()
        hiddens.append(h)
    loss = torch.nn.functional.mse_loss(readout(hiddens[-1][0]), y)
    loss.backward()
    norms = np.array([h.grad.double().norm().item() for h in hiddens])
    return np.log10(norms / norms[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=50)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seeds", type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(1)
    cells = []
    for kind in MODULES:
        profiles = np.array([log_profile(kind, seed, args.length, args.hidden, args.batch)
                             for seed in range(args.seeds)])
        cells.append({
            "cell": kind,
            "meanLog10Ratio": [round(float(v), 6) for v in profiles.mean(axis=0)],
            "sdLog10Ratio": [round(float(v), 6) for v in profiles.std(axis=0, ddof=1)],
        })
    document = {
        "source": f"tools/reference_through_time.py (torch {torch.__version__}, float32)",
        "task": {"kind": "adding", "length": args.length},
        "hidden": args.hidden,
        "batchSize": args.batch,
        "seeds": args.seeds,
        "quantity": "log10(||dL/dh_t|| / ||dL/dh_T||) at initialisation, t = 1..T; mean and sd across seeds",
        "cells": cells,
    }
    print(json.dumps(document, indent=1))


if __name__ == "__main__":
    main()
