#!/usr/bin/python3
"""The usual RFM notebook in pandas, compared row by row with `clientele rfm --json`.

    /usr/bin/python3 bench/rfm_vs_pandas.py ONLINE_RETAIL.csv CLIENTELE_RFM.jsonl

Notebook steps: drop rows without CustomerID, drop cancellations (InvoiceNo starting with C)
and rows with Quantity <= 0 or UnitPrice <= 0; TotalPrice = Quantity * UnitPrice; reference
date = the day after the last invoice day; per customer recency = (reference - last
InvoiceDate).days, frequency = InvoiceNo.nunique(), monetary = sum(TotalPrice); R, F, M =
qcut(rank(method="first"), 5); segment = the R-F regex map. Prints one JSON object with the
counts of customers and of mismatches per field.
"""
import json
import sys
import time

import pandas as pd

SEG_MAP = {
    r"11": "Lost",
    r"[1-2][1-2]": "Hibernating",
    r"[1-2][3-4]": "At Risk",
    r"[1-2]5": "Can't Lose Them",
    r"3[1-2]": "About to Sleep",
    r"33": "Need Attention",
    r"[3-4][4-5]": "Loyal Customers",
    r"41": "Promising",
    r"51": "New Customers",
    r"[4-5][2-3]": "Potential Loyalists",
    r"5[4-5]": "Champions",
}


def notebook(path):
    df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str})
    df = df.dropna(subset=["CustomerID"])
    df = df[~df["InvoiceNo"].str.startswith("C")]
    df = df[(df["Quantity"] > 0) & (df["UnitPrice"] > 0)]
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
    for pattern, name in SEG_MAP.items():  # First match wins (11 before [1-2][1-2]).
        hit = rf.str.fullmatch(pattern) & segment.isna()
        segment[hit] = name
    rfm["segment"] = segment
    rfm.index = [str(int(c)) for c in rfm.index]
    return rfm, reference


def main():
    csv_path, jsonl_path = sys.argv[1], sys.argv[2]
    start = time.monotonic()
    rfm, reference = notebook(csv_path)
    pandas_seconds = time.monotonic() - start
    ours = {}
    with open(jsonl_path) as f:
        for line in f:
            row = json.loads(line)
            assert len(row["source_ids"]) == 1, row
            ours[row["source_ids"][0].split(":", 1)[1]] = row
    mismatches = {k: 0 for k in ["missing", "extra", "recency_days", "frequency", "monetary",
                                 "r", "f", "m", "segment"]}
    examples = []
    for customer, p in rfm.iterrows():
        o = ours.get(customer)
        if o is None:
            mismatches["missing"] += 1
            continue
        for field, expected in [("recency_days", int(p["recency"])),
                                ("frequency", int(p["frequency"])),
                                ("r", int(p["R"])), ("f", int(p["F"])), ("m", int(p["M"])),
                                ("segment", p["segment"])]:
            if o[field] != expected:
                mismatches[field] += 1
                if len(examples) < 10:
                    examples.append({"customer": customer, "field": field,
                                     "pandas": expected, "clientele": o[field]})
        if abs(o["monetary"] - float(p["monetary"])) > 1e-6 * max(1.0, abs(float(p["monetary"]))):
            mismatches["monetary"] += 1
            if len(examples) < 10:
                examples.append({"customer": customer, "field": "monetary",
                                 "pandas": float(p["monetary"]), "clientele": o["monetary"]})
    mismatches["extra"] = len(set(ours) - set(rfm.index))
    print(json.dumps({"customers_pandas": len(rfm), "customers_clientele": len(ours),
                      "reference_date": str(reference.date()),
                      "mismatched_customers_fields": mismatches,
                      "mismatches_total": sum(mismatches.values()),
                      "pandas_seconds": round(pandas_seconds, 3), "examples": examples}))


if __name__ == "__main__":
    main()
