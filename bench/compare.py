"""Side-by-side benchmarks of rlab against Gymnasium, Stable-Baselines3 and PyTorch (issue 7).

Run it through bench/compare.sh, which makes the venv of pinned peers and builds rlab. Each
comparison runs alternately (rlab, peer, rlab, peer, ...) so that a busy machine slows both
sides alike; medians and ratios are printed with the exact commands. Every process gets one
thread (OMP/MKL/OpenBLAS variables; rlab uses one libtorch thread by default, SB3's script sets
torch.set_num_threads(1)). Peak RSS comes from wait4's ru_maxrss of each process, and CPU time
(user + system) from its ru_utime + ru_stime: on a shared machine wall time also counts the time a
process waited for a core, so both are printed.
"""
import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def show(cmd):
    env = " ".join(f"{k}={v}" for k, v in ONE_THREAD.items())
    return f"{env} {shlex.join(str(c) for c in cmd)}"


def run(cmd, cwd=ROOT):
    """Runs cmd to the end; returns (stdout, wall seconds, peak RSS in MiB, CPU seconds). Fails loudly."""
    env = dict(os.environ, **ONE_THREAD)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        p = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=err, env=env, cwd=cwd)
        # wait4 (not Popen.wait) to get this child's own resource usage.
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if p.returncode != 0:
        sys.exit(f"compare: command failed ({p.returncode}): {show(cmd)}\n{stderr[-2000:]}")
    return stdout, wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def last_json(stdout):
    return json.loads(stdout.strip().splitlines()[-1])


def median(xs):
    return statistics.median(xs)


def env_throughput(a, rlab, py, results):
    print("\n== (a) CartPole-v1 env throughput, random actions, 1 thread ==")
    rows = []
    for n, rlab_steps, gym_steps in [(1, 20_000_000, 400_000), (64, 40_000_000, 4_000_000), (256, 40_000_000, 8_000_000)]:
        rc = [rlab, "bench", "env", "--num-envs", n, "--steps", rlab_steps]
        gc = [py, ROOT / "bench/gym_env.py", "--num-envs", n, "--steps", gym_steps]
        r, g = [], []
        for k in range(a.rounds):
            r.append(last_json(run(rc)[0]))
            g.append(last_json(run(gc)[0]))
        # Timed inside each process, per CPU second (process time) and per wall second: a core
        # shared with other work lowers the wall figures of both sides.
        rc_sps, gc_sps = median([x["steps_per_cpu_second"] for x in r]), median([x["steps_per_cpu_second"] for x in g])
        rw_sps, gw_sps = median([x["steps_per_second"] for x in r]), median([x["steps_per_second"] for x in g])
        target = 200 if n == 1 else 50
        ratio = rc_sps / gc_sps
        row = {"num_envs": n, "rlab_sps_cpu": rc_sps, "gym_sps_cpu": gc_sps, "ratio_cpu": ratio,
               "rlab_sps_wall": rw_sps, "gym_sps_wall": gw_sps, "ratio_wall": rw_sps / gw_sps, "target": target,
               "met": ratio >= target, "rlab_runs": r, "gym_runs": g, "rlab_cmd": show(rc), "gym_cmd": show(gc)}
        rows.append(row)
        print(f"num_envs {n:>3}: per CPU second: rlab {rc_sps/1e6:7.2f} M steps/s, Gymnasium {gc_sps/1e6:7.3f} M steps/s, "
              f"ratio {ratio:6.1f}x (target >= {target}x: {'met' if row['met'] else 'NOT met'}); "
              f"per wall second: {rw_sps/1e6:.2f} M vs {gw_sps/1e6:.3f} M, ratio {rw_sps / gw_sps:.1f}x")
        print(f"    rlab:      {row['rlab_cmd']}\n    Gymnasium: {row['gym_cmd']}", flush=True)
    results["env"] = rows


