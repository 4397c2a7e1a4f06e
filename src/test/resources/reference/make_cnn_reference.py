#!/usr/bin/python3
"""PyTorch reference values for Myelin's convolutional layers (Conv2D, MaxPool2D, AveragePooling2D, Flatten).

What it computes
    A small CNN, conv(3x3, 4 filters, same)-relu-maxpool(2)-conv(3x3, 6 filters, valid)-relu-avgpool(2)-
    flatten-dense(3, softmax), on 24 deterministic 2x8x8 images (rounded to 4 decimals so the JSON holds the
    exact inputs), trained 6 steps of batch 8 with Adam (cnn_adam.json) and with SGD momentum 0.9
    (cnn_sgd_momentum.json). Each fixture has the format of make_reference.py's (README.md): spec, x (one
    flattened C*H*W row per sample), y, batches, init, losses, grads_step1, final, eval_loss, checks.
    Convolution kernels are stored as PyTorch's [out, in, kh, kw], which is also Myelin's layout, so the
    Java side sets and compares them without any transposition; dense kernels are [out, in] as usual.

How to run (from the repository root; writes two JSON files next to this script, a few seconds)
    /usr/bin/python3 src/test/resources/reference/make_cnn_reference.py

Torch version used
    Debian's python3-torch 1.13.1+dfsg-4 (CPU only), written into every fixture.

Self-checks (AssertionError if one fails)
    * step-1 gradients: float64 autograd against central finite differences on a sample of entries of every
      parameter, and float32 against float64;
    * the float32 trajectory against float64 (final weights and losses);
    * no kink is hit in any step: every pre-ReLU value stays KINK_MARGIN away from 0 and the winner of every
      max-pool window leads the runner-up by at least KINK_MARGIN, so a float32 re-implementation takes the
      same branches (the data seed is the first from 2026 on for which this holds; it is in "checks");
    * the loss decreases over training.
"""

import json
import os
import subprocess
from collections import OrderedDict

import torch
import torch.nn.functional as F

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
N, C, H, W = 24, 2, 8, 8
BATCH = 8
EPOCHS = 2  # 2 x 3 batches = 6 steps
CLASSES = 3
KINK_MARGIN = 1e-4


def torch_version():
    try:
        pkg = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-torch"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return "%s (Debian python3-torch %s)" % (torch.__version__, pkg)
    except (OSError, subprocess.CalledProcessError):
        return torch.__version__


SPEC_LAYERS = [
    {"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu"},
    {"type": "maxpool2d", "pool_size": 2},
    {"type": "conv2d", "filters": 6, "kernel_size": 3, "padding": "valid", "activation": "relu"},
    {"type": "avgpool2d", "pool_size": 2},
    {"type": "flatten"},
    {"type": "dense", "units": CLASSES, "activation": "softmax"},
]


def init_params(gen):
    """Glorot-uniform kernels (fan-in in*kh*kw, fan-out out*kh*kw) and small random biases."""
    def glorot(shape, fan_in, fan_out):
        a = (6.0 / (fan_in + fan_out)) ** 0.5
        return (torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1) * a

    p = OrderedDict()
    p["conv2d_0.weight"] = glorot((4, C, 3, 3), C * 9, 4 * 9)
    p["conv2d_0.bias"] = torch.rand(4, generator=gen, dtype=torch.float64) * 0.2 - 0.1
    p["conv2d_1.weight"] = glorot((6, 4, 3, 3), 4 * 9, 6 * 9)
    p["conv2d_1.bias"] = torch.rand(6, generator=gen, dtype=torch.float64) * 0.2 - 0.1
    p["dense_0.weight"] = glorot((CLASSES, 6), 6, CLASSES)
    p["dense_0.bias"] = torch.zeros(CLASSES, dtype=torch.float64)
    return OrderedDict((k, torch.round(v * 1e4) / 1e4) for k, v in p.items())


def forward(p, x, margins):
    z = F.conv2d(x, p["conv2d_0.weight"], p["conv2d_0.bias"], padding=1)
    margins.append(z.abs().min().item())
    h = F.relu(z)
    margins.append(maxpool_margin(h, 2))
    h = F.max_pool2d(h, 2)
    z = F.conv2d(h, p["conv2d_1.weight"], p["conv2d_1.bias"])
    margins.append(z.abs().min().item())
    h = F.relu(z)
    h = F.avg_pool2d(h, 2)
    h = torch.flatten(h, 1)
    return h @ p["dense_0.weight"].t() + p["dense_0.bias"]


