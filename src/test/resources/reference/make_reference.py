#!/usr/bin/python3
"""Independent PyTorch reference values for Myelin's whole-model training tests.

What it computes
    For each case below it builds a small model (Dense / BatchNorm / Dropout / PReLU / activation layers) from a
    Myelin model spec, trains it for 8 steps of batch 8 on deterministic data (n = 32, generated here from
    a seeded generator and rounded to 4 decimals so the JSON holds the exact inputs) and writes
    ``<case>.json`` next to this script with: the spec, x, y, the batch index lists (one per step, no
    shuffling needed on the Java side), the initial parameters, the loss of every step (before its update,
    including the L1/L2 penalty), the gradients of the first step's loss, the final parameters (plus
    batch-norm running stats) and the loss of the final model on all of x in inference mode.
    See README.md in this directory for the fixture format and the conventions.

How to run (from the repository root; writes src/test/resources/reference/*.json, takes a few seconds)
    /usr/bin/python3 src/test/resources/reference/make_reference.py

Torch version used
    Debian's python3-torch 1.13.1+dfsg-4 (CPU only; torch.__version__ reports "1.13.0a0"), Python 3.11.
    The version is also written into every fixture.

How the values are made
    Computation is float32 (torch default). Optimizers: torch.optim SGD / SGD(momentum) /
    SGD(nesterov) / RMSprop / Adam produce the published trajectory, and every one of them is checked
    against a hand-written update of the FEATURES.md formula; AdaMax is hand-written only because
    torch.optim.Adamax puts eps inside the max (u = max(b2*u, |g|+eps)) while Myelin uses
    w -= (lr/(1-b1^t)) * m/(u+eps).

Self-checks (the script fails with AssertionError if any does not hold)
    * losses finite; the full-data loss after training is below the one before, and the mean batch
      loss of the second epoch is below that of the first;
    * gradients of step 1: float64 autograd against central finite differences (every parameter of
      every case), and the published float32 gradients against the float64 ones;
    * the float32 trajectory against the same trajectory in float64 (its spread is written into the
      fixture as "checks", a floor for the tolerance of a float32 re-implementation);
    * torch.optim against the hand-written update rule;
    * no kink is hit: every input to relu / leaky_relu / prelu / |.| / hinge / perceptron / Huber's
      switch / L1's sign stays at least KINK_MARGIN away from the kink in every step, so an
      implementation whose values differ by float32 rounding takes the same branch;
    * probabilities fed to binary cross-entropy never reach the 1e-7 clip; for the Huber case both
      branches are hit in the first step.
"""

import copy
import json
import math
import os
import subprocess
from collections import OrderedDict

import torch
import torch.nn.functional as F

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
N_SAMPLES = 32
BATCH = 8
EPOCHS = 2  # 2 epochs x 4 batches = 8 steps
KINK_MARGIN = 1e-4
BCE_EPS = 1e-7
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
MODEL_SEED = 1  # ReferenceTrainingTest builds every model with seed 1; dropout masks are keyed by it


def torch_version():
    try:
        pkg = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-torch"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return "%s (Debian python3-torch %s)" % (torch.__version__, pkg)
    except (OSError, subprocess.CalledProcessError):
        return torch.__version__


# ----------------------------------------------------------------------------------------------------
# Dropout masks: Philox4x32-10, as io.myelin.random.Philox and kernels/dropout.cu draw them
# ----------------------------------------------------------------------------------------------------

PHILOX_M0, PHILOX_M1, PHILOX_W0, PHILOX_W1, U32 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85, 0xFFFFFFFF


def philox_block(c0, c1, c2, c3, k0, k1):
    for r in range(10):
        if r > 0:
            k0, k1 = (k0 + PHILOX_W0) & U32, (k1 + PHILOX_W1) & U32
        p0, p1 = PHILOX_M0 * c0, PHILOX_M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & U32, p1 & U32, ((p0 >> 32) ^ c3 ^ k1) & U32, p0 & U32
    return c0, c1, c2, c3


# Known-answer tests from Random123 (kat_vectors: philox4x32_10).
assert philox_block(0, 0, 0, 0, 0, 0) == (0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8)
assert philox_block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0) == \
    (0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1)