def ppo(a, rlab, py, results):
    print("\n== (b) PPO, RL Zoo CartPole-v1 hyperparameters, 100k env steps, CPU, 1 thread ==")
    logdir = Path(tempfile.mkdtemp(prefix="rlab-compare-"))
    rows = []
    for seed in a.seeds:
        name = f"zoo-s{seed}-{int(time.time() * 1000)}"
        rc = [rlab, "run", "--config", ROOT / "configs/cartpole_ppo_zoo.toml", "--seed", seed,
              "--logdir", logdir, "--name", name, "-q"]
        sc = [py, ROOT / "bench/sb3_ppo.py", "--seed", seed]
        _, r_wall, r_rss, r_cpu = run(rc)
        summary = json.loads((logdir / name / "summary.json").read_text())
        out, s_wall, s_rss, s_cpu = run(sc)
        sb3 = last_json(out)
        row = {"seed": seed, "rlab_wall": r_wall, "rlab_cpu": r_cpu, "sb3_cpu": s_cpu, "rlab_eval": summary["eval_mean_return"], "rlab_rss_mib": r_rss,
               "rlab_steps": summary["env_steps"], "sb3_wall": s_wall, "sb3_eval": sb3["eval_mean_return"],
               "sb3_rss_mib": s_rss, "sb3_steps": sb3["env_steps"], "rlab_cmd": show(rc), "sb3_cmd": show(sc)}
        rows.append(row)
        print(f"seed {seed}: rlab {r_wall:6.1f} s wall {r_cpu:6.1f} s CPU, eval {row['rlab_eval']:6.1f}, "
              f"peak RSS {r_rss:4.0f} MiB  |  SB3 {s_wall:6.1f} s wall {s_cpu:6.1f} s CPU, eval {row['sb3_eval']:6.1f}, "
              f"peak RSS {s_rss:4.0f} MiB", flush=True)
    rw, sw = median([x["rlab_wall"] for x in rows]), median([x["sb3_wall"] for x in rows])
    rc_, sc_ = median([x["rlab_cpu"] for x in rows]), median([x["sb3_cpu"] for x in rows])
    ok = lambda key: sum(x[key] >= 475 for x in rows)  # noqa: E731
    ratio, cpu_ratio = sw / rw, sc_ / rc_
    print(f"median wall time: rlab {rw:.1f} s, SB3 {sw:.1f} s: rlab takes 1/{ratio:.1f} of SB3's time "
          f"(target <= 1/5: {'met' if ratio >= 5 else 'NOT met'}); median CPU time: rlab {rc_:.1f} s, SB3 {sc_:.1f} s "
          f"(1/{cpu_ratio:.1f}); eval >= 475: rlab {ok('rlab_eval')}/{len(rows)}, SB3 {ok('sb3_eval')}/{len(rows)}")
    print(f"    rlab: {rows[0]['rlab_cmd']}\n    SB3:  {rows[0]['sb3_cmd']}")
    results["ppo"] = {"rows": rows, "rlab_median_wall": rw, "sb3_median_wall": sw, "speedup": ratio,
                      "rlab_median_cpu": rc_, "sb3_median_cpu": sc_, "cpu_speedup": cpu_ratio,
                      "rlab_success": ok("rlab_eval"), "sb3_success": ok("sb3_eval")}


def train(a, rlab, py, results):
    print("\n== (c) supervised training throughput: Fashion-MNIST image CNN, CPU, 1 thread ==")
    logdir = Path(tempfile.mkdtemp(prefix="rlab-compare-"))
    r, t = [], []
    for k in range(a.rounds):
        name = f"fashion-{k}-{int(time.time() * 1000)}"
        rc = [rlab, "train", "classifier", "--config", ROOT / "configs/supervised/fashion_mnist_cnn.toml",
              "--epochs", a.train_epochs, "--set", "threads=1", "--set", "train.early_stopping.patience=0",
              "--device", "cpu", "--logdir", logdir, "--name", name, "-q"]
        tc = [py, ROOT / "bench/torch_cnn.py", "--epochs", a.train_epochs, "--threads", 1]
        run(rc)
        summary = json.loads((logdir / name / "summary.json").read_text())
        history = json.loads((logdir / name / "metrics.json").read_text())["history"]
        r.append(summary["examples"]["train"] / median([e["seconds"] for e in history]))
        t.append(last_json(run(tc)[0])["images_per_second"])
    ri, ti = median(r), median(t)
    ratio = ri / ti
    print(f"images/s (median over {a.rounds} rounds of {a.train_epochs} epochs, each epoch timed with its validation pass): "
          f"rlab {ri:.0f}, PyTorch {ti:.0f}, ratio {ratio:.2f}x (target >= 1.0x: {'met' if ratio >= 1.0 else 'NOT met'})")
    print(f"    rlab:    {show(rc)}\n    PyTorch: {show(tc)}", flush=True)
    results["train"] = {"rlab_images_per_second": ri, "torch_images_per_second": ti, "ratio": ratio,
                        "rlab_runs": r, "torch_runs": t, "rlab_cmd": show(rc), "torch_cmd": show(tc)}


