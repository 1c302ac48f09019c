#!/usr/bin/env python3
"""Record CartPole-v1 trajectories from the real Gymnasium, for rlab-envs' parity test.

Each case starts from a chosen state (set on the unwrapped env after reset, so Gymnasium's and
rlab's different RNGs do not matter) and plays a fixed or state-driven action sequence through
`gymnasium.make("CartPole-v1")`, TimeLimit(500) included, until the episode ends. Every step's
observation, reward, terminated and truncated flags are written to
envs/tests/data/cartpole_gymnasium.json, which envs/tests/gymnasium_parity.rs replays.

    python3 -m venv /tmp/gymvenv && /tmp/gymvenv/bin/pip install -r scripts/requirements-reference.txt
    /tmp/gymvenv/bin/python scripts/gymnasium_reference.py
"""

import json
import pathlib
import sys

import gymnasium
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "envs" / "tests" / "data" / "cartpole_gymnasium.json"
if len(sys.argv) > 1:  # scripts/test.sh records afresh elsewhere and compares with the checked-in file
    OUT = pathlib.Path(sys.argv[1])


def f32(v):
    """The float32 value as the shortest decimal that reads back to the same float32."""
    return float(str(np.float32(v)))


def run_case(name, start, policy):
    """Play one episode from `start`; `policy(t, obs)` gives the action at step t."""
    env = gymnasium.make("CartPole-v1")
    env.reset(seed=0)
    env.unwrapped.state = np.array(start, dtype=np.float64)
    obs = np.array(start, dtype=np.float32)
    # The start state as repr strings: JSON readers need not parse numbers correctly rounded
    # (serde_json's default parser can be 1 ulp off), and the state must be bit-exact.
    case = {"name": name, "start_state": [repr(float(v)) for v in start], "actions": [],
            "obs": [], "rewards": [], "terminated": [], "truncated": []}
    while True:
        action = int(policy(len(case["actions"]), obs))
        obs, reward, terminated, truncated, _ = env.step(action)
        case["actions"].append(action)
        case["obs"].append([f32(v) for v in obs])
        case["rewards"].append(float(reward))
        case["terminated"].append(bool(terminated))
        case["truncated"].append(bool(truncated))
        if terminated or truncated:
            env.close()
            return case


def balance(t, obs):
    """The brief's simple controller: push towards the side the pole is falling to."""
    return 1 if obs[2] + 0.5 * obs[3] > 0 else 0


def balance_centred(t, obs):
    """Also steers the cart back to the centre, so episodes survive to the time limit."""
    return 1 if obs[2] + 0.5 * obs[3] + 0.02 * obs[0] + 0.05 * obs[1] > 0 else 0


def main():
    rng = np.random.default_rng(20240601)
    cases = []
    zero = [0.0, 0.0, 0.0, 0.0]
    cases.append(run_case("zeros_always_right", zero, lambda t, o: 1))
    cases.append(run_case("zeros_always_left", zero, lambda t, o: 0))
    cases.append(run_case("zeros_alternating", zero, lambda t, o: t % 2))
    cases.append(run_case("zeros_alternating_from_left", zero, lambda t, o: (t + 1) % 2))

    # Random actions from random small starts (like Gymnasium's reset distribution).
    for i in range(8):
        start = rng.uniform(-0.05, 0.05, size=4).tolist()
        actions = rng.integers(0, 2, size=600).tolist()
        cases.append(run_case(f"random_{i}", start, lambda t, o, a=actions: a[t]))

    # Balancing controllers from assorted starts; most run into the 500-step truncation.
    for i in range(6):
        start = rng.uniform(-0.05, 0.05, size=4).tolist()
        cases.append(run_case(f"balance_{i}", start, balance))
    for i in range(6):
        start = (rng.uniform(-0.1, 0.1, size=4) * np.array([5.0, 2.0, 1.0, 2.0])).tolist()
        cases.append(run_case(f"balance_centred_{i}", start, balance_centred))

    # Larger and edge-of-threshold starts.
    cases.append(run_case("tilted_right_alternating", [0.0, 0.0, 0.15, 0.0], lambda t, o: t % 2))
    cases.append(run_case("fast_cart_left", [1.0, -2.0, -0.05, 0.3], balance))
    cases.append(run_case("near_right_edge", [2.35, 0.5, 0.0, 0.0], lambda t, o: 1))
    cases.append(run_case("near_angle_limit", [0.0, 0.0, 0.2, 0.5], balance))
    cases.append(run_case("outside_start", [2.5, 0.0, 0.0, 0.0], lambda t, o: 0))
    cases.append(run_case("spinning_pole", [0.0, 0.0, 0.0, 3.0], lambda t, o: 0))

    data = {
        "description": "CartPole-v1 trajectories recorded by scripts/gymnasium_reference.py",
        "gymnasium_version": gymnasium.__version__,
        "numpy_version": np.__version__,
        "python_version": sys.version.split()[0],
        "env_id": "CartPole-v1",
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    truncated = sum(c["truncated"][-1] for c in cases)
    steps = sum(len(c["actions"]) for c in cases)
    print(f"wrote {OUT}: {len(cases)} cases, {steps} steps, {truncated} end in truncation "
          f"({OUT.stat().st_size} bytes, gymnasium {gymnasium.__version__})")


if __name__ == "__main__":
    main()