def dropout_mask(seed, stream, step, rate, rows, cols):
    """Myelin's inverted-dropout mask for a (rows, cols) activation: element i (row-major) is kept iff word
    i % 4 of the block with counter (i / 4, stream, step lo, step hi) and key (seed lo, seed hi) is below
    floor(keep * 2^32), keep = 1 - rate in float32; kept elements are 1/keep (float32), dropped ones 0."""
    keep = torch.tensor(1.0, dtype=torch.float32) - torch.tensor(rate, dtype=torch.float32)
    threshold = math.floor(float(keep) * 4294967296.0)
    scale = float(torch.tensor(1.0, dtype=torch.float32) / keep)
    out = []
    for base in range(0, rows * cols, 4):
        words = philox_block(base >> 2, stream, step & U32, step >> 32, seed & U32, (seed >> 32) & U32)
        out += [scale if w < threshold else 0.0 for w in words[:min(4, rows * cols - base)]]
    return torch.tensor(out, dtype=torch.float32).view(rows, cols)


# ----------------------------------------------------------------------------------------------------
# Model: a spec interpreted by a functional forward over named tensors (names as Myelin model files).
# ----------------------------------------------------------------------------------------------------

class Kinks:
    """Smallest distance of any branch-deciding value to its kink, over all forwards while recording."""

    def __init__(self):
        self.margin = math.inf
        self.where = None
        self.recording = False

    def see(self, what, values):
        if self.recording:
            m = values.detach().abs().min().item()
            if m < self.margin:
                self.margin, self.where = m, what


def activate(name, z, kinks, where):
    if name == "linear":
        return z
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        kinks.see(where, z)
        return torch.relu(z)
    if name == "leaky_relu":
        kinks.see(where, z)
        return F.leaky_relu(z, 0.01)
    if name == "elu":
        kinks.see(where, z)  # continuous derivative at 0 only for alpha = 1; checked anyway
        return F.elu(z, alpha=1.0)
    if name == "selu":
        kinks.see(where, z)
        return SELU_SCALE * torch.where(z > 0, z, SELU_ALPHA * torch.expm1(z))
    if name == "gelu":
        return F.gelu(z)
    if name == "gelu_tanh":
        return F.gelu(z, approximate="tanh")
    if name == "swish":
        return z * torch.sigmoid(z)
    if name == "softmax":
        return z  # logits: the loss applies (log-)softmax, as Myelin fuses softmax with cross-entropy
    raise ValueError("unknown activation " + name)


def layer_names(spec):
    """Myelin default layer names, counted per layer type from 0 (activation layers have no tensors)."""
    counts, names = {}, []
    for layer in spec["layers"]:
        t = layer["type"]
        names.append("%s_%d" % (t, counts.get(t, 0)))
        counts[t] = counts.get(t, 0) + 1
    return names


def init_params(spec, gen):
    """Dense: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias (PyTorch's nn.Linear rule, drawn from gen);
    batch norm gamma 1, beta 0, running mean 0, var 1; prelu 0.25 per feature."""
    params, buffers = OrderedDict(), OrderedDict()
    width = spec["input_shape"][0]
    for name, layer in zip(layer_names(spec), spec["layers"]):
        t = layer["type"]
        if t == "dense":
            units, bound = layer["units"], 1.0 / math.sqrt(width)
            params[name + ".weight"] = (torch.rand(units, width, generator=gen) * 2 - 1) * bound
            if layer.get("use_bias", True):
                params[name + ".bias"] = (torch.rand(units, generator=gen) * 2 - 1) * bound
            width = units
        elif t == "batchnorm":
            params[name + ".weight"] = torch.ones(width)
            params[name + ".bias"] = torch.zeros(width)
            buffers[name + ".running_mean"] = torch.zeros(width)
            buffers[name + ".running_var"] = torch.ones(width)
        elif t == "prelu":
            params[name + ".weight"] = torch.full((width,), 0.25)
    for p in params.values():
        p.requires_grad_(True)
    return params, buffers


