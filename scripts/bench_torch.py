#!/usr/bin/python3
"""PyTorch side of the peer benchmark: the twin of `myelin bench` (see docs/benchmarks.md).

Same model (Linear+ReLU stack, or with --model the conv2d/maxpool2d/avgpool2d/flatten/dense spec given to
`myelin bench --model`; softmax cross-entropy on logits), optimizer (Adam 1e-3), data (Fashion-MNIST
as float32 / 255 tensors already in memory, or uniform synthetic data), batch size and modes:
  epoch mode: one warm-up epoch, then --epochs timed epochs; test accuracy on Fashion-MNIST;
  step mode (--steps N): N timed steps after --warmup-steps, on synthetic data by default.
Each step does what Myelin's fit does: gather a shuffled batch, forward, loss, backward, Adam update, and
accumulate the epoch's loss and accuracy. Prints the same fields as `myelin bench` (one JSON line with
--format json). Run with Debian's /usr/bin/python3 (python3-torch); scripts/bench-peers.sh sets
OPENBLAS_NUM_THREADS, and --threads sets torch.set_num_threads (default 1).
"""
import argparse
import gzip
import json
import os
import platform
import re
import statistics
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"
FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
STEP_MODE_ROWS = 16384  # as io.myelin.bench.TrainingBench.STEP_MODE_ROWS
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc mallopt parameters (malloc.h)
MMAP_THRESHOLD = 32 << 20                    # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit


def pin_malloc_thresholds():
    """PyTorch's CPU tensors come from glibc malloc. glibc starts with a 128 KiB mmap threshold and raises it
    only when a mmapped block of at most 32 MiB is freed; until then a training step's freed tensors are
    trimmed back to the OS after every step and page-faulted in again. Loading Fashion-MNIST frees such a
    block as a side effect, synthetic data does not, which made synthetic steps up to 5x slower (batch 32:
    8.2 vs 1.5 ms). Pinning the thresholds to where a data-loading process ends up makes both data paths
    run in the same, realistic state. Returns a description for the result's backend_detail."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        ok = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and libc.mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD) == 1
        return "glibc mmap threshold 32 MiB, trim threshold 64 MiB" if ok else "glibc defaults (mallopt failed)"
    except (OSError, AttributeError):
        return "allocator defaults (no glibc)"


def fail(msg):
    print("error: " + msg, file=sys.stderr)
    sys.exit(2)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hidden", default="256,128", help="hidden ReLU widths, e.g. 256,128")
    p.add_argument("--model", help="a Myelin model spec (JSON) to build instead of the MLP, e.g. "
                                   "docs/examples/fashion-cnn.json")
    p.add_argument("--data", choices=("fashion-mnist", "synthetic"), help="default: fashion-mnist, synthetic with --steps")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--epochs", type=int, help="timed epochs after one warm-up epoch (default 3)")
    p.add_argument("--steps", type=int, help="step mode: timed steps")
    p.add_argument("--warmup-steps", type=int, default=20)
    p.add_argument("--samples", type=int, default=60000, help="synthetic rows in epoch mode")
    p.add_argument("--features", type=int, default=784)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help="cuda: train on the GPU (data and model on device 0); each timed step is bracketed by "
                        "torch.cuda.synchronize(), as `myelin bench` synchronizes a device backend")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--malloc-defaults", action="store_true",
                   help="keep glibc's dynamic malloc thresholds (see pin_malloc_thresholds)")
    a = p.parse_args(argv)
    if a.epochs is not None and a.steps is not None:
        fail("give --epochs (epoch mode) or --steps (step mode), not both")
    try:
        a.hidden = [int(h) for h in a.hidden.split(",")]
    except ValueError:
        fail("--hidden takes comma-separated widths such as 256,128, got '%s'" % a.hidden)
    for name in ("batch_size", "samples", "features", "threads"):
        if getattr(a, name) < 1:
            fail("--%s must be at least 1" % name.replace("_", "-"))
    if min(a.hidden) < 1 or a.classes < 2 or a.warmup_steps < 0 or (a.steps is not None and a.steps < 1) \
            or (a.epochs is not None and a.epochs < 1):
        fail("widths, --steps and --epochs must be at least 1, --classes at least 2, --warmup-steps at least 0")
    a.data = a.data or ("synthetic" if a.steps is not None else "fashion-mnist")
    if a.steps is None and a.epochs is None:
        a.epochs = 3
    return a


def read_idx(directory, name):
    for path, opener in ((os.path.join(directory, name + ".gz"), gzip.open), (os.path.join(directory, name), open)):
        if os.path.exists(path):
            with opener(path, "rb") as f:
                data = f.read()
            ndim = data[3]
            dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
    return None


def fashion_mnist():
    """(x_train, y_train, x_test, y_test) as float32/255 and int64 tensors; MYELIN_DATA first, as Myelin does."""
    candidates = []
    if os.environ.get("MYELIN_DATA"):
        candidates += [os.environ["MYELIN_DATA"], os.path.join(os.environ["MYELIN_DATA"], "fashion-mnist")]
    candidates.append(DEBIAN_DIR)
    for d in candidates:
        arrays = [read_idx(d, f) for f in FILES]
        if all(a is not None for a in arrays):
            xtr, ytr, xte, yte = arrays
            to_x = lambda a: torch.from_numpy(a.reshape(a.shape[0], -1).astype(np.float32) / np.float32(255))
            to_y = lambda a: torch.from_numpy(a.astype(np.int64))
            return to_x(xtr), to_y(ytr), to_x(xte), to_y(yte)
    fail("Fashion-MNIST not found (looked in %s); apt-get install dataset-fashion-mnist" % ", ".join(candidates))


def synthetic(n, features, classes, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, features, generator=g), torch.randint(0, classes, (n,), generator=g)


def build(features, hidden, classes):
    layers, width = [], features
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, classes))
    return nn.Sequential(*layers)


ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": None, "softmax": None}


def build_from_spec(path):
    """The torch twin of a Myelin spec: (model, input shape). A final softmax is left to the loss, as Myelin
    fuses it; padding "same" is PyTorch's padding='same' (stride 1)."""
    with open(path) as f:
        spec = json.load(f)
    shape = spec["input_shape"]
    layers, c = [], shape
    for layer in spec["layers"]:
        t = layer["type"]
        if t == "conv2d":
            k = layer["kernel_size"]
            layers.append(nn.Conv2d(c[0], layer["filters"], k, stride=layer.get("strides", 1),
                                    padding=layer.get("padding", "valid")))
            c = [layer["filters"]] + c[1:]  # shapes below only need the channel count until flatten
        elif t in ("maxpool2d", "avgpool2d"):
            pool = layer.get("pool_size", 2)
            cls = nn.MaxPool2d if t == "maxpool2d" else nn.AvgPool2d
            layers.append(cls(pool, stride=layer.get("strides", pool)))
        elif t == "flatten":
            layers.append(nn.Flatten())
            c = None
        elif t == "dense":
            layers.append(nn.LazyLinear(layer["units"]))
        else:
            fail("bench_torch --model: layer type '%s' is not supported here" % t)
        act = ACTIVATIONS.get(layer.get("activation", "linear"), "?")
        if act == "?":
            fail("bench_torch --model: activation '%s' is not supported here" % layer["activation"])
        if act is not None:
            layers.append(act())
    model = nn.Sequential(*layers)
    with torch.no_grad():
        model(torch.zeros([2] + shape))   # materializes the lazy layers
    return model, shape


