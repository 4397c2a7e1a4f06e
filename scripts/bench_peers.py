#!/usr/bin/python3
"""Driver of scripts/bench-peers.sh: runs `myelin bench` and scripts/bench_torch.py on the same configurations,
alternating the two (ABBA order, so drift in machine load hits both alike), and reports medians and the ratio
Myelin/PyTorch as a markdown table, plus a PNG plot of the scaling sweep.

Every run is a fresh process printing one JSON line; the raw lines, the environment, the medians and the table
go to OUT/peers.json, OUT/peers.md and OUT/scaling.png (OUT defaults to target/bench). Run it through
scripts/bench-peers.sh, which installs what is missing, builds the jar and sets OPENBLAS_NUM_THREADS.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = "/usr/bin/python3"
FMNIST_MLP = "256,128"
WIDE_MLP = "2048,2048"
SWEEP_WIDTHS = (64, 256, 1024, 4096)
SWEEP_BATCHES = (16, 64, 256, 1024, 4096)
SWEEP_BATCH = 128    # batch of the width sweep
SWEEP_WIDTH = 256    # width of the batch sweep


def params(features, hidden, classes=10):
    total, width = 0, features
    for h in hidden + [classes]:
        total += width * h + h
        width = h
    return total


def step_args(steps):
    """--steps and --warmup-steps: warm up for half as many steps as are timed (at least 6), so the JIT has
    compiled the small configurations' loops before timing starts (a big step compiles its loops in one go)."""
    return ["--steps", str(steps), "--warmup-steps", str(max(6, steps // 2))]


def sweep_steps(batch, hidden, quick):
    """Timed steps of a sweep point: about 1e10 flops of training work (6 flops per parameter and sample),
    clamped to [12, 200] (quick: [8, 60]) so small points still time many steps and big ones stay short."""
    flops = 6.0 * batch * params(784, hidden)
    lo, hi = (8, 60) if quick else (12, 200)
    return int(max(lo, min(hi, 1e10 / flops)))


def configurations(quick, epochs):
    """(id, group, label, common args) in run order. The args are accepted by both bench programs."""
    e = str(epochs)
    cfg = []
    for b in (32, 128, 1024):
        cfg.append(("fmnist-b%d" % b, "fmnist", "Fashion-MNIST MLP 784-256-128-10, batch %d" % b,
                    ["--data", "fashion-mnist", "--hidden", FMNIST_MLP, "--batch-size", str(b), "--epochs", e]))
    wide_steps = 30 if quick else 60
    cfg.append(("wide-b128", "wide", "wide MLP 784-2048-2048-10, batch 128 (synthetic, %s steps)" % wide_steps,
                ["--data", "synthetic", "--hidden", WIDE_MLP, "--batch-size", "128", "--steps", str(wide_steps),
                 "--warmup-steps", "10"]))
    cnn = ["--model", "docs/examples/fashion-cnn.json", "--batch-size", "128"]
    cfg.append(("cnn-b128", "cnn", "Fashion-MNIST CNN (docs/examples/fashion-cnn.json), batch 128",
                ["--data", "fashion-mnist"] + cnn + ["--epochs", e]))
    cnn_steps = 20 if quick else 60
    cfg.append(("cnn-steps", "cnn", "the same CNN, batch 128 (synthetic, %d steps)" % cnn_steps,
                ["--data", "synthetic"] + cnn + ["--steps", str(cnn_steps), "--warmup-steps", "10"]))
    for w in SWEEP_WIDTHS:
        hidden = [w, w]
        cfg.append(("width-%d" % w, "width", "width %d (784-%d-%d-10), batch %d" % (w, w, w, SWEEP_BATCH),
                    ["--data", "synthetic", "--hidden", "%d,%d" % (w, w), "--batch-size", str(SWEEP_BATCH),
                    ] + step_args(sweep_steps(SWEEP_BATCH, hidden, quick))))
    for b in SWEEP_BATCHES:
        hidden = [SWEEP_WIDTH, SWEEP_WIDTH]
        cfg.append(("batch-%d" % b, "batch", "batch %d, width %d" % (b, SWEEP_WIDTH),
                    ["--data", "synthetic", "--hidden", "%d,%d" % (SWEEP_WIDTH, SWEEP_WIDTH), "--batch-size", str(b),
                    ] + step_args(sweep_steps(b, hidden, quick))))
    return cfg


def commands(jar, java_opts, torch_threads):
    # as scripts/myelin: the CPU backend's SIMD loops need the jdk.incubator.vector module resolved
    myelin = (["java", "--add-modules", "jdk.incubator.vector"] + shlex.split(java_opts)
              + ["-jar", jar, "bench", "--backend", "cpu", "--format", "json"])
    torch = [PYTHON, os.path.join(ROOT, "scripts", "bench_torch.py"), "--threads", str(torch_threads), "--format", "json"]
    return {"myelin": myelin, "pytorch": torch}


def run_one(cmd, env=None):
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    wall = time.monotonic() - t0
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode != 0 or not lines:
        sys.stderr.write("[bench-peers] failed (exit %d): %s\n%s\n" % (p.returncode, " ".join(cmd), p.stderr[-3000:]))
        sys.exit(1)
    record = json.loads(lines[-1])
    record["wall_seconds"] = round(wall, 3)
    return record


def median_of(records, key):
    values = [r[key] for r in records if r.get(key) is not None]
    return statistics.median(values) if values else None


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def fmt(v, digits=3):
    if v is None:
        return "—"
    if isinstance(v, float):
        return ("%." + str(digits) + "g") % v if abs(v) < 1000 else "%.0f" % v
    return str(v)


def summarize(cfg, runs):
    """Per configuration and system: medians over repetitions of each run's own medians."""
    out = []
    for cid, group, label, args in cfg:
        row = {"id": cid, "group": group, "label": label, "args": args}
        for system in ("myelin", "pytorch"):
            rs = [r for r in runs if r["config"] == cid and r["system"] == system]
            row[system] = {k: median_of(rs, k) for k in
                           ("epoch_seconds_median", "step_ms_median", "test_accuracy", "peak_rss_mb", "train_loss")}
            row[system]["runs"] = len(rs)
            row[system]["model"] = rs[0]["model"] if rs else None
            row[system]["batch_size"] = rs[0]["batch_size"] if rs else None
        out.append(row)
    return out


def table(summary):
    lines = ["| configuration | measure | Myelin | PyTorch | Myelin/PyTorch |", "|---|---|---|---|---|"]

    def add(label, measure, key, row, digits=3, show_ratio=True):
        m, t = row["myelin"][key], row["pytorch"][key]
        lines.append("| %s | %s | %s | %s | %s |" % (label, measure, fmt(m, digits), fmt(t, digits),
                                                     fmt(ratio(m, t), 3) if show_ratio else "—"))

    for row in summary:
        if row["group"] == "fmnist":
            add(row["label"], "epoch s (median)", "epoch_seconds_median", row)
            add(row["label"], "step ms (median)", "step_ms_median", row)
            add(row["label"], "test accuracy", "test_accuracy", row, 4, show_ratio=False)
    for row in summary:
        if row["group"] == "wide":
            add(row["label"], "step ms (median)", "step_ms_median", row)
    for row in summary:
        if row["id"] == "cnn-b128":
            add(row["label"], "epoch s (median)", "epoch_seconds_median", row)
            add(row["label"], "step ms (median)", "step_ms_median", row)
            add(row["label"], "test accuracy", "test_accuracy", row, 4, show_ratio=False)
        elif row["id"] == "cnn-steps":
            add(row["label"], "step ms (median)", "step_ms_median", row)
    for row in summary:
        if row["id"] in ("fmnist-b128", "wide-b128", "cnn-b128", "cnn-steps"):
            add(row["label"], "peak RSS MiB (VmHWM)", "peak_rss_mb", row, 4)
    lines += ["", "Scaling (synthetic data, step ms, median):", "",
              "| sweep | model | batch | Myelin ms | PyTorch ms | Myelin/PyTorch |", "|---|---|---|---|---|---|"]
    for row in summary:
        if row["group"] in ("width", "batch"):
            m, t = row["myelin"]["step_ms_median"], row["pytorch"]["step_ms_median"]
            lines.append("| %s | %s | %s | %s | %s | %s |" % (row["group"], row["myelin"]["model"],
                                                              row["myelin"]["batch_size"], fmt(m), fmt(t), fmt(ratio(m, t))))
    return "\n".join(lines) + "\n"


def plot(summary, path):
    """Two log-log panels, step ms against width and against batch, one line per system; False without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, group, xlabel in ((axes[0], "width", "hidden width w (784-w-w-10, batch %d)" % SWEEP_BATCH),
                              (axes[1], "batch", "batch size (784-%d-%d-10)" % (SWEEP_WIDTH, SWEEP_WIDTH))):
        rows = [r for r in summary if r["group"] == group]
        if not rows:
            ax.set_axis_off()
            ax.set_title("%s sweep not run" % group)
            continue
        for system, style in (("myelin", "o-"), ("pytorch", "s--")):
            ax.plot([int(r["id"].split("-")[1]) for r in rows], [r[system]["step_ms_median"] for r in rows], style,
                    label="Myelin CPU" if system == "myelin" else "PyTorch CPU")
        xs = [int(r["id"].split("-")[1]) for r in rows]
        ax.set_xscale("log", base=2)
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.minorticks_off()
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("training step, ms (median)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("Myelin CPU vs PyTorch CPU: cost of one training step (Adam, sparse CE)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def capture(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (p.stdout + p.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return None


def environment(jar, java_opts, torch_threads):
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), None)
    except OSError:
        pass
    torch_version = capture([PYTHON, "-c", "import torch; print(torch.__version__)"])
    java = capture(["java", "-version"])
    dpkg = capture(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n", "libopenblas0-pthread", "python3-torch",
                    "openjdk-17-jre-headless"])
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": platform.node(),
        "kernel": platform.release(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "loadavg_at_start": open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else None,
        "java": java.splitlines()[0] if java else None,
        "java_opts": java_opts,
        "torch": torch_version,
        "python": capture([PYTHON, "--version"]),
        "packages": dpkg.splitlines() if dpkg else [],
        "torch_threads": torch_threads,
        "openblas_env": {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")},
        "commit": capture(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]),
        "jar": os.path.relpath(jar, ROOT),
    }


def header(env, reps, epochs, quick):
    return ("Machine: %s, %s cores, load average at start %s; %s; %s; torch %s (%s threads, %s); "
            "packages: %s; commit %s. %d repetitions per configuration%s, Fashion-MNIST: 1 warm-up + %d timed epochs.\n"
            % (env["cpu"], env["cores"], " ".join(env["loadavg_at_start"] or []), env["java"], env["python"],
               env["torch"], env["torch_threads"], ", ".join("%s=%s" % kv for kv in sorted(env["openblas_env"].items())),
               "; ".join(env["packages"]), env["commit"], reps, " (--quick)" if quick else "", epochs))


def run_all(cfg, reps, cmds, log):
    runs = []
    total = len(cfg) * reps * 2
    done = 0
    for cid, group, label, args in cfg:
        for rep in range(reps):
            order = ("myelin", "pytorch") if rep % 2 == 0 else ("pytorch", "myelin")
            for system in order:
                r = run_one(cmds[system] + args)
                r.update(config=cid, rep=rep)
                runs.append(r)
                done += 1
                log("[bench-peers] %3d/%d %-12s rep %d %-7s epoch %s s  step %s ms  acc %s  rss %s MiB  (%.1f s)" % (
                    done, total, cid, rep + 1, system, fmt(r["epoch_seconds_median"]), fmt(r["step_ms_median"]),
                    fmt(r["test_accuracy"], 4), fmt(r["peak_rss_mb"], 4), r["wall_seconds"]))
    return runs


def torch_threads_check(reps, out):
    """Step time of PyTorch for each (torch.set_num_threads, OPENBLAS_NUM_THREADS) pair in {1, 2}^2, alternating."""
    settings = [(t, b) for t in (1, 2) for b in (1, 2)]
    cases = [("fmnist-mlp b128", ["--data", "synthetic", "--hidden", FMNIST_MLP, "--batch-size", "128", "--steps", "300"]),
             ("fmnist-mlp b32", ["--data", "synthetic", "--hidden", FMNIST_MLP, "--batch-size", "32", "--steps", "600"]),
             ("wide b128", ["--data", "synthetic", "--hidden", WIDE_MLP, "--batch-size", "128", "--steps", "40"])]
    results = {}
    for name, args in cases:
        for rep in range(reps):
            for t, b in (settings if rep % 2 == 0 else settings[::-1]):
                env = dict(os.environ, OPENBLAS_NUM_THREADS=str(b))
                r = run_one([PYTHON, os.path.join(ROOT, "scripts", "bench_torch.py"), "--threads", str(t),
                             "--format", "json", "--warmup-steps", "20"] + args, env)
                results.setdefault((name, t, b), []).append(r["step_ms_median"])
                print("[bench-peers] %s threads=%d OPENBLAS_NUM_THREADS=%d: %.3f ms" % (name, t, b, r["step_ms_median"]),
                      file=sys.stderr)
    lines = ["| case | " + " | ".join("set_num_threads(%d), OPENBLAS %d" % s for s in settings) + " |",
             "|---|" + "---|" * len(settings)]
    for name, _ in cases:
        lines.append("| %s step ms | %s |" % (name, " | ".join(fmt(statistics.median(results[(name,) + s])) for s in settings)))
    text = "\n".join(lines) + "\n"
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "torch-threads.md"), "w") as f:
        f.write(text)
    print(text)


def main(argv):
    p = argparse.ArgumentParser(description="Myelin CPU vs PyTorch CPU (see scripts/bench-peers.sh)")
    p.add_argument("--quick", action="store_true", help="2 repetitions, fewer timed steps")
    p.add_argument("--reps", type=int, help="repetitions per configuration (default 5, --quick 2)")
    p.add_argument("--epochs", type=int, help="timed Fashion-MNIST epochs after the warm-up (default 3: the JIT is still compiling in the second epoch)")
    p.add_argument("--only", help="comma-separated configuration ids or groups (fmnist, wide, cnn, width, batch)")
    p.add_argument("--out", default=os.path.join(ROOT, "target", "bench"))
    p.add_argument("--jar", required=True)
    p.add_argument("--java-opts", default="")
    p.add_argument("--torch-threads", type=int, default=1)
    p.add_argument("--torch-threads-check", action="store_true",
                   help="instead: PyTorch step time for set_num_threads 1/2 x OPENBLAS_NUM_THREADS 1/2")
    p.add_argument("--list", action="store_true", help="print the configurations and exit")
    a = p.parse_args(argv)
    reps = a.reps or (2 if a.quick else 5)
    epochs = a.epochs or 3
    if reps < 1 or epochs < 1:
        sys.exit("error: --reps and --epochs must be at least 1")
    if a.torch_threads_check:
        torch_threads_check(reps, a.out)
        return
    cfg = configurations(a.quick, epochs)
    if a.only:
        wanted = set(a.only.split(","))
        cfg = [c for c in cfg if c[0] in wanted or c[1] in wanted]
        if not cfg:
            sys.exit("error: --only %s matches no configuration" % a.only)
    if a.list:
        for cid, _, label, args in cfg:
            print("%-12s %s: %s" % (cid, label, " ".join(args)))
        return
    cmds = commands(a.jar, a.java_opts, a.torch_threads)
    env = environment(a.jar, a.java_opts, a.torch_threads)
    print("[bench-peers] %d configurations x %d repetitions x 2 systems; myelin: %s; pytorch: %s" % (
        len(cfg), reps, " ".join(cmds["myelin"]), " ".join(cmds["pytorch"])), file=sys.stderr)
    t0 = time.monotonic()
    runs = run_all(cfg, reps, cmds, lambda s: print(s, file=sys.stderr, flush=True))
    summary = summarize(cfg, runs)
    text = header(env, reps, epochs, a.quick) + "\n" + table(summary)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "peers.json"), "w") as f:
        json.dump({"environment": env, "reps": reps, "epochs": epochs, "quick": a.quick,
                   "commands": cmds, "summary": summary, "runs": runs}, f, indent=1)
    with open(os.path.join(a.out, "peers.md"), "w") as f:
        f.write(text)
    plotted = plot(summary, os.path.join(a.out, "scaling.png")) if any(r["group"] in ("width", "batch") for r in summary) else False
    print(text)
    print("[bench-peers] %.0f s; wrote %s, %s%s" % (time.monotonic() - t0, os.path.join(a.out, "peers.json"),
                                                  os.path.join(a.out, "peers.md"),
                                                  ", " + os.path.join(a.out, "scaling.png") if plotted else
                                                  " (no plot: matplotlib missing or no sweep)"), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
