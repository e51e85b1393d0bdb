#!/usr/bin/python3
"""Side-by-side benchmark of Clientele's analytics algorithms against pandas + scikit-learn.

Run with Debian's Python (python3-pandas, python3-sklearn) after a Release build:

    flock /tmp/clientele-build.lock scripts/build analytics_bench
    /usr/bin/python3 bench/analytics_bench.py [--repeat 5] [--skip-scale] [--only-rfm | --only-kmeans]

One run measures, with medians over --repeat runs of each side in the same invocation:
The two sides of each comparison run alternately, one repetition each, so that both see the same
machine load; the machine is shared, so the load average is printed with each section. Each of
our repetitions is the second run inside its process (warm heap, as pandas' and scikit-learn's
repeated runs inside the Python process).
  a. RFM on UCI Online Retail: pandas (clean + groupby + qcut on the DataFrame already read)
     vs ours (aggregate the Order events already parsed by the importer + ScoreRfm). Parsing is
     excluded on both sides. Then every customer's recency, frequency, monetary and r/f/m scores
     are compared with pandas' (mismatches must be 0).
  b. Elbow k = 2..10 (n_init = 10) plus an exact silhouette per k on log1p + standardised RFM
     features (the same RFM table for both): scikit-learn vs ours.
  c. k-means on 1,000,000 x 8 synthetic blobs (make_blobs, seed 42, written to one file read by
     both sides), k = 8, n_init = 10: scikit-learn vs ours.
  e. Agglomerative Ward on 20,000 x 3 blobs vs scipy's linkage(ward) (one run each), with the
     adjusted Rand index of the two 5-cluster partitions.
  d. Scale: 7,000,000 customers / 36,000,000 lines generated in memory, aggregated, RFM scored and
     clustered (k = 5), under /usr/bin/time -v for the peak RSS.
Prints a Markdown report on stdout.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data", "online_retail", "online_retail.csv")
BENCH = os.path.join(ROOT, "build", "bin", "analytics_bench")


def run_ours(*args):
    out = subprocess.run([BENCH, *map(str, args)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def median(xs):
    return statistics.median(xs)


# ---------------------------------------------------------------------------------------------
# a. RFM
def pandas_rfm(df):
    d = df.dropna(subset=["CustomerID"])
    d = d[~d["InvoiceNo"].astype(str).str.startswith("C")]
    d = d[(d["Quantity"] > 0) & (d["UnitPrice"] > 0)].copy()
    d["TotalPrice"] = d["Quantity"] * d["UnitPrice"]
    snapshot = d["InvoiceDate"].max() + pd.Timedelta(days=1)
    rfm = d.groupby("CustomerID").agg(
        recency=("InvoiceDate", lambda x: (snapshot - x.max()).days),
        frequency=("InvoiceNo", "nunique"),
        monetary=("TotalPrice", "sum"),
    )
    rfm["r"] = pd.qcut(rfm["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1])
    rfm["f"] = pd.qcut(rfm["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    rfm["m"] = pd.qcut(rfm["monetary"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    return rfm, len(d)


def bench_rfm(repeat, tmp, threads=1):
    df = pd.read_csv(DATA, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": float},
                     parse_dates=["InvoiceDate"])
    times, ours_times = [], []
    ours_csv = os.path.join(tmp, "ours_rfm.csv")
    for _ in range(repeat):  # Interleaved, so that both sides see the same machine load.
        t = time.perf_counter()
        rfm, rows = pandas_rfm(df)
        times.append(time.perf_counter() - t)
        ours_times.append(run_ours("rfm", DATA, 2, ours_csv, threads)["seconds"][-1])
    ours = {"seconds": ours_times}
    o = pd.read_csv(ours_csv, dtype={"CustomerID": str})
    o["CustomerID"] = o["CustomerID"].astype(float)
    o = o.set_index("CustomerID").sort_index()
    p = rfm.sort_index()
    mismatch = {}
    same_customers = list(o.index) == list(p.index)
    if same_customers:
        mismatch["recency"] = int((o["recency"] != p["recency"]).sum())
        mismatch["frequency"] = int((o["frequency"] != p["frequency"]).sum())
        mismatch["monetary"] = int((~np.isclose(o["monetary"], p["monetary"], rtol=1e-9,
                                               atol=1e-9)).sum())
        for s in "rfm":
            mismatch[s] = int((o[s].to_numpy() != p[s].astype(int).to_numpy()).sum())
    rfm_out = os.path.join(tmp, "rfm.csv")
    p[["recency", "frequency", "monetary"]].reset_index().to_csv(rfm_out, index=False)
    return {
        "rows": rows, "customers_pandas": len(p), "customers_ours": len(o),
        "same_customers": same_customers, "mismatch": mismatch,
        "pandas_s": median(times), "ours_s": median(ours["seconds"]),
        "pandas_runs": times, "ours_runs": ours["seconds"], "rfm_csv": rfm_out,
    }


# ---------------------------------------------------------------------------------------------
# b. Elbow + silhouette
def bench_elbow(repeat, rfm_csv):
    rfm = pd.read_csv(rfm_csv)
    times, ours_times = [], []
    for _ in range(repeat):  # Interleaved, so that both sides see the same machine load.
        t = time.perf_counter()
        X = StandardScaler().fit_transform(np.log1p(rfm[["recency", "frequency", "monetary"]]))
        inertia, sil = [], []
        for k in range(2, 11):
            km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(X)
            inertia.append(km.inertia_)
            sil.append(silhouette_score(X, km.labels_))
        times.append(time.perf_counter() - t)
        ours = run_ours("elbow", rfm_csv, 2)
        ours_times.append(ours["seconds"][-1])
    ours["seconds"] = ours_times
    return {"sklearn_s": median(times), "ours_s": median(ours["seconds"]),
            "sklearn_runs": times, "ours_runs": ours["seconds"],
            "sklearn_inertia": inertia, "ours_inertia": ours["inertia"],
            "sklearn_silhouette": sil, "ours_silhouette": ours["silhouette"],
            "ours_suggested_k": ours["suggested_k"], "ours_elbow_k": ours["elbow_k"]}


# ---------------------------------------------------------------------------------------------
# c. k-means on 1M x 8 blobs
def bench_kmeans(repeat, tmp, n=1_000_000, d=8, k=8, n_init=10):
    X, _ = make_blobs(n_samples=n, n_features=d, centers=k, cluster_std=1.5, random_state=42)
    X = np.ascontiguousarray(X, dtype=np.float64)
    path = os.path.join(tmp, f"blobs_{n}x{d}.f64")
    X.tofile(path)
    times, ours_times = [], []
    for _ in range(repeat):  # Interleaved, so that both sides see the same machine load.
        t = time.perf_counter()
        km = KMeans(n_clusters=k, n_init=n_init, random_state=0).fit(X)
        times.append(time.perf_counter() - t)
        ours = run_ours("kmeans", path, n, d, k, n_init, 2)
        ours_times.append(ours["seconds"][-1])
    ours["seconds"] = ours_times
    return {"sklearn_s": median(times), "ours_s": median(ours["seconds"]),
            "sklearn_runs": times, "ours_runs": ours["seconds"],
            "sklearn_inertia": km.inertia_, "ours_inertia": ours["inertia"],
            "sklearn_iter": int(km.n_iter_), "ours_iter": ours["iterations"], "n_init": n_init}


# ---------------------------------------------------------------------------------------------
# e. Agglomerative Ward
def bench_ward(tmp, n=20_000):
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import adjusted_rand_score
    X, _ = make_blobs(n_samples=n, n_features=3, centers=5, cluster_std=2.0, random_state=7)
    X = np.ascontiguousarray(X, dtype=np.float64)
    path = os.path.join(tmp, f"ward_{n}x3.f64")
    labels_path = os.path.join(tmp, "ward_labels.txt")
    X.tofile(path)
    t = time.perf_counter()
    scipy_labels = fcluster(linkage(X, "ward"), 5, "maxclust")
    scipy_s = time.perf_counter() - t
    ours = run_ours("ward", n, path, labels_path)
    ours_labels = np.loadtxt(labels_path, dtype=int)
    return {"n": n, "scipy_s": scipy_s, "ours_s": ours["seconds"],
            "ari": adjusted_rand_score(scipy_labels, ours_labels)}


# ---------------------------------------------------------------------------------------------
# d. Scale
def bench_scale(customers=7_000_000, lines=36_000_000, huge_pages=False):
    env = dict(os.environ)
    if huge_pages:
        # glibc 2.35+: malloc asks for transparent huge pages (madvise) on its mmap'd chunks.
        env["GLIBC_TUNABLES"] = "glibc.malloc.hugetlb=1"
    out = subprocess.run(["/usr/bin/time", "-v", BENCH, "scale", str(customers), str(lines)],
                         check=True, capture_output=True, text=True, env=env)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", out.stderr).group(1)
    result["max_rss_gib"] = rss_kb / 1024 / 1024
    result["wall"] = wall
    return result


def load():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def fmt_runs(xs):
    return ", ".join(f"{x:.3f}" for x in xs)


def print_kmeans(c):
    print(f"## c. k-means, 1,000,000 x 8 blobs, k = 8, n_init = {c['n_init']}\n")
    print(f"({load()} after the runs)\n")
    print("| side | median s | runs | inertia | iterations (best run) | ratio |\n"
          "|---|---|---|---|---|---|")
    print(f"| scikit-learn KMeans (lloyd) | {c['sklearn_s']:.3f} | {fmt_runs(c['sklearn_runs'])} "
          f"| {c['sklearn_inertia']:.6e} | {c['sklearn_iter']} | 1 |")
    print(f"| ours KMeans | {c['ours_s']:.3f} | {fmt_runs(c['ours_runs'])} | "
          f"{c['ours_inertia']:.6e} | {c['ours_iter']} | "
          f"**{c['sklearn_s'] / c['ours_s']:.1f}x** faster |")
    print(f"\nInertia ours / sklearn - 1: {c['ours_inertia'] / c['sklearn_inertia'] - 1:+.2e}\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--elbow-repeat", type=int, default=3)
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--only-kmeans", action="store_true", help="run section c alone")
    ap.add_argument("--only-rfm", action="store_true", help="run section a alone")
    ap.add_argument("--rfm-threads", type=int, default=2,
                    help="threads of our RFM aggregation (customer hash shards)")
    args = ap.parse_args()
    if not os.path.exists(BENCH):
        sys.exit(f"{BENCH} not found: build it first (scripts/build analytics_bench)")
    print(f"pandas {pd.__version__}, scikit-learn {sklearn.__version__}, numpy {np.__version__}; "
          f"{os.cpu_count()} cores\n")
    with tempfile.TemporaryDirectory() as tmp:
        if args.only_kmeans:
            print_kmeans(bench_kmeans(args.repeat, tmp))
            return
        a = bench_rfm(args.repeat, tmp, args.rfm_threads)
        print("## a. RFM on Online Retail (parse excluded on both sides)\n")
        print(f"({load()} after the runs)\n")
        print(f"Cleaned rows {a['rows']:,}; customers pandas {a['customers_pandas']:,}, "
              f"ours {a['customers_ours']:,}; same customer set: {a['same_customers']}")
        print(f"Mismatches per column (must all be 0): {a['mismatch']}\n")
        print("| side | median s | runs | ratio |\n|---|---|---|---|")
        print(f"| pandas groupby + qcut | {a['pandas_s']:.4f} | {fmt_runs(a['pandas_runs'])} | 1 |")
        print(f"| ours (aggregate + ScoreRfm) | {a['ours_s']:.4f} | {fmt_runs(a['ours_runs'])} | "
              f"**{a['pandas_s'] / a['ours_s']:.1f}x** faster |\n")
        if args.only_rfm:
            return

        b = bench_elbow(args.elbow_repeat, a["rfm_csv"])
        print("## b. Elbow k = 2..10, n_init = 10, exact silhouette per k (4,338 customers)\n")
        print(f"({load()} after the runs)\n")
        print("| side | median s | runs | ratio |\n|---|---|---|---|")
        print(f"| scikit-learn | {b['sklearn_s']:.3f} | {fmt_runs(b['sklearn_runs'])} | 1 |")
        print(f"| ours (Elbow) | {b['ours_s']:.4f} | {fmt_runs(b['ours_runs'])} | "
              f"**{b['sklearn_s'] / b['ours_s']:.1f}x** faster |\n")
        print("| k | inertia sklearn | inertia ours | ours / sklearn - 1 | silhouette sklearn | "
              "silhouette ours |\n|---|---|---|---|---|---|")
        for i, k in enumerate(range(2, 11)):
            si, oi = b["sklearn_inertia"][i], b["ours_inertia"][i]
            print(f"| {k} | {si:.4f} | {oi:.4f} | {oi / si - 1:+.2e} | "
                  f"{b['sklearn_silhouette'][i]:.4f} | {b['ours_silhouette'][i]:.4f} |")
        worst = max(o / s - 1 for o, s in zip(b["ours_inertia"], b["sklearn_inertia"]))
        print(f"\nWorst inertia excess over sklearn: {worst:+.2e} (target <= +1e-3). "
              f"Ours suggests k = {b['ours_suggested_k']} (best silhouette), "
              f"elbow k = {b['ours_elbow_k']}.\n")

        print_kmeans(bench_kmeans(args.repeat, tmp))

        e = bench_ward(tmp)
        print(f"## e. Agglomerative Ward, {e['n']:,} x 3 blobs, cut into 5 clusters (one run)\n")
        print(f"({load()} after the runs)\n")
        print("| side | s | ratio |\n|---|---|---|")
        print(f"| scipy linkage(ward) + fcluster | {e['scipy_s']:.2f} | 1 |")
        print(f"| ours AgglomerativeWard | {e['ours_s']:.2f} | "
              f"**{e['scipy_s'] / e['ours_s']:.1f}x** faster |")
        print(f"\nAdjusted Rand index between the two partitions: {e['ari']:.6f} (1 = identical)\n")

    if not args.skip_scale:
        print("## d. Scale: synthetic retailer, generated in memory\n")
        print(f"({load()} before the runs)\n")
        print("| malloc | customers | orders | lines | generate s | aggregate s | RFM s | k-means s "
              "(k, iterations) | total s | /usr/bin/time wall | max RSS |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|")
        for huge in (False, True):
            d = bench_scale(huge_pages=huge)
            label = "GLIBC_TUNABLES=glibc.malloc.hugetlb=1" if huge else "default"
            print(f"| {label} | {d['customers']:,} | {d['orders']:,} | {d['lines']:,} | "
                  f"{d['generate_s']:.1f} | {d['aggregate_s']:.1f} | {d['rfm_s']:.1f} | "
                  f"{d['kmeans_s']:.1f} ({d['kmeans_k']}, {d['kmeans_iterations']}) | "
                  f"**{d['total_s']:.1f}** | {d['wall']} | **{d['max_rss_gib']:.2f} GiB** |")
        print(f"\nRFM-scored customers {d['rfm_customers']:,}; failed orders "
              f"{d['failed_orders']}.")


if __name__ == "__main__":
    main()
