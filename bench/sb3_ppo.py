"""Stable-Baselines3 PPO on CartPole-v1 with RL Zoo's tuned hyperparameters (rl-zoo3 hyperparams/ppo.yml),
the peer of `rlab run --config configs/cartpole_ppo_zoo.toml` in bench/compare.sh. CPU, 1 torch thread.
Trains 100k env steps, then evaluates the deterministic policy over 20 episodes; prints one JSON line.
"""
import argparse
import json
import time

import torch

torch.set_num_threads(1)

import gymnasium as gym  # noqa: E402
import stable_baselines3  # noqa: E402
from stable_baselines3 import PPO  # noqa: E402
from stable_baselines3.common.env_util import make_vec_env  # noqa: E402
from stable_baselines3.common.evaluation import evaluate_policy  # noqa: E402
from stable_baselines3.common.monitor import Monitor  # noqa: E402


def linear(start):
    # The zoo's lin_X: X times the remaining fraction of training.
    return lambda progress_remaining: progress_remaining * start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--total-steps", type=int, default=100_000)
    p.add_argument("--eval-episodes", type=int, default=20)
    a = p.parse_args()
    start = time.perf_counter()
    env = make_vec_env("CartPole-v1", n_envs=8, seed=a.seed)
    model = PPO(
        "MlpPolicy", env, n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98, n_epochs=20, ent_coef=0.0,
        learning_rate=linear(1e-3), clip_range=linear(0.2), seed=a.seed, device="cpu", verbose=0,
    )
    model.learn(total_timesteps=a.total_steps)
    train_seconds = time.perf_counter() - start
    eval_env = Monitor(gym.make("CartPole-v1"))
    eval_env.reset(seed=a.seed)
    mean, std = evaluate_policy(model, eval_env, n_eval_episodes=a.eval_episodes, deterministic=True)
    print(json.dumps({"seed": a.seed, "env_steps": int(model.num_timesteps), "train_seconds": train_seconds,
                      "eval_mean_return": float(mean), "eval_std_return": float(std),
                      "torch_threads": torch.get_num_threads(), "sb3": stable_baselines3.__version__,
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