def forward(spec, params, buffers, x, mode, kinks, step=0):
    """mode: 'train' (batch stats, running stats updated), 'probe' (batch stats, no update), 'eval'.
    Dropout is active in 'train' and 'probe' with the mask of (MODEL_SEED, layer position, step)."""
    h = x
    for position, (name, layer) in enumerate(zip(layer_names(spec), spec["layers"])):
        t = layer["type"]
        if t == "dense":
            h = F.linear(h, params[name + ".weight"], params.get(name + ".bias"))
            h = activate(layer.get("activation", "linear"), h, kinks, name)
        elif t == "activation":
            h = activate(layer["activation"], h, kinks, name)
        elif t == "prelu":
            kinks.see(name, h)
            h = F.prelu(h, params[name + ".weight"])
        elif t == "dropout":
            if mode != "eval":
                h = h * dropout_mask(MODEL_SEED, position, step, layer["rate"], h.shape[0], h.shape[1]).to(h.dtype)
        elif t == "batchnorm" and not layer["unbiased_running_var"] and mode == "train":
            # Keras convention: the running variance takes the biased batch variance (torch has no option).
            h_in = h
            h = F.batch_norm(h_in, None, None, params[name + ".weight"], params[name + ".bias"], training=True,
                             eps=layer["epsilon"])
            with torch.no_grad():
                m = layer["momentum"]
                rm, rv = buffers[name + ".running_mean"], buffers[name + ".running_var"]
                rm.mul_(m).add_((1 - m) * h_in.mean(dim=0))
                rv.mul_(m).add_((1 - m) * h_in.var(dim=0, unbiased=False))
        elif t == "batchnorm":
            assert layer["unbiased_running_var"] or mode != "train"
            training = mode != "eval"
            keep = mode != "probe"
            h = F.batch_norm(h, buffers[name + ".running_mean"] if keep else None,
                             buffers[name + ".running_var"] if keep else None,
                             params[name + ".weight"], params[name + ".bias"], training=training,
                             momentum=1.0 - layer["momentum"], eps=layer["epsilon"])
        else:
            raise ValueError("unknown layer " + t)
    return h


def data_loss(spec, out, y, kinks):
    loss = spec["loss"]
    kind = loss if isinstance(loss, str) else loss["type"]
    if kind == "sparse_categorical_crossentropy":
        return F.cross_entropy(out, y)
    if kind == "categorical_crossentropy":
        return -(y * F.log_softmax(out, dim=1)).sum(dim=1).mean()
    if kind == "mse":
        return ((out - y) ** 2).mean()
    if kind == "mae":
        kinks.see("mae residual", out - y)
        return (out - y).abs().mean()
    if kind == "huber":
        delta = loss["delta"]
        kinks.see("huber |residual| - delta", (out - y).abs() - delta)
        return F.huber_loss(out, y, reduction="mean", delta=delta)
    if kind == "binary_crossentropy":
        p = out.clamp(BCE_EPS, 1 - BCE_EPS)
        kinks.see("bce clip", torch.minimum(out - BCE_EPS, 1 - BCE_EPS - out))
        return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    if kind == "hinge":
        kinks.see("hinge 1 - y*f", 1 - y * out)
        return torch.clamp(1 - y * out, min=0).mean()
    if kind == "perceptron":
        kinks.see("perceptron y*f", y * out)
        return torch.clamp(-y * out, min=0).mean()
    raise ValueError("unknown loss " + kind)


def penalty(spec, params, kinks):
    total = 0.0
    for name, layer in zip(layer_names(spec), spec["layers"]):
        if layer["type"] != "dense":
            continue
        w = params[name + ".weight"]
        if layer.get("l1", 0.0):
            kinks.see(name + " L1 sign", w)
            total = total + layer["l1"] * w.abs().sum()
        if layer.get("l2", 0.0):
            total = total + layer["l2"] * (w * w).sum()
    return total


def total_loss(spec, params, buffers, x, y, mode, kinks, step=0):
    out = forward(spec, params, buffers, x, mode, kinks, step)
    return data_loss(spec, out, y, kinks) + penalty(spec, params, kinks)


# ----------------------------------------------------------------------------------------------------
# Optimizers
# ----------------------------------------------------------------------------------------------------

