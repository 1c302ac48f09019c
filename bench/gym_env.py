"""Gymnasium CartPole-v1 steps per second with random actions, as one JSON line (bench/compare.sh).

--num-envs 1: the plain `gym.make("CartPole-v1")` loop (its default wrappers), reset when an
episode ends. More: Gymnasium's numpy-batched vector CartPole through
`gym.make_vec(..., vectorization_mode="vector_entry_point")` (it autoresets itself).
Actions are drawn before the clock starts, so only the env is timed (rlab draws its own inside).
"""
import argparse
import json
import time

import gymnasium as gym
import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--num-envs", type=int, default=1)
    p.add_argument("--steps", type=int, default=1_000_000, help="env steps in total")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    vector_steps = -(-a.steps // a.num_envs)
    if a.num_envs == 1:
        env = gym.make("CartPole-v1")
        env.reset(seed=a.seed)
        actions = rng.integers(0, 2, size=vector_steps).tolist()
        episodes = 0
        start, cpu = time.perf_counter(), time.process_time()
        for action in actions:
            _, _, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                episodes += 1
                env.reset()
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    else:
        envs = gym.make_vec("CartPole-v1", num_envs=a.num_envs, vectorization_mode="vector_entry_point")
        envs.reset(seed=a.seed)
        actions = rng.integers(0, 2, size=(vector_steps, a.num_envs))
        episodes = 0
        start, cpu = time.perf_counter(), time.process_time()
        for t in range(vector_steps):
            _, _, terminated, truncated, _ = envs.step(actions[t])
            episodes += int(np.count_nonzero(terminated | truncated))
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    env_steps = vector_steps * a.num_envs
    print(json.dumps({"env": "CartPole-v1", "num_envs": a.num_envs, "env_steps": env_steps, "episodes": episodes,
                      "seconds": seconds, "steps_per_second": env_steps / seconds, "cpu_seconds": cpu_seconds,
                      "steps_per_cpu_second": env_steps / cpu_seconds, "gymnasium": gym.__version__}))


if __name__ == "__main__":
    main()