def maxpool_margin(h, k):
    """The smallest lead of a window's maximum over its runner-up (ties would make the branch ambiguous)."""
    n, c, hh, ww = h.shape
    win = h.reshape(n, c, hh // k, k, ww // k, k).permute(0, 1, 2, 4, 3, 5).reshape(-1, k * k)
    top = torch.topk(win, 2, dim=1).values
    lead = top[:, 0] - top[:, 1]
    # windows whose max is 0 after relu are flat zeros: every entry gets gradient 0 either way
    lead = torch.where(top[:, 0] == 0, torch.full_like(lead, float("inf")), lead)
    return lead.min().item()


def train(params, x, y, batches, optimizer, dtype):
    p = OrderedDict((k, v.clone().to(dtype).requires_grad_(True)) for k, v in params.items())
    xs = x.to(dtype)
    if optimizer["type"] == "adam":
        opt = torch.optim.Adam(p.values(), lr=optimizer["lr"], betas=(optimizer["beta1"], optimizer["beta2"]),
                               eps=optimizer["eps"])
    else:
        opt = torch.optim.SGD(p.values(), lr=optimizer["lr"], momentum=optimizer["momentum"])
    losses, margins, grads1 = [], [], None
    for step, idx in enumerate(batches):
        opt.zero_grad()
        logits = forward(p, xs[idx], margins)
        loss = F.cross_entropy(logits, y[idx])
        loss.backward()
        if step == 0:
            grads1 = OrderedDict((k, v.grad.detach().clone()) for k, v in p.items())
        losses.append(loss.item())
        opt.step()
    with torch.no_grad():
        eval_loss = F.cross_entropy(forward(p, xs, []), y).item()
    return p, losses, grads1, eval_loss, min(margins)


def finite_difference_check(params, x, y, idx):
    p = OrderedDict((k, v.clone().to(torch.float64).requires_grad_(True)) for k, v in params.items())
    loss = F.cross_entropy(forward(p, x.to(torch.float64)[idx], []), y[idx])
    loss.backward()
    worst = 0.0
    gen = torch.Generator().manual_seed(5)
    for k, v in p.items():
        flat = v.detach().view(-1)
        for i in torch.randperm(flat.numel(), generator=gen)[:12].tolist():
            h = 1e-6
            q = OrderedDict((kk, vv.detach().clone()) for kk, vv in p.items())
            q[k].view(-1)[i] += h
            lp = F.cross_entropy(forward(q, x.to(torch.float64)[idx], []), y[idx]).item()
            q[k].view(-1)[i] -= 2 * h
            lm = F.cross_entropy(forward(q, x.to(torch.float64)[idx], []), y[idx]).item()
            worst = max(worst, abs((lp - lm) / (2 * h) - v.grad.view(-1)[i].item()))
    assert worst < 1e-6, "finite differences disagree with autograd: %g" % worst
    return worst


def tensor_json(t):
    return {"shape": list(t.shape), "data": t.detach().to(torch.float32).view(-1).tolist()}


def make(case, optimizer, description):
    """The first data seed from 2026 on whose trajectory stays away from every kink."""
    for seed in range(2026, 2126):
        if make_with_seed(case, optimizer, description, seed):
            return
    raise AssertionError("%s: no seed in 2026..2125 keeps away from the kinks" % case)


def make_with_seed(case, optimizer, description, seed):
    gen = torch.Generator().manual_seed(seed)
    x = torch.round((torch.rand((N, C, H, W), generator=gen, dtype=torch.float64) * 2 - 1) * 1e4) / 1e4
    y = torch.randint(0, CLASSES, (N,), generator=gen)
    batches = []
    for e in range(EPOCHS):
        perm = torch.randperm(N, generator=gen)
        batches += [sorted(perm[i:i + BATCH].tolist()) for i in range(0, N, BATCH)]
    params = init_params(gen)
    p32, losses, grads1, eval_loss, margin = train(params, x.float(), y, batches, optimizer, torch.float32)
    p64, losses64, grads64, _, _ = train(params, x, y, batches, optimizer, torch.float64)
    if margin <= KINK_MARGIN:   # a ReLU input or a max-pool lead came too close to a kink: next seed
        return False
    assert losses[-1] < losses[0] or eval_loss < losses[0], "%s: training did not reduce the loss" % case
    fd = finite_difference_check(params, x, y, batches[0])
    checks = {
        "float32_vs_float64_max_abs_diff_final": max((p32[k].double() - p64[k]).abs().max().item() for k in p32),
        "float32_vs_float64_max_abs_diff_losses": max(abs(a - b) for a, b in zip(losses, losses64)),
        "grads_step1_float32_vs_float64_max_abs_diff":
            max((grads1[k].double() - grads64[k]).abs().max().item() for k in grads1),
        "finite_difference_max_abs_err_float64": fd,
        "min_kink_margin": margin,
        "data_seed": seed,
    }
    fixture = OrderedDict([
        ("case", case),
        ("torch_version", torch_version()),
        ("description", description),
        ("spec", {"input_shape": [C, H, W], "layers": SPEC_LAYERS, "loss": "sparse_categorical_crossentropy",
                  "optimizer": optimizer}),
        ("x", x.view(N, -1).tolist()),
        ("y", y.tolist()),
        ("batches", batches),
        ("init", OrderedDict((k, tensor_json(v)) for k, v in params.items())),
        ("losses", losses),
        ("grads_step1", OrderedDict((k, tensor_json(v)) for k, v in grads1.items())),
        ("final", OrderedDict((k, tensor_json(v)) for k, v in p32.items())),
        ("eval_loss", eval_loss),
        ("checks", checks),
    ])
    with open(os.path.join(OUT_DIR, case + ".json"), "w") as f:
        f.write(json.dumps(fixture, indent=None, separators=(",", ":"), allow_nan=False))
        f.write("\n")
    print(case, "losses", ["%.5f" % v for v in losses], "eval %.5f" % eval_loss, checks)
    return True


def main():
    torch.set_num_threads(1)
    make("cnn_adam", {"type": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7},
         "2x8x8 - conv 3x3x4 same relu - maxpool 2 - conv 3x3x6 valid relu - avgpool 2 - flatten - dense 3 "
         "softmax, sparse categorical CE, Adam lr 0.01 eps 1e-7")
    make("cnn_sgd_momentum", {"type": "momentum", "lr": 0.05, "momentum": 0.9},
         "the same CNN and data, SGD momentum 0.9 (torch dampening 0) lr 0.05")


if __name__ == "__main__":
    main()