def torch_optimizer(opt, params):
    t, ps = opt["type"], list(params.values())
    if t == "sgd":
        return torch.optim.SGD(ps, lr=opt["lr"])
    if t == "momentum":
        return torch.optim.SGD(ps, lr=opt["lr"], momentum=opt["momentum"], dampening=0.0)
    if t == "nesterov":
        return torch.optim.SGD(ps, lr=opt["lr"], momentum=opt["momentum"], dampening=0.0, nesterov=True)
    if t == "rmsprop":
        return torch.optim.RMSprop(ps, lr=opt["lr"], alpha=opt["rho"], eps=opt["eps"], momentum=0.0,
                                   centered=False)
    if t == "adam":
        return torch.optim.Adam(ps, lr=opt["lr"], betas=(opt["beta1"], opt["beta2"]), eps=opt["eps"])
    return None  # adamax: manual only (see module doc)


class ManualOptimizer:
    """FEATURES.md formulas, state starting at zero; step count t is 1-based."""

    def __init__(self, opt, params):
        self.opt, self.params, self.t = opt, params, 0
        self.s1 = {k: torch.zeros_like(p) for k, p in params.items()}
        self.s2 = {k: torch.zeros_like(p) for k, p in params.items()}

    @torch.no_grad()
    def step(self):
        o, self.t = self.opt, self.t + 1
        lr, t = o["lr"], self.t
        for k, w in self.params.items():
            g, s1, s2 = w.grad, self.s1[k], self.s2[k]
            if o["type"] == "sgd":
                w -= lr * g
            elif o["type"] == "momentum":
                s1.mul_(o["momentum"]).add_(g)
                w -= lr * s1
            elif o["type"] == "nesterov":
                s1.mul_(o["momentum"]).add_(g)
                w -= lr * (g + o["momentum"] * s1)
            elif o["type"] == "rmsprop":
                s1.mul_(o["rho"]).add_((1 - o["rho"]) * g * g)
                w -= lr * g / (s1.sqrt() + o["eps"])
            elif o["type"] == "adam":
                b1, b2 = o["beta1"], o["beta2"]
                s1.mul_(b1).add_((1 - b1) * g)
                s2.mul_(b2).add_((1 - b2) * g * g)
                mhat, vhat = s1 / (1 - b1 ** t), s2 / (1 - b2 ** t)
                w -= lr * mhat / (vhat.sqrt() + o["eps"])
            elif o["type"] == "adamax":
                b1, b2 = o["beta1"], o["beta2"]
                s1.mul_(b1).add_((1 - b1) * g)
                torch.maximum(b2 * s2, g.abs(), out=s2)
                w -= (lr / (1 - b1 ** t)) * s1 / (s2 + o["eps"])
            else:
                raise ValueError("unknown optimizer " + o["type"])

    def zero_grad(self):
        for p in self.params.values():
            p.grad = None


# ----------------------------------------------------------------------------------------------------
# Training run
# ----------------------------------------------------------------------------------------------------

def clone_state(params, buffers, dtype):
    p = OrderedDict((k, v.detach().to(dtype).clone().requires_grad_(True)) for k, v in params.items())
    b = OrderedDict((k, v.detach().to(dtype).clone()) for k, v in buffers.items())
    return p, b


def train(spec, params, buffers, x, y, batches, use_torch_optim, kinks):
    """Runs len(batches) steps in place; returns (losses, grads of step 1)."""
    opt = torch_optimizer(spec["optimizer"], params) if use_torch_optim else None
    if opt is None:
        opt = ManualOptimizer(spec["optimizer"], params)
    losses, grads1 = [], None
    for step, idx in enumerate(batches):
        opt.zero_grad()
        loss = total_loss(spec, params, buffers, x[idx], y[idx], "train", kinks, step)
        loss.backward()
        if grads1 is None:
            grads1 = OrderedDict((k, p.grad.detach().clone()) for k, p in params.items())
        losses.append(loss.item())
        opt.step()
    return losses, grads1