def text(a, rlab, results):
    print("\n== (e) text vectoriser: TF-IDF fit_transform of the 4,837 SMS texts, 1 thread ==")
    rows = []
    for n in (1, 2):
        rc = [rlab, "bench", "text", "--max-ngram", n, "--rounds", 20]
        sc = [a.ref_python, ROOT / "bench/sklearn_tfidf.py", "--max-ngram", n, "--rounds", 20]
        r, s = [], []
        for _ in range(a.rounds):
            r.append(last_json(run(rc)[0]))
            s.append(last_json(run(sc)[0]))
        rd, sd = median([x["documents_per_second"] for x in r]), median([x["documents_per_second"] for x in s])
        ratio = rd / sd
        row = {"ngram_range": [1, n], "rlab_docs_per_second": rd, "sklearn_docs_per_second": sd, "ratio": ratio,
               "met": ratio >= 5, "rlab_nonzeros": r[0]["nonzeros"], "sklearn_nonzeros": s[0]["nonzeros"],
               "rlab_cmd": show(rc), "sklearn_cmd": show(sc)}
        rows.append(row)
        print(f"ngram_range (1, {n}): rlab {rd:,.0f} documents/s, scikit-learn {sd:,.0f} documents/s, ratio {ratio:.1f}x "
              f"(target >= 5x: {'met' if row['met'] else 'NOT met'}); non-zeros {row['rlab_nonzeros']} vs {row['sklearn_nonzeros']}")
        print(f"    rlab:         {row['rlab_cmd']}\n    scikit-learn: {row['sklearn_cmd']}", flush=True)
    results["text"] = rows


def rss(a, rlab, results):
    print("\n== (d) peak RSS of the default `rlab run` (PPO, 500k steps) ==")
    logdir = Path(tempfile.mkdtemp(prefix="rlab-compare-"))
    rc = [rlab, "run", "--gamma", "0.99", "--logdir", logdir, "-q"]
    _, wall, peak, cpu = run(rc)
    print(f"rlab run: peak RSS {peak:.0f} MiB ({wall:.1f} s wall, {cpu:.1f} s CPU)\n    {show(rc)}")
    if "ppo" in results:
        s = median([x["sb3_rss_mib"] for x in results["ppo"]["rows"]])
        print(f"SB3 process of (b): median peak RSS {s:.0f} MiB: rlab uses {peak / s:.2f}x of it")
    results["rss"] = {"rlab_default_run_rss_mib": peak, "wall": wall, "cmd": show(rc)}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rlab", required=True, help="the rlab binary")
    p.add_argument("--python", default=sys.executable, help="the venv's python with the peers")
    p.add_argument("--only", default="env,ppo,train,text,rss", help="comma-separated sections: env, ppo, train, text, rss")
    p.add_argument("--ref-python", default=sys.executable, help="a python with scikit-learn (scripts/reference-venv.sh)")
    p.add_argument("--rounds", type=int, default=5, help="alternating rounds of each env measurement")
    p.add_argument("--seeds", default="0,1,2", help="PPO seeds (one rlab and one SB3 run each)")
    p.add_argument("--train-epochs", type=int, default=2, help="epochs per round of the training comparison")
    p.add_argument("--json", help="also write the results here")
    a = p.parse_args()
    a.seeds = [int(s) for s in a.seeds.split(",")]
    only = set(a.only.split(","))
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "machine": f"{os.cpu_count()} cores, {platform.machine()}, {cpu_model()}",
               "load_avg_start": os.getloadavg()}
    print(f"{results['date']}; {results['machine']}; load average {results['load_avg_start']}")
    if "env" in only:
        env_throughput(a, a.rlab, a.python, results)
    if "ppo" in only:
        ppo(a, a.rlab, a.python, results)
    if "train" in only:
        train(a, a.rlab, a.python, results)
    if "text" in only:
        text(a, a.rlab, results)
    if "rss" in only:
        rss(a, a.rlab, results)
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
