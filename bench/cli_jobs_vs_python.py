#!/usr/bin/python3
"""The Python side of bench/cli_jobs_vs_python.sh: one process that does what one CLI call does.

    /usr/bin/python3 bench/cli_jobs_vs_python.py rfm ONLINE_RETAIL.csv     (pandas)
    /usr/bin/python3 bench/cli_jobs_vs_python.py elbow ONLINE_RETAIL.csv   (scikit-learn)

rfm:   the usual notebook (bench/rfm_vs_pandas.py): read the CSV, clean, per-customer recency /
       frequency / monetary, qcut R/F/M, segments; prints one JSON object per customer (as
       `clientele rfm --json` does).
elbow: the same RFM table, features log1p(recency), log1p(frequency), log1p(monetary)
       standardized (as `--features=rfm`), KMeans k = 2..10 with n_init=10, and the exact
       silhouette per k; prints k, inertia and silhouette per k as JSON.
The last line on stderr is the seconds spent after the imports and the CSV read ("compute").
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rfm_vs_pandas import SEG_MAP  # noqa: E402


def notebook(df):
    df = df.dropna(subset=["CustomerID"])
    df = df[~df["InvoiceNo"].str.startswith("C")]
    df = df[(df["Quantity"] > 0) & (df["UnitPrice"] > 0)].copy()
    df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"])
    df["TotalPrice"] = df["Quantity"] * df["UnitPrice"]
    reference = df["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    rfm = df.groupby("CustomerID").agg(
        recency=("InvoiceDate", lambda d: (reference - d.max()).days),
        frequency=("InvoiceNo", "nunique"),
        monetary=("TotalPrice", "sum"),
    )
    rfm["R"] = pd.qcut(rfm["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1])
    rfm["F"] = pd.qcut(rfm["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    rfm["M"] = pd.qcut(rfm["monetary"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    rf = rfm["R"].astype(str) + rfm["F"].astype(str)
    segment = pd.Series(index=rfm.index, dtype=object)
    for pattern, name in SEG_MAP.items():
        segment[rf.str.fullmatch(pattern) & segment.isna()] = name
    rfm["segment"] = segment
    return rfm


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "elbow":
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score
        from sklearn.preprocessing import StandardScaler
    df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str})
    start = time.perf_counter()
    rfm = notebook(df)
    if mode == "rfm":
        out = rfm.reset_index()
        out["CustomerID"] = out["CustomerID"].astype(int).astype(str)
        sys.stdout.write(out.to_json(orient="records", lines=True))
    else:
        X = StandardScaler().fit_transform(
            np.log1p(rfm[["recency", "frequency", "monetary"]].astype(float).to_numpy()))
        scores = []
        for k in range(2, 11):
            km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(X)
            scores.append({"k": k, "inertia": float(km.inertia_),
                           "silhouette": float(silhouette_score(X, km.labels_))})
        print(json.dumps({"profiles": len(rfm), "k_scores": scores}))
    print(f"{time.perf_counter() - start:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