def finite_difference_check(spec, params, buffers, x, y, h=1e-6, rtol=1e-6, atol=1e-8):
    """float64 autograd gradient of the step-1 loss against central differences, every element."""
    p64, b64 = clone_state(params, buffers, torch.float64)
    x64 = x.double()
    y64 = y if y.dtype == torch.long else y.double()
    off = Kinks()
    loss = total_loss(spec, p64, b64, x64, y64, "probe", off)
    auto = torch.autograd.grad(loss, list(p64.values()))
    worst = 0.0
    with torch.no_grad():
        for (name, p), g in zip(p64.items(), auto):
            flat, gflat = p.view(-1), g.view(-1)
            for i in range(flat.numel()):
                keep = flat[i].item()
                flat[i] = keep + h
                up = total_loss(spec, p64, b64, x64, y64, "probe", off).item()
                flat[i] = keep - h
                down = total_loss(spec, p64, b64, x64, y64, "probe", off).item()
                flat[i] = keep
                fd = (up - down) / (2 * h)
                err = abs(fd - gflat[i].item())
                assert err <= atol + rtol * abs(fd), \
                    "finite difference mismatch %s[%d]: fd %.10g autograd %.10g" % (name, i, fd, gflat[i])
                worst = max(worst, err)
    return OrderedDict(zip(p64.keys(), auto)), worst


def max_abs_diff(a, b):
    return max((a[k].double() - b[k].double()).abs().max().item() for k in a)


def tensor_json(t):
    t = t.detach().float()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def named_json(d):
    return OrderedDict((k, tensor_json(v)) for k, v in d.items())


