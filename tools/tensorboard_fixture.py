"""Writes the TensorBoard event files vanish's import tests read, with PyTorch's own SummaryWriter.

    python3 tools/tensorboard_fixture.py            # rewrites fixtures/tensorboard/

A small three-layer MLP trains on random data; its parameters are declared input to output as
`inp`, `hidden`, `out` (not alphabetical, so a reader that sorts them is caught).

- runs/version_0: per-parameter gradient norms as Lightning's grad_norm() names them
  (`grad_2.0_norm/<parameter>`, plus `grad_2.0_norm_total`), `train_loss`, `train_acc` every
  step, `val_acc` every 10 steps and a learning rate that no rule claims. Training stops after
  step 29 and restarts from a checkpoint taken after step 19, in a second event file, so steps
  20-29 of the first file are superseded.
- runs/version_1: `gradients/<parameter>` histograms every 5 steps, and the loss as a new-style
  scalar (a rank-0 float tensor).
- no-gradients/: one file with a loss and nothing else.

expected.json holds, per run, the steps, every parameter's gradient norm (float64, from the
gradient itself) and the losses, for the tests to compare with.
"""
import copy
import json
import os
import shutil

import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "tensorboard")


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(8, 16)
        self.hidden = nn.Linear(16, 16)
        self.out = nn.Linear(16, 4)

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(torch.tanh(self.inp(x)))))


def batches(seed, count):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(32, 8, generator=g), torch.randint(0, 4, (32,), generator=g)) for _ in range(count)]


def backward(model, x, y):
    model.zero_grad()
    logits = model(x)
    loss = nn.functional.cross_entropy(logits, y)
    loss.backward()
    accuracy = (logits.argmax(1) == y).float().mean().item()
    return loss.item(), accuracy


def settle(folder):
    """Gives the event files fixed names (SummaryWriter puts the time, host and process in them)."""
    names = sorted(n for n in os.listdir(folder) if n.startswith("events.out.tfevents."))
    for index, name in enumerate(names):
        os.rename(os.path.join(folder, name), os.path.join(folder, f"events.out.tfevents.{1700000000 + index}.fixture.{index + 1}"))


def lightning_run(folder):
    torch.manual_seed(0)
    model = MLP()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    data = batches(1, 30)
    expected = {}  # step -> (norms, loss)
    checkpoint = None

    def train(writer, steps, data):
        for step, (x, y) in zip(steps, data):
            loss, accuracy = backward(model, x, y)
            norms = {name: p.grad.detach().double().norm().item() for name, p in model.named_parameters()}
            logged = {f"grad_2.0_norm/{name}": p.grad.detach().norm(2) for name, p in model.named_parameters()}
            total = torch.stack(list(logged.values())).norm(2)
            for tag, value in logged.items():
                writer.add_scalar(tag, value, step)
            writer.add_scalar("grad_2.0_norm_total", total, step)
            writer.add_scalar("train_loss", loss, step)
            writer.add_scalar("train_acc", accuracy, step)
            writer.add_scalar("lr-SGD", optimizer.param_groups[0]["lr"], step)
            if step % 10 == 9:
                writer.add_scalar("val_acc", 0.5 + step / 100, step)
            # What the writer stored: float32 of each logged norm.
            expected[step] = ({name: float(torch.tensor(v.item(), dtype=torch.float32)) for name, v in
                               ((t.split("/", 1)[1], v) for t, v in logged.items())}, loss, norms)
            optimizer.step()

    writer = SummaryWriter(folder)
    for step, (x, y) in enumerate(data):
        train(writer, [step], [(x, y)])
        if step == 19:
            checkpoint = (copy.deepcopy(model.state_dict()), copy.deepcopy(optimizer.state_dict()))
    writer.close()
    # The restart: back to the checkpoint after step 19, new batches from step 20 on.
    model.load_state_dict(checkpoint[0])
    optimizer.load_state_dict(checkpoint[1])
    writer = SummaryWriter(folder)
    train(writer, range(20, 40), batches(2, 20))
    writer.close()
    settle(folder)
    steps = sorted(expected)
    names = [name for name, _ in model.named_parameters()]
    return {"steps": steps,
            "logged": {name: [expected[s][0][name] for s in steps] for name in names},
            "norms": {name: [expected[s][2][name] for s in steps] for name in names},
            "loss": [expected[s][1] for s in steps],
            "valAccuracy": [0.5 + s / 100 for s in steps if s % 10 == 9]}


def histogram_run(folder):
    torch.manual_seed(3)
    model = MLP()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    writer = SummaryWriter(folder)
    steps, losses = [], []
    norms = {name: [] for name, _ in model.named_parameters()}
    for step, (x, y) in enumerate(batches(4, 50)):
        loss, _ = backward(model, x, y)
        if step % 5 == 0:
            for name, p in model.named_parameters():
                writer.add_histogram("gradients/" + name, p.grad, step, bins=16)
                norms[name].append(p.grad.detach().double().norm().item())
            writer.add_scalar("loss", loss, step, new_style=True)
            steps.append(step)
            losses.append(loss)
        optimizer.step()
    writer.close()
    settle(folder)
    return {"steps": steps, "norms": norms, "loss": losses}


def main():
    shutil.rmtree(ROOT, ignore_errors=True)
    expected = {
        "version_0": lightning_run(os.path.join(ROOT, "runs", "version_0")),
        "version_1": histogram_run(os.path.join(ROOT, "runs", "version_1")),
    }
    folder = os.path.join(ROOT, "no-gradients")
    writer = SummaryWriter(folder)
    for step in range(3):
        writer.add_scalar("train_loss", 1.0 / (step + 1), step)
    writer.close()
    settle(folder)
    with open(os.path.join(ROOT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
