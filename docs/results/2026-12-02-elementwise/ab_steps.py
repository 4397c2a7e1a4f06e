"""Interleaved A/B of two Myelin jars (and the after jar with -Dmyelin.cpu.simd=never) against PyTorch CPU.
Usage: ab_steps.py REPS BEFORE_JAR AFTER_JAR [CONFIG,CONFIG...] (run from the repository root)."""
import json, subprocess, statistics, sys, os, time
reps = int(sys.argv[1])
J = {"before": sys.argv[2], "after": sys.argv[3]}
M = ["--add-modules", "jdk.incubator.vector"]
systems = {
    "before": ["java"] + M + ["-jar", J["before"]],
    "after": ["java"] + M + ["-jar", J["after"]],
    "after-simd-never": ["java"] + M + ["-Dmyelin.cpu.simd=never", "-jar", J["after"]],
}
cfgs = {
    "fmnist-b1024": ["--data", "fashion-mnist", "--hidden", "256,128", "--batch-size", "1024", "--epochs", "3"],
    "batch-256": ["--data", "synthetic", "--hidden", "256,256", "--batch-size", "256", "--steps", "96", "--warmup-steps", "48"],
    "batch-1024": ["--data", "synthetic", "--hidden", "256,256", "--batch-size", "1024", "--steps", "48", "--warmup-steps", "24"],
}
if len(sys.argv) > 4:
    cfgs = {k: cfgs[k] for k in sys.argv[4].split(",")}
torch = ["/usr/bin/python3", os.path.join("scripts", "bench_torch.py"), "--threads", "1", "--format", "json"]
env = dict(os.environ, OPENBLAS_NUM_THREADS="2")
res = {}
order = list(systems) + ["pytorch"]
for rep in range(reps):
    for cid, args in cfgs.items():
        o = order[rep % len(order):] + order[:rep % len(order)]   # rotate who goes first
        for s in o:
            cmd = (systems[s] + ["bench", "--backend", "cpu", "--format", "json"] if s != "pytorch" else torch) + args
            p = subprocess.run(cmd, capture_output=True, text=True, env=env)
            line = [l for l in p.stdout.splitlines() if l.startswith("{")]
            if not line:
                print("FAIL", s, cid, p.stderr[-2000:]); continue
            r = json.loads(line[-1])
            res.setdefault((cid, s), []).append(r)
            print(rep, cid, s, r.get("step_ms_median"), r.get("epoch_seconds_median"), r.get("train_loss"), open("/proc/loadavg").read().split()[0], flush=True)
print("\nmedians over", reps, "reps (each run's median step / median epoch):")
for cid in cfgs:
    tm = statistics.median([r["step_ms_median"] for r in res[(cid, "pytorch")]])
    te = [r["epoch_seconds_median"] for r in res[(cid, "pytorch")] if r.get("epoch_seconds_median")]
    te = statistics.median(te) if te else None
    for s in order:
        st = statistics.median([r["step_ms_median"] for r in res[(cid, s)]])
        ep = [r["epoch_seconds_median"] for r in res[(cid, s)] if r.get("epoch_seconds_median")]
        ep = statistics.median(ep) if ep else None
        losses = sorted(set(r.get("train_loss") for r in res[(cid, s)]))
        print(f"{cid:13s} {s:17s} step {st:7.2f} ms ({st/tm:5.2f}x torch)" + (f"  epoch {ep:6.3f} s ({ep/te:5.2f}x torch)" if ep else "") + f"  loss {losses}")
