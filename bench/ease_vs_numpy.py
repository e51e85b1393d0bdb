#!/usr/bin/python3
"""EASE training time: a numpy peer beside Clientele's models, in one run.

  /usr/bin/python3 bench/ease_vs_numpy.py --movielens=PATH/u.data [--seeds=3] \
      [--bench=build/bin/recommender_movielens_bench]

For each seed: a 75/25 random split stratified by user (numpy's generator, so not Clientele's
split), numpy EASE with lambda 500 fitted on the training part in its two exact forms (item side:
inverse of the items x items Gram matrix, as in Steck's paper; user side: Woodbury, a users x users
inverse), timed, and scored by nDCG@10 (binary relevance, training items removed). Then the C++
bench's "train" section (Clientele's default configurations on its own 75/25 splits) runs in the
same process tree, so both see the same machine load. Needs python3-numpy (Debian).
"""
import argparse
import subprocess
import sys
import time

import numpy as np


def load(path):
    raw = np.loadtxt(path, dtype=np.int64, usecols=(0, 1))
    users, u = np.unique(raw[:, 0], return_inverse=True)
    items, i = np.unique(raw[:, 1], return_inverse=True)
    return u, i, len(users), len(items)


def split(u, i, seed, ratio=0.75):
    rng = np.random.default_rng(seed)
    train = np.zeros(len(u), dtype=bool)
    order = np.argsort(u, kind="stable")
    bounds = np.searchsorted(u[order], np.arange(u.max() + 2))
    for a, b in zip(bounds[:-1], bounds[1:]):
        rows = order[a:b]
        rng.shuffle(rows)
        train[rows[: int(round(ratio * len(rows)))]] = True
    return train


def ease_item_side(x, lam):
    g = x.T @ x
    g[np.diag_indices_from(g)] += lam
    p = np.linalg.inv(g)
    b = -p / np.diag(p)
    b[np.diag_indices_from(b)] = 0
    return x @ b


def ease_user_side(x, lam):
    # P = (X^T X + lam I)^-1 = (I - X^T (lam I + X X^T)^-1 X) / lam.
    k = x @ x.T
    k[np.diag_indices_from(k)] += lam
    kinv_x = np.linalg.solve(k, x)
    diag_p = (1 - np.einsum("ui,ui->i", x, kinv_x)) / lam
    xp = (x - (x @ x.T) @ kinv_x) / lam  # X P without forming items x items.
    scores = -xp / diag_p
    scores += x  # Remove the diagonal term: B(i, i) = 0, X(u, i) P(i, i) / P(i, i) = X(u, i).
    return scores


def ndcg_at_10(scores, x_train, test_u, test_i):
    scores = scores.copy()
    scores[x_train > 0] = -np.inf
    top = np.argsort(-scores, axis=1)[:, :10]
    relevant = {}
    for uu, ii in zip(test_u, test_i):
        relevant.setdefault(uu, set()).add(ii)
    discount = 1 / np.log2(np.arange(2, 12))
    total = 0.0
    for uu, rel in relevant.items():
        dcg = sum(discount[r] for r, item in enumerate(top[uu]) if item in rel)
        idcg = discount[: min(10, len(rel))].sum()
        total += dcg / idcg
    return total / len(relevant)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--movielens", required=True)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--lam", type=float, default=500)
    parser.add_argument("--bench", default="build/bin/recommender_movielens_bench")
    args = parser.parse_args()
    u, i, nu, ni = load(args.movielens)
    print(f"## numpy EASE (lambda {args.lam:g}), MovieLens 100k ({nu} users, {ni} items)\n")
    print("| seed | form | fit wall s | fit CPU s | nDCG@10 |\n|---|---|---|---|---|")
    for seed in range(1, args.seeds + 1):
        train = split(u, i, seed)
        x = np.zeros((nu, ni))
        x[u[train], i[train]] = 1
        for form, fit in (("item side (inverse)", ease_item_side),
                          ("user side (Woodbury)", ease_user_side)):
            start, cpu = time.perf_counter(), time.process_time()
            scores = fit(x, args.lam)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            ndcg = ndcg_at_10(scores, x, u[~train], i[~train])
            print(f"| {seed} | {form} | {seconds:.2f} | {cpu:.2f} | {ndcg:.4f} |")
            sys.stdout.flush()
    print()
    subprocess.run([args.bench, f"--movielens={args.movielens}", "--sections=train",
                    f"--seeds={args.seeds}"], check=True)


if __name__ == "__main__":
    main()
