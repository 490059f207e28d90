#!/usr/bin/env python3
"""The through-time story trained by PyTorch, recording what vanish records; timed.

Reference for vanish's recurrent speed: the same task (adding, fresh batches of 64 sequences
every step, a fixed test set of 1000), the same cells with PyTorch's own definitions and
initialisation (torch.nn.RNNCell / LSTMCell / GRUCell parameters, gates i, f, g, o and r, z, n),
forget-gate bias 1 added to b_ih, a Linear readout of h_T, MSE, Adam (lr 0.003), clipping at
norm 1, and per recorded step: ||dL/dh_t|| for every t (the total derivative, through every later
step: each h_t is a leaf of the unrolled graph with retain_grad), LSTM ||dL/dc_t||, the mean forget
gate f or update gate z per t, the share of |tanh| > 0.97 per t, per parameter tensor the gradient
norm and the update ratio, and the test MSE every steps/25 steps. Random numbers come from numpy
and torch, so the numbers differ from vanish's; the work is the same.

    python3 tools/pytorch_through_time.py                    # the through-time preset, timed
    python3 tools/pytorch_through_time.py --steps 200 --repeats 3

With --steps 40 this is the work of `vanish bench --only recurrent`; pass the median it prints
as `vanish bench --only recurrent --pytorch-seconds S` and the bench row shows the ratio.
"""
import argparse
import statistics
import time

import numpy as np
import torch


def adding(rng, count, length):
    values = rng.random((length, count)).astype(np.float32)
    markers = np.zeros((length, count), dtype=np.float32)
    half = length // 2
    first = rng.integers(0, half, count)
    second = half + rng.integers(0, length - half, count)
    markers[first, np.arange(count)] = 1
    markers[second, np.arange(count)] = 1
    x = np.stack([values, markers], axis=2)
    y = (values * markers).sum(axis=0, keepdims=True).T
    return torch.from_numpy(x), torch.from_numpy(y)


def unroll(kind, cell, x, record):
    """h_T and, when recording, every h_t (and c_t) as graph nodes that keep their gradients."""
    length, batch, _ = x.shape
    hidden = cell.hidden_size
    h = torch.zeros(batch, hidden)
    c = torch.zeros(batch, hidden)
    states, cells, gate_means, saturated = [], [], [], []
    w_ih, w_hh, b_ih, b_hh = cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh
    for t in range(length):
        gx = x[t] @ w_ih.T + b_ih
        gh = h @ w_hh.T + b_hh
        if kind == "lstm":
            i, f, g, o = (gx + gh).chunk(4, 1)
            i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
            c = f * c + i * g
            squashed = c.tanh()
            h = o * squashed
            if record:
                gate_means.append(f.mean().item())
                saturated.append((squashed.abs() > 0.97).float().mean().item())
        elif kind == "gru":
            xr, xz, xn = gx.chunk(3, 1)
            hr, hz, hn = gh.chunk(3, 1)
            r, z = (xr + hr).sigmoid(), (xz + hz).sigmoid()
            n = (xn + r * hn).tanh()
            h = (1 - z) * n + z * h
            if record:
                gate_means.append(z.mean().item())
                saturated.append((n.abs() > 0.97).float().mean().item())
        else:
            h = (gx + gh).tanh()
            if record:
                saturated.append((h.abs() > 0.97).float().mean().item())
        if record:
            h.retain_grad()
            states.append(h)
            if kind == "lstm":
                c.retain_grad()
                cells.append(c)
    return h, states, cells, gate_means, saturated


def train(kind, length, hidden, steps, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    cell = {"tanh": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[kind](2, hidden)
    if kind == "lstm":
        with torch.no_grad():
            cell.bias_ih[hidden:2 * hidden] += 1
    readout = torch.nn.Linear(hidden, 1)
    parameters = list(cell.parameters()) + list(readout.parameters())
    optimizer = torch.optim.Adam(parameters, lr=0.003)
    test_x, test_y = adding(np.random.default_rng(10_000 + seed), 1000, length)
    every = max(1, steps // 25)
    history = {"hidden": [], "cell": [], "gate": [], "saturated": [], "grad": [], "ratio": [], "test": []}
    for step in range(steps):
        if step % every == 0:
            with torch.no_grad():
                history["test"].append(torch.nn.functional.mse_loss(readout(unroll(kind, cell, test_x, False)[0]), test_y).item())
        x, y = adding(rng, 64, length)
        h, states, cells, gates, saturated = unroll(kind, cell, x, True)
        loss = torch.nn.functional.mse_loss(readout(h), y)
        optimizer.zero_grad()
        loss.backward()
        history["hidden"].append([s.grad.norm().item() for s in states])
        history["cell"].append([c.grad.norm().item() for c in cells])
        history["gate"].append(gates)
        history["saturated"].append(saturated)
        history["grad"].append([p.grad.norm().item() for p in parameters])
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        before = [p.detach().clone() for p in parameters]
        optimizer.step()
        history["ratio"].append([((p.detach() - b).norm() / b.norm()).item() for p, b in zip(parameters, before)])
    with torch.no_grad():
        history["test"].append(torch.nn.functional.mse_loss(readout(unroll(kind, cell, test_x, False)[0]), test_y).item())
    return history


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for kind in ["tanh", "lstm", "gru"]:
            history = train(kind, args.length, args.hidden, args.steps, seed=0)
            print(f"{kind}: test MSE {history['test'][-1]:.4f}, step-0 share of dL/dh_1 {history['hidden'][0][0] / history['hidden'][0][-1]:.2e}")
        times.append(time.perf_counter() - start)
    print(f"pytorch through-time: {args.steps} steps x 3 cells, T={args.length}, hidden {args.hidden}: "
          f"median {statistics.median(times):.2f} s of {len(times)}")
    if args.steps == 40 and args.length == 100 and args.hidden == 64:
        print(f"vanish bench --only recurrent --pytorch-seconds {statistics.median(times):.1f}")


if __name__ == "__main__":
    main()
