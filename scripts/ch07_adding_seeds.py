"""The adding problem of chapter 7 with three seeds: a vanilla RNN, an LSTM and
a GRU trained alike (rnncourse.gated.ADDING_EXPERIMENT), each measured on 1000
held-out sequences. The chapter trains seed 0 and quotes this script's table
for all three (the notebook would take too long with all of them).

    python scripts/ch07_adding_seeds.py [--seeds 0 1 2]

One thread, as in the chapter; about a minute per seed on one core.
"""
import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rnncourse import gated  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"adding problem, {gated.ADDING_EXPERIMENT}")
    print("seed  model  parameters  held-out MSE  leaves the baseline at step  training time")
    for seed in args.seeds:
        for kind in gated.LAYERS:
            run = gated.train_on_adding(kind, seed=seed, **gated.ADDING_EXPERIMENT)
            left = gated.left_the_baseline(run.losses)
            print(f"{seed:4d}  {kind:5s}  {run.parameters:10d}  {run.held_out_mse:12.3g}  "
                  f"{'never' if left is None else left:>27}  {run.seconds:11.1f} s", flush=True)


if __name__ == "__main__":
    main()
