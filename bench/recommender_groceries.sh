#!/usr/bin/env bash
# Frequent itemsets / association rules on arules' Groceries, and content similarity on
# Online Retail product descriptions and on caller-supplied vectors.
#
#   bench/recommender_groceries.sh [RUNS=51]   (needs build/bin/recommender_groceries_bench:
#                                              scripts/build recommender_groceries_bench)
#
# Prints the figures of bench/results/recommender_rules.md. A side-by-side peer run needs
# an FP-Growth / Apriori implementation from Debian: the script checks for the usual ones
# (python3-mlxtend, r-cran-arules) and says when none is installable.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-51}
GROCERIES=${CLIENTELE_GROCERIES:-../shared/data/groceries/groceries.csv}
RETAIL=${CLIENTELE_ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv}
BENCH=build/bin/recommender_groceries_bench
[[ -x $BENCH ]] || { echo "$BENCH missing: scripts/build recommender_groceries_bench" >&2; exit 1; }
[[ -f $GROCERIES ]] || { echo "missing $GROCERIES" >&2; exit 1; }

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== Groceries, FP-Growth at support 0.001, rules at confidence 0.8 ($RUNS runs)"
for threads in 1 2; do
  $BENCH groceries "$GROCERIES" --support=0.001 --confidence=0.8 --runs="$RUNS" --threads="$threads"
done
echo "== Groceries, other supports (1 thread)"
for s in 0.01 0.005 0.0005; do
  $BENCH groceries "$GROCERIES" --support="$s" --confidence=0.5 --runs=11 | tail -n 1
done

echo "== peers from Debian"
peer=""
for p in python3-mlxtend r-cran-arules; do
  cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [[ -n "$cand" && "$cand" != "(none)" ]]; then peer="$p"; fi
  echo "$p: candidate ${cand:-none}"
done
[[ -z "$peer" ]] && echo "no FP-Growth/Apriori peer is packaged in Debian 12: no side-by-side run"

if [[ -f $RETAIL ]]; then
  echo "== Online Retail descriptions, TF-IDF similar items (k=10, 1000 queries)"
  $BENCH similar "$RETAIL" --mode=exact --queries=1000
  $BENCH similar "$RETAIL" --mode=hnsw --queries=1000
fi
echo "== caller-supplied vectors, 20,000 x 384 (synthetic), HNSW vs brute force (k=10)"
$BENCH vectors --n=20000 --dim=384 --queries=1000 --threads=2