def peak_rss_mib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def train(model, x, y, batch, epochs, first_timed, count, cuda=False):
    """Runs `epochs` shuffled epochs; returns (epoch seconds, step ms of steps [first_timed, first_timed+count),
    last epoch's mean loss). Stops after the last timed step's epoch, as Myelin's fit does. On CUDA the loss and
    accuracy accumulate on the device (no host read per step, as in Myelin's fit) and every step is bracketed
    by a device synchronization."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(1_000_003)
    n = x.shape[0]
    epoch_seconds, step_ms, last_loss, step = [], [], float("nan"), 0
    model.train()
    for _ in range(epochs):
        t0 = time.perf_counter()
        order = torch.randperm(n, generator=g)
        loss_sum, correct = 0.0, 0
        if cuda:
            order = order.to(x.device)
            loss_sum = torch.zeros((), device=x.device)
            correct = torch.zeros((), dtype=torch.int64, device=x.device)
        for start in range(0, n, batch):
            if cuda:
                torch.cuda.synchronize()
            ts = time.perf_counter()
            idx = order[start:start + batch]
            xb, yb = x[idx], y[idx]
            out = model(xb)
            loss = loss_fn(out, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if cuda:
                loss_sum += loss.detach() * idx.shape[0]
                correct += (out.argmax(1) == yb).sum()
                torch.cuda.synchronize()
            else:
                loss_sum += loss.item() * idx.shape[0]
                correct += (out.argmax(1) == yb).sum().item()
            if first_timed <= step < first_timed + count:
                step_ms.append((time.perf_counter() - ts) * 1e3)
            step += 1
        epoch_seconds.append(time.perf_counter() - t0)
        last_loss = float(loss_sum) / n
        if step >= first_timed + count:
            break
    return epoch_seconds, step_ms, last_loss


@torch.no_grad()
def accuracy(model, x, y):
    model.eval()
    correct = sum((model(x[i:i + 1024]).argmax(1) == y[i:i + 1024]).sum().item() for i in range(0, x.shape[0], 1024))
    return correct / x.shape[0]


def main(argv):
    a = parse_args(argv)
    malloc = "glibc malloc defaults" if a.malloc_defaults else pin_malloc_thresholds()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.data == "fashion-mnist":
        x, y, xte, yte = fashion_mnist()
        classes = 10
    else:
        rows = min(a.warmup_steps + a.steps, max(1, STEP_MODE_ROWS // a.batch_size)) * a.batch_size \
            if a.steps is not None else a.samples
        x, y = synthetic(rows, a.features, a.classes, a.seed)
        xte = yte = None
        classes = a.classes
    if a.model:
        model, shape = build_from_spec(a.model)
        x = x.view([x.shape[0]] + shape)
        if xte is not None:
            xte = xte.view([xte.shape[0]] + shape)
        model_name = os.path.splitext(os.path.basename(a.model))[0]
    else:
        model = build(x.shape[1], a.hidden, classes)
        model_name = "-".join(str(w) for w in [x.shape[1]] + a.hidden + [classes])
    cuda = a.device == "cuda"
    if cuda:
        if not torch.cuda.is_available():
            fail("--device cuda: torch sees no CUDA device")
        x, y, model = x.cuda(), y.cuda(), model.cuda()
        xte = xte.cuda() if xte is not None else None
        yte = yte.cuda() if yte is not None else None
    n = x.shape[0]
    batch = min(a.batch_size, n)
    steps_per_epoch = (n + batch - 1) // batch
    if a.steps is not None:
        total = a.warmup_steps + a.steps
        epochs = (total + steps_per_epoch - 1) // steps_per_epoch
        epoch_seconds, step_ms, loss = train(model, x, y, batch, epochs, a.warmup_steps, a.steps, cuda)
        epoch_seconds, test_acc = [], None
    else:
        epoch_seconds, step_ms, loss = train(model, x, y, batch, a.epochs + 1, steps_per_epoch, a.epochs * steps_per_epoch,
                                             cuda)
        epoch_seconds = epoch_seconds[1:]
        test_acc = accuracy(model, xte, yte) if xte is not None else None
    rnd = lambda v: None if v is None else round(v, 6)
    result = {
        "system": "pytorch",
        "backend": a.device,
        "backend_detail": ("%s, CUDA %s, cuDNN %s" % (torch.cuda.get_device_name(0), torch.version.cuda,
                                                      torch.backends.cudnn.version()) if cuda else
                           "torch.set_num_threads(%d), OPENBLAS_NUM_THREADS=%s, BLAS_INFO=%s, %s" % (
                               torch.get_num_threads(), os.environ.get("OPENBLAS_NUM_THREADS", "unset"), blas_info(),
                               malloc)),
        "runtime": "Python %s, torch %s" % (platform.python_version(), torch.__version__),
        "data": a.data,
        "model": model_name,
        "params": sum(p.numel() for p in model.parameters()),
        "batch_size": batch,
        "mode": "steps" if a.steps is not None else "epochs",
        "warmup": a.warmup_steps if a.steps is not None else 1,
        "epoch_seconds": [rnd(s) for s in epoch_seconds],
        "epoch_seconds_median": rnd(statistics.median(epoch_seconds)) if epoch_seconds else None,
        "steps_timed": len(step_ms),
        "step_ms_median": rnd(statistics.median(step_ms)) if step_ms else None,
        "step_ms_mean": rnd(statistics.fmean(step_ms)) if step_ms else None,
        "test_accuracy": test_acc,
        "train_loss": rnd(loss),
        "peak_rss_mb": rnd(peak_rss_mib()),
    }
    if a.format == "json":
        print(json.dumps(result, separators=(",", ":")))
    else:
        print("bench: pytorch " + a.device + " | %s | %s (%d params) | batch %d | %s" % (
            result["data"], result["model"], result["params"], batch, result["runtime"]))
        for i, s in enumerate(epoch_seconds):
            print("epoch %d: %.3f s" % (i + 1, s))
        if epoch_seconds:
            print("median epoch: %.3f s (after 1 warm-up epoch)" % result["epoch_seconds_median"])
        if step_ms:
            print("median step: %.3f ms (mean %.3f) over %d steps" % (result["step_ms_median"], result["step_ms_mean"],
                                                                     len(step_ms)))
        if test_acc is not None:
            print("test accuracy: %.4f" % test_acc)
        print("train loss: %.4f" % loss)
        if result["peak_rss_mb"] is not None:
            print("peak RSS: %.1f MiB" % result["peak_rss_mb"])


def blas_info():
    """BLAS_INFO of the build settings: "generic" means the system libblas.so.3 (OpenBLAS on Debian)."""
    m = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return m.group(1) if m else "unknown"


if __name__ == "__main__":
    main(sys.argv[1:])
