"""Stable-Baselines3's DQN with RL Zoo's CartPole-v1 settings (the ones configs/cartpole_dqn_zoo.toml uses), one
seed: trains 50k steps and prints the deterministic evaluation over 20 episodes as JSON. A reference for how
reliable those settings are across seeds. Run with the venv bench/compare.sh makes:
  ~/.cache/rlab/venv-bench/bin/python bench/sb3_dqn_cartpole.py --seed 0
"""
import argparse
import json

import gymnasium as gym
import torch
from stable_baselines3 import DQN
from stable_baselines3.common.evaluation import evaluate_policy

p = argparse.ArgumentParser()
p.add_argument("--seed", type=int, default=0)
a = p.parse_args()
torch.set_num_threads(1)
model = DQN("MlpPolicy", gym.make("CartPole-v1"), learning_rate=2.3e-3, batch_size=64, buffer_size=100_000,
            learning_starts=1000, gamma=0.99, target_update_interval=10, train_freq=256, gradient_steps=128,
            exploration_fraction=0.16, exploration_final_eps=0.04, policy_kwargs=dict(net_arch=[256, 256]),
            seed=a.seed, verbose=0)
model.learn(50_000)
mean, _ = evaluate_policy(model, gym.make("CartPole-v1"), n_eval_episodes=20, deterministic=True)
print(json.dumps({"seed": a.seed, "eval_mean_return": mean}))
