#!/usr/bin/env python3
"""Cuts tests/data/online_retail_sample.csv out of the full UCI Online Retail file.

Usage: make_online_retail_sample.py FULL.csv > online_retail_sample.csv

Keeps the header, the first 4,011 data rows (through invoice 536742, the invoice that holds
data row 4,000, so the cut falls on an invoice boundary), then a few whole invoices from later
in the file, in file order. Lines are copied byte for byte (the full file has no line breaks
inside quoted fields, so one data row is one line).
"""
import sys

# Whole invoices picked from later in the file, and why.
PICKED = {
    "542806": "non-contiguous: its 39 rows are split by C542805",
    "C542805": "the 2 rows that split 542806",
    "544193": "customer 12431 in Belgium (Australia in invoice 536389 above)",
    "C544827": "cancellation with a CustomerID",
    "544832": "non-C negative quantity stock adjustment, no CustomerID, empty Description",
    "545832": "guest invoice (no CustomerID)",
    "546749": "quoted descriptions with a comma",
    "546852": "quoted description with \"\" escapes",
    "A563186": "Adjust bad debt: negative UnitPrice -11062.06",
    "568375": "BANK CHARGES with a 0.001 (sub-penny) UnitPrice",
}
LAST_HEAD_INVOICE = "536742"


def main():
    with open(sys.argv[1], "rb") as f:
        lines = f.read().split(b"\n")
    out = [lines[0]]
    i = 1
    while True:  # The head: through the end of LAST_HEAD_INVOICE's first run.
        invoice = lines[i].split(b",", 1)[0].decode()
        if out and invoice != LAST_HEAD_INVOICE and \
                out[-1].split(b",", 1)[0].decode() == LAST_HEAD_INVOICE:
            break
        out.append(lines[i])
        i += 1
    for line in lines[i:]:
        if line and line.split(b",", 1)[0].decode() in PICKED:
            out.append(line)
    sys.stdout.buffer.write(b"\n".join(out) + b"\n")


if __name__ == "__main__":
    main()