def run_case(case, description, spec, x_rows, y_rows, seed, y_kind):
    """x_rows: n x d list of 4-decimal floats; y_rows: list of ints (sparse) or n x k list of floats."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    x = torch.tensor(x_rows, dtype=torch.float32)
    y = torch.tensor(y_rows, dtype=torch.long if y_kind == "sparse" else torch.float32)
    n = x.shape[0]
    batches = []
    for _ in range(EPOCHS):
        perm = torch.randperm(n, generator=gen).tolist()
        batches += [sorted(perm[i:i + BATCH]) for i in range(0, n, BATCH)]
    params, buffers = init_params(spec, gen)
    init = named_json(OrderedDict(list(params.items()) + list(buffers.items())))
    init_p, init_b = clone_state(params, buffers, torch.float32)

    # Full-data loss before training (batch stats, no running-stat update) for the "learns" check.
    quiet = Kinks()
    with torch.no_grad():
        before = total_loss(spec, params, buffers, x, y, "probe", quiet).item()

    # Published trajectory: float32, torch.optim where it has the same formula.
    kinks = Kinks()
    kinks.recording = True
    losses, grads1 = train(spec, params, buffers, x, y, batches, True, kinks)
    kinks.recording = False
    with torch.no_grad():
        after = total_loss(spec, params, buffers, x, y, "probe", quiet).item()
        eval_out = forward(spec, params, buffers, x, "eval", quiet)
        eval_data = data_loss(spec, eval_out, y, quiet).item()
        eval_loss = eval_data + float(penalty(spec, params, quiet))

    # Checks.
    assert all(math.isfinite(v) for v in losses + [eval_loss]), (case, losses, eval_loss)
    assert after < before, "%s: full-data loss did not fall (%g -> %g)" % (case, before, after)
    half = len(losses) // 2
    assert sum(losses[half:]) < sum(losses[:half]), "%s: epoch 2 not below epoch 1: %s" % (case, losses)
    assert kinks.margin >= KINK_MARGIN, "%s: %s is %.3g from its kink" % (case, kinks.where, kinks.margin)

    first = batches[0]
    g64, fd_err = finite_difference_check(spec, init_p, init_b, x[first], y[first])
    g32_err = max_abs_diff(grads1, g64)
    g_scale = max(v.abs().max().item() for v in g64.values())
    assert g32_err <= 1e-5 * max(1.0, g_scale), "%s: float32 grads off by %g" % (case, g32_err)

    p_man, b_man = clone_state(init_p, init_b, torch.float32)
    man_losses, _ = train(spec, p_man, b_man, x, y, batches, False, Kinks())
    manual_diff = max_abs_diff(params, p_man)
    if buffers:
        manual_diff = max(manual_diff, max_abs_diff(buffers, b_man))
    assert manual_diff <= 2e-5, "%s: torch.optim and the FEATURES.md formula differ by %g" % (case, manual_diff)

    p64, b64 = clone_state(init_p, init_b, torch.float64)
    y64 = y if y.dtype == torch.long else y.double()
    losses64, _ = train(spec, p64, b64, x.double(), y64, batches, True, Kinks())
    final_diff64 = max_abs_diff(params, p64)
    if buffers:
        final_diff64 = max(final_diff64, max_abs_diff(buffers, b64))
    loss_diff64 = max(abs(a - b) for a, b in zip(losses, losses64))
    assert final_diff64 < 1e-3 and loss_diff64 < 1e-4, (case, final_diff64, loss_diff64)

    final = OrderedDict(list(params.items()) + list(buffers.items()))
    fixture = OrderedDict([
        ("case", case),
        ("torch_version", torch_version()),
        ("description", description),
        ("spec", spec),
        ("x", x_rows),
        ("y", y_rows),
        ("batches", batches),
        ("init", init),
        ("losses", losses),
        ("grads_step1", named_json(grads1)),
        ("final", named_json(final)),
        ("eval_loss", eval_loss),
        ("eval_data_loss", eval_data),
        ("checks", OrderedDict([
            ("float32_vs_float64_max_abs_diff_final", final_diff64),
            ("float32_vs_float64_max_abs_diff_losses", loss_diff64),
            ("torch_optim_vs_formula_max_abs_diff_final", manual_diff),
            ("grads_step1_float32_vs_float64_max_abs_diff", g32_err),
            ("finite_difference_max_abs_err_float64", fd_err),
            ("min_kink_margin", kinks.margin if math.isfinite(kinks.margin) else None),  # None: no kink
            ("min_kink_margin_at", kinks.where),
            ("full_data_loss_before", before),
            ("full_data_loss_after", after),
        ])),
    ])
    path = os.path.join(OUT_DIR, case + ".json")
    text = json.dumps(fixture, indent=None, separators=(",", ":"), allow_nan=False)
    assert len(text) < 100_000, "%s: fixture is %d bytes" % (case, len(text))
    with open(path, "w") as f:
        f.write(text)
        f.write("\n")
    print("%-26s steps %d  loss %.4f -> %.4f  eval %.4f  f32/f64 %.1e  kink margin %.1e (%s)  %d bytes"
          % (case, len(losses), losses[0], losses[-1], eval_loss, final_diff64, kinks.margin, kinks.where,
             len(text)))
    return fixture


# ----------------------------------------------------------------------------------------------------
# Data (float64 generation, rounded to 4 decimals; the JSON holds the exact decimal inputs)
# ----------------------------------------------------------------------------------------------------

def r4(t):
    return [[round(float(v), 4) for v in row] for row in t.tolist()]


def features(gen, d, n=N_SAMPLES):
    return torch.randn(n, d, generator=gen, dtype=torch.float64)


def teacher_classes(gen, x, k=3):
    """Labels from a random two-layer teacher; redrawn until every class has at least 5 samples."""
    while True:
        w1 = torch.randn(x.shape[1], 8, generator=gen, dtype=torch.float64)
        w2 = torch.randn(8, k, generator=gen, dtype=torch.float64)
        labels = (torch.tanh(x @ w1) @ w2).argmax(dim=1)
        if torch.bincount(labels, minlength=k).min() >= 5:
            return [int(v) for v in labels]


def linear_targets(gen, x, noise):
    w = torch.randn(x.shape[1], 1, generator=gen, dtype=torch.float64)
    return x @ w + 0.5 + noise * torch.randn(x.shape[0], 1, generator=gen, dtype=torch.float64)


def sign_labels(gen, x):
    while True:
        f = linear_targets(gen, x, 0.0)
        if 10 <= int((f > 0).sum()) <= 22:
            return f


def dense(units, activation="linear", **extra):
    layer = OrderedDict([("type", "dense"), ("units", units), ("activation", activation),
                         ("l1", 0.0), ("l2", 0.0)])
    layer.update(extra)
    return layer


def spec_of(d, layers, loss, optimizer):
    return OrderedDict([("input_shape", [d]), ("layers", layers), ("loss", loss), ("optimizer", optimizer)])


def main():
    gen = torch.Generator().manual_seed(20240601)

    x6 = r4(features(gen, 6))
    x6t = torch.tensor(x6, dtype=torch.float64)
    labels = teacher_classes(gen, x6t)
    onehot = [[1.0 if j == c else 0.0 for j in range(3)] for c in labels]

    run_case("mlp_sgd", "6-8(tanh)-3(softmax), sparse categorical cross-entropy, SGD lr 0.1",
             spec_of(6, [dense(8, "tanh"), dense(3, "softmax")], "sparse_categorical_crossentropy",
                     {"type": "sgd", "lr": 0.1}),
             x6, labels, 1, "sparse")

    run_case("mlp_adam_onehot",
             "6-8(relu)-8(sigmoid)-3(softmax), categorical cross-entropy on one-hot y, Adam lr 0.01 eps 1e-7",
             spec_of(6, [dense(8, "relu"), dense(8, "sigmoid"), dense(3, "softmax")],
                     "categorical_crossentropy",
                     {"type": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7}),
             x6, onehot, 2, "onehot")

    run_case("mlp_bn_rmsprop",
             "6-8(linear, no bias)-batchnorm(momentum 0.9 = torch 0.1, eps 1e-5, unbiased running var)-relu-"
             "3(softmax), sparse categorical cross-entropy, RMSprop lr 0.01 rho 0.9 eps 1e-7. dense_0 has no "
             "bias: a bias before batch norm has a mathematically zero gradient, and RMSprop would turn its "
             "float rounding noise into updates of order lr that no other implementation can reproduce.",
             spec_of(6, [dense(8, "linear", use_bias=False),
                         OrderedDict([("type", "batchnorm"), ("momentum", 0.9), ("epsilon", 1e-5),
                                      ("unbiased_running_var", True)]),
                         OrderedDict([("type", "activation"), ("activation", "relu")]),
                         dense(3, "softmax")],
                     "sparse_categorical_crossentropy",
                     {"type": "rmsprop", "lr": 0.01, "rho": 0.9, "eps": 1e-7}),
             x6, labels, 3, "sparse")

    x4 = r4(features(gen, 4))
    x4t = torch.tensor(x4, dtype=torch.float64)
    run_case("linreg_momentum_mse", "4-1 linear, MSE, SGD momentum 0.9 (torch dampening 0) lr 0.05",
             spec_of(4, [dense(1)], "mse", {"type": "momentum", "lr": 0.05, "momentum": 0.9}),
             x4, r4(linear_targets(gen, x4t, 0.1)), 4, "targets")

    w_h = torch.randn(4, 2, generator=gen, dtype=torch.float64)
    y_h = 1.5 * torch.tanh(x4t @ w_h) + 0.5 * x4t[:, :2] + 0.2 * torch.randn(N_SAMPLES, 2, generator=gen,
                                                                            dtype=torch.float64)
    huber = run_case("regression_nesterov_huber",
                     "4-6(elu)-2 linear, Huber delta 1.0 (mean over all elements), Nesterov mu 0.9 lr 0.05; "
                     "targets chosen so that both Huber branches are hit",
                     spec_of(4, [dense(6, "elu"), dense(2)], {"type": "huber", "delta": 1.0},
                             {"type": "nesterov", "lr": 0.05, "momentum": 0.9}),
                     x4, r4(y_h), 5, "targets")
    check_huber_branches(huber)

    x5 = r4(features(gen, 5))
    x5t = torch.tensor(x5, dtype=torch.float64)
    f5 = linear_targets(gen, x5t, 0.0)
    flip = torch.rand(N_SAMPLES, 1, generator=gen, dtype=torch.float64) < 0.1  # not separable
    y01 = ((f5 > 0) ^ flip).double()
    run_case("logreg_adamax_bce",
             "5-1 sigmoid, binary cross-entropy on probabilities (clip 1e-7, never reached), AdaMax lr 0.02 "
             "b1 0.9 b2 0.999 eps 1e-7 (Myelin form: w -= lr/(1-b1^t) * m/(u+eps), manual update)",
             spec_of(5, [dense(1, "sigmoid")], "binary_crossentropy",
                     {"type": "adamax", "lr": 0.02, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7}),
             x5, r4(y01), 6, "targets")

    run_case("activations_l2_sgd",
             "6-8(gelu)-8(selu)-8(swish)-8(leaky_relu)-8(gelu_tanh)-3(softmax), l1 0.001 and l2 0.01 on every "
             "dense kernel (penalty l1*sum|W| + l2*sum W^2 in every loss), sparse categorical cross-entropy, "
             "SGD lr 0.05",
             spec_of(6, [dense(8, "gelu", l1=0.001, l2=0.01), dense(8, "selu", l1=0.001, l2=0.01),
                         dense(8, "swish", l1=0.001, l2=0.01), dense(8, "leaky_relu", l1=0.001, l2=0.01),
                         dense(8, "gelu_tanh", l1=0.001, l2=0.01), dense(3, "softmax", l1=0.001, l2=0.01)],
                     "sparse_categorical_crossentropy", {"type": "sgd", "lr": 0.05}),
             x6, labels, 17, "sparse")

    ypm = r4(torch.where(sign_labels(gen, x5t) > 0, 1.0, -1.0))
    run_case("hinge_sgd", "5-1 linear, hinge loss max(0, 1 - y*f) with y in {-1,+1}, SGD lr 0.1",
             spec_of(5, [dense(1)], "hinge", {"type": "sgd", "lr": 0.1}), x5, ypm, 8, "targets")
    run_case("perceptron_sgd",
             "5-1 linear, perceptron criterion max(0, -y*f) with y in {-1,+1}, SGD lr 0.1 (same data and "
             "initial weights as hinge_sgd)",
             spec_of(5, [dense(1)], "perceptron", {"type": "sgd", "lr": 0.1}), x5, ypm, 8, "targets")

    y_m = torch.relu(x4t @ torch.randn(4, 1, generator=gen, dtype=torch.float64)) - 0.3 * x4t[:, 1:2]
    run_case("mae_prelu_adam",
             "4-6(linear)-prelu(init 0.25 per feature)-1 linear, MAE, Adam lr 0.01 b1 0.9 b2 0.999 eps 1e-7",
             spec_of(4, [dense(6), OrderedDict([("type", "prelu")]), dense(1)], "mae",
                     {"type": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7}),
             x4, r4(y_m), 9, "targets")

    run_case("mlp_bn_dropout_adam",
             "6-8(relu)-batchnorm(momentum 0.9, eps 1e-3, biased running var as Keras)-dropout(0.25)-"
             "8(relu)-batchnorm(momentum 0.9 = torch 0.1, eps 1e-5, unbiased running var)-dropout(0.25)-"
             "3(softmax), sparse categorical cross-entropy, Adam lr 0.01 b1 0.9 b2 0.999 eps 1e-7; the order "
             "dense -> relu -> batch norm -> dropout of docs/examples/fashion-mlp-bn-dropout.json. Dropout "
             "masks are Myelin's Philox masks for model seed 1, stream = layer position, step 0..7; eval_loss "
             "uses the running stats and no dropout",
             spec_of(6, [dense(8, "relu"),
                         OrderedDict([("type", "batchnorm"), ("momentum", 0.9), ("epsilon", 1e-3),
                                      ("unbiased_running_var", False)]),
                         OrderedDict([("type", "dropout"), ("rate", 0.25)]),
                         dense(8, "relu"),
                         OrderedDict([("type", "batchnorm"), ("momentum", 0.9), ("epsilon", 1e-5),
                                      ("unbiased_running_var", True)]),
                         OrderedDict([("type", "dropout"), ("rate", 0.25)]),
                         dense(3, "softmax")],
                     "sparse_categorical_crossentropy",
                     {"type": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7}),
             x6, labels, 10, "sparse")


def check_huber_branches(fixture):
    """Both branches of Huber must be hit in step 1 (and we report the counts)."""
    spec = fixture["spec"]
    params = OrderedDict((k, torch.tensor(v["data"]).view(v["shape"])) for k, v in fixture["init"].items())
    x = torch.tensor(fixture["x"])[fixture["batches"][0]]
    y = torch.tensor(fixture["y"])[fixture["batches"][0]]
    with torch.no_grad():
        r = (forward(spec, params, OrderedDict(), x, "probe", Kinks()) - y).abs()
    big, small = int((r > 1).sum()), int((r < 1).sum())
    assert big > 0 and small > 0, "huber: step 1 hits only one branch (%d > delta, %d < delta)" % (big, small)
    print("  huber step 1: %d residuals above delta, %d below" % (big, small))


if __name__ == "__main__":
    torch.set_num_threads(1)  # reproducible reductions
    main()
