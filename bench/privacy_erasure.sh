#!/usr/bin/env bash
# Erasure at benchmark scale (docs/privacy.md): a fresh `clienteled` (every component) gets
# generated omnichannel data (`clientele gen`, ~2.5 records per person, the Online Retail
# invoices spread over the first people's records), RFM, a clustering and a trained model; then
#   1. one person whose records span three channels, merged manually once, is exported and
#      erased (`clientele privacy erase --email=… --wait`), and every read path must answer
#      NOT_FOUND;
#   2. SUBJECTS other people are erased in one request (`clientele privacy erase --file=…
#      --wait`): the request's wall time, and the bytes the server wrote meanwhile
#      (/proc/<pid>/io write_bytes: what the process sent to the storage layer, WAL, flushes
#      and compactions included);
#   3. the server stops, and scripts/privacy-scan reads the whole data dir for the person's
#      e-mail, phones (as sent and E.164), given + family names and street lines (must find
#      none), for a sample of the SUBJECTS' e-mails (none), and for another person's e-mail
#      (must find it: the scan is not blind).
#
# Write amplification of the bulk request is reported two ways:
#   per erased byte = write_bytes / the bytes of the erased people's input events (their lines
#                     of the generated events-jsonl file: the data that came in about them);
#   per store byte  = write_bytes / the size of the data dir before the request (erasure
#                     compacts whole column families, so this is the figure that stays flat as
#                     the number of subjects grows).
#
#   bench/privacy_erasure.sh                        PEOPLE=400000 (about 1M records), 1000 subjects
#   PEOPLE=40000 SUBJECTS=100 bench/privacy_erasure.sh        a smaller run
#
# Environment: PEOPLE (400000), SEED (1), SUBJECTS (1000), SCAN_SAMPLE (10 of the subjects'
# e-mails scanned), ONLINE_RETAIL (../shared/data/online_retail/online_retail.csv, else the
# committed tests/data slice), BIN (build/bin), WORK (a temporary directory; kept when set),
# SERVER_FLAGS (extra clienteled flags). Release binaries: scripts/build clienteled clientele.
# Exits non-zero when a check fails (an erased value found, a read that still answers).
set -euo pipefail
cd "$(dirname "$0")/.."
PEOPLE=${PEOPLE:-400000}
SEED=${SEED:-1}
SUBJECTS=${SUBJECTS:-1000}
SCAN_SAMPLE=${SCAN_SAMPLE:-10}
BIN=${BIN:-build/bin}
ONLINE_RETAIL=${ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv}
[[ -f "$ONLINE_RETAIL" ]] || ONLINE_RETAIL=tests/data/online_retail_sample.csv
keep_work=0
if [[ -n "${WORK:-}" ]]; then
  keep_work=1
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d)
fi
DATA="$WORK/data"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  ((keep_work)) || rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l | xargs printf '%.2f'; }
write_bytes() { awk '/^write_bytes/ {print $2}' "/proc/$pid/io"; }
dir_bytes() { du -sb "$1" | cut -f1; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
say() { echo "== $*" >&2; }

say "load $(cut -d' ' -f1-3 /proc/loadavg); people $PEOPLE, seed $SEED, online retail $ONLINE_RETAIL"
# REUSE=1 with a kept WORK whose import finished: start from the stored data (no gen, import,
# jobs), e.g. to measure the erasure again on a copy of a loaded data dir.
reuse=0
[[ "${REUSE:-0}" == 1 && -e "$WORK/imported" ]] && reuse=1
if ((reuse == 0)); then
  t=$(now)
  "$BIN/clientele" gen --people="$PEOPLE" --seed="$SEED" --online-retail="$ONLINE_RETAIL" \
    --out="$WORK/events.jsonl" --records="$WORK/records.csv" --json >"$WORK/gen.json"
fi
records=$(($(wc -l <"$WORK/records.csv") - 1))
events=$(wc -l <"$WORK/events.jsonl")
((reuse == 1)) || say "gen: $records records, $events events in $(since "$t") s"

rm -f "$WORK/port"

"$BIN/clienteled" --data_dir="$DATA" --listen=127.0.0.1:0 --auth=none --metrics_listen=off \
  --port_file="$WORK/port" --log_level=warn ${SERVER_FLAGS:-} >"$WORK/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do [[ -s "$WORK/port" ]] && break; sleep 0.05; done
[[ -s "$WORK/port" ]] || fail "clienteled did not start: $(tail -5 "$WORK/server.log")"
CLI=("$BIN/clientele" --server="$(head -n 1 "$WORK/port")")

if ((reuse == 0)); then
  t=$(now)
  "${CLI[@]}" import --format=events-jsonl --json "$WORK/events.jsonl" >"$WORK/import.json"
  "${CLI[@]}" sync --timeout=3600 >/dev/null
  import_s=$(since "$t")
  say "import + sync: $import_s s ($(echo "$records / $import_s" | bc) records/s)"
  t=$(now)
  "${CLI[@]}" rfm --timeout=3600 >/dev/null
  "${CLI[@]}" jobs start recluster --k=4 --timeout=3600 --wait >/dev/null
  "${CLI[@]}" jobs start train --max-itemset-size=3 --timeout=3600 --wait >/dev/null
  say "rfm, recluster, train: $(since "$t") s"
  touch "$WORK/imported"
fi

# The person (a household of one, three channels, an e-mail, a phone, a name and a street line
# nobody else's events hold), another such person, and SUBJECTS people with e-mails of their own.
t=$(now)
python3 - "$WORK" "$SUBJECTS" <<'PY'
import collections, csv, json, sys
work, subjects = sys.argv[1], int(sys.argv[2])
person_of, household_of, household_people = {}, {}, collections.defaultdict(set)
with open(f"{work}/records.csv") as f:
    for r in csv.DictReader(f):
        person_of[r["source_key"]] = r["person"]
        household_of[r["person"]] = r["household"]
        household_people[r["household"]].add(r["person"])
def subject(e):
    if "customerUpsert" in e or "consentChange" in e:
        return e["source"]["system"] + "/" + e["source"]["id"]
    c = e.get("order", {}).get("customer")
    return c["system"] + "/" + c["id"] if c else ""
people = collections.defaultdict(lambda: {"keys": set(), "channels": set(), "emails": set(),
    "phones": set(), "names": set(), "families": set(), "lines": set(), "bytes": 0,
    "orders": 0})
holders = collections.defaultdict(set)  # lower-cased value -> people whose upserts hold it
own_text = collections.defaultdict(list)  # The first people's own event lines (bytes).
with open(f"{work}/events.jsonl", "rb") as f:
    all_text = f.read()
for raw in all_text.splitlines():
    e = json.loads(raw)
    p = person_of.get(subject(e))
    if p is None:
        continue
    if int(p) < 10000:
        own_text[p].append(raw)
    d = people[p]
    d["bytes"] += len(raw) + 1
    d["keys"].add(subject(e))
    if "order" in e:
        d["orders"] += 1
    c = e.get("customerUpsert")
    if c is None:
        continue
    d["channels"].add(e.get("channel", ""))
    for field, key in (("email", "emails"), ("phone", "phones")):
        if field in c:
            d[key].add(c[field])
            holders[c[field].lower()].add(p)
    if len(c.get("familyName", "")) >= 3:
        d["families"].add(c["familyName"])
    if "givenName" in c and "familyName" in c:
        d["names"].add(c["givenName"] + " " + c["familyName"])
    for l in c.get("address", {}).get("lines", []):
        d["lines"].add(l)
def alone(p):
    return len(household_people[household_of[p]]) == 1
def own_emails(p):
    d = people[p]
    return d["emails"] and all(holders[v.lower()] == {p} for v in d["emails"])
# Bytes, ASCII case folded (as scripts/privacy-scan matches).
all_text = all_text.lower()
def only_in(p, values):  # No event of anyone else holds any of the values.
    mine = b"\n".join(own_text[p]).lower()
    return all(all_text.count(v.encode().lower()) == mine.count(v.encode().lower())
               for v in values)
# Each value of a person that no other event holds: those are the needles (a landline or a
# name another person shares would be found in that person's data).
chosen, own = [], {}
for p, d in sorted(people.items(), key=lambda kv: int(kv[0])):
    if len(chosen) == 2 or int(p) >= 10000:
        break
    if not (alone(p) and len(d["channels"]) >= 3 and own_emails(p) and d["phones"]
            and d["names"] and d["lines"] and d["orders"] > 0):
        continue
    mine = {key: {v for v in d[key] if only_in(p, [v])}
            for key in ("phones", "names", "lines", "families")}
    if mine["phones"] and mine["names"] and mine["lines"]:
        own[p] = set(d["emails"]).union(*mine.values())
        own[p + "/families"] = mine["families"]
        chosen.append(p)
if len(chosen) < 2:
    sys.exit("no two people with three channels and values of their own")
person, other = chosen
d = people[person]
with open(f"{work}/person.env", "w") as f:
    # A mailbox of the person's own rather than a marketplace's relay address.
    f.write(f"PERSON_EMAIL='{sorted(d['emails'], key=lambda e: ('relay.' in e, e))[0]}'\n")
    f.write(f"OTHER_EMAIL='{sorted(people[other]['emails'])[0]}'\n")
    f.write(f"PERSON_KEYS='{' '.join(sorted(d['keys']))}'\n")
with open(f"{work}/person.needles", "w") as f:
    f.write("".join(v + "\n" for v in sorted(own[person])))
with open(f"{work}/other.needles", "w") as f:
    f.write("".join(v + "\n" for v in sorted(own[other + "/families"])))
picked, erased_bytes, erased_records = [], 0, 0
for p, d in sorted(people.items(), key=lambda kv: -int(kv[0])):  # From the end: no overlap.
    if len(picked) == subjects:
        break
    if p in chosen or not alone(p) or not own_emails(p):
        continue
    picked.append(sorted(d["emails"])[0])
    erased_bytes += d["bytes"]
    erased_records += len(d["keys"])
if len(picked) < subjects:
    sys.exit(f"only {len(picked)} people with e-mails of their own")
with open(f"{work}/subjects.txt", "w") as f:
    f.write("".join(f"email:{e}\n" for e in picked))
with open(f"{work}/subjects.env", "w") as f:
    f.write(f"SUBJECT_BYTES={erased_bytes}\nSUBJECT_RECORDS={erased_records}\n")
PY
# shellcheck disable=SC1091
source "$WORK/person.env"
# shellcheck disable=SC1091
source "$WORK/subjects.env"
say "picked the person, another one and $SUBJECTS subjects ($SUBJECT_RECORDS records," \
  "$SUBJECT_BYTES bytes of input events) in $(since "$t") s"

# One profile for the person's records, merged manually once (split one off, merge it back
# when identity has linked them all already).
declare -A profiles=()
for key in $PERSON_KEYS; do
  id=$("${CLI[@]}" profile get --source="$key" --json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["profile"]["profile_id"])')
  profiles[$id]=1
done
ids=("${!profiles[@]}")
into=${ids[0]}
if ((${#ids[@]} == 1)); then
  last=${PERSON_KEYS##* }
  ids+=("$("${CLI[@]}" profile split --id="$into" --records="$last" --reason=bench --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["new_profile_id"])')")
fi
for id in "${ids[@]}"; do
  [[ "$id" == "$into" ]] && continue
  into=$("${CLI[@]}" profile merge --into="$into" --from="$id" --reason=bench --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["surviving_profile_id"])')
done
E164=$("${CLI[@]}" profile get --email="$PERSON_EMAIL" --json | python3 -c \
  'import json,sys; print(json.load(sys.stdin)["profile"]["golden"]["record"]["phone"])')
echo "$E164" >>"$WORK/person.needles"

t=$(now)
"${CLI[@]}" privacy export --email="$PERSON_EMAIL" --json >"$WORK/export.json"
export_s=$(since "$t")
python3 - "$WORK/export.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
parts = ["subject", "profile", "members", "consents", "identity_audit", "orders", "rfm",
         "segment", "cluster", "interactions", "recommendations", "pii_audit", "exported_at"]
missing = [p for p in parts if p not in doc]
if missing:
    sys.exit(f"export lacks {missing}")
PY
say "export of $PERSON_EMAIL: $export_s s, $(wc -c <"$WORK/export.json") bytes, every part"

wb0=$(write_bytes)
t=$(now)
"${CLI[@]}" privacy erase --email="$PERSON_EMAIL" --reason=bench --wait --timeout=3600 --json \
  >"$WORK/erase_one.json"
erase_one_s=$(since "$t")
erase_one_wb=$(($(write_bytes) - wb0))
grep -qi '"state":"succeeded"' "$WORK/erase_one.json" || fail "erase: $(cat "$WORK/erase_one.json")"
say "erase one person: $erase_one_s s, $erase_one_wb bytes written"
for args in "privacy export --email=$PERSON_EMAIL" "profile get --email=$PERSON_EMAIL" \
  "customer get --id=$into" "recommend --profile=$into"; do
  # shellcheck disable=SC2086
  if "${CLI[@]}" $args >/dev/null 2>"$WORK/err"; then fail "$args still answers"; fi
  grep -qi 'not.found' "$WORK/err" || fail "$args: $(cat "$WORK/err")"
done
"${CLI[@]}" rfm --timeout=3600 --json >"$WORK/rfm_after.json"
if grep -q "\"$into\"" "$WORK/rfm_after.json"; then fail "rfm still scores $into"; fi

store_bytes=$(dir_bytes "$DATA")
wb0=$(write_bytes)
t=$(now)
"${CLI[@]}" privacy erase --file="$WORK/subjects.txt" --reason=bench --wait --timeout=3600 \
  --json >"$WORK/erase_bulk.json"
bulk_s=$(since "$t")
bulk_wb=$(($(write_bytes) - wb0))
grep -qi '"state":"succeeded"' "$WORK/erase_bulk.json" || fail "bulk erase: $(cat "$WORK/erase_bulk.json")"
store_after=$(dir_bytes "$DATA")
wa_subject=$(echo "$bulk_wb / $SUBJECT_BYTES" | bc -l | xargs printf '%.1f')
wa_store=$(echo "$bulk_wb / $store_bytes" | bc -l | xargs printf '%.2f')
say "erase $SUBJECTS people in one request: $bulk_s s; $bulk_wb bytes written;" \
  "data dir $store_bytes -> $store_after bytes; write amplification $wa_subject per erased" \
  "input byte, $wa_store per store byte"
python3 - "$WORK/erase_bulk.json" >&2 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("   steps:", ", ".join("%s %s keys" % (s["service"], s.get("keys_deleted", 0))
                            for s in r.get("steps", [])))
PY

kill -TERM "$pid"
wait "$pid" || fail "clienteled did not stop cleanly"
pid=""

mapfile -t needles <"$WORK/person.needles"
t=$(now)
if ! scripts/privacy-scan "$DATA" "${needles[@]}" >"$WORK/scan_person.txt" 2>"$WORK/scan_person.err"; then
  cat "$WORK/scan_person.txt" "$WORK/scan_person.err" >&2
  fail "the erased person's values are still in $DATA"
fi
scan_s=$(since "$t")
say "scan for the person's ${#needles[@]} values: none found, $scan_s s ($(tail -n 1 "$WORK/scan_person.err"))"
mapfile -t sample < <(head -n "$SCAN_SAMPLE" "$WORK/subjects.txt" | cut -d: -f2-)
if ! scripts/privacy-scan --quiet "$DATA" "${sample[@]}" >"$WORK/scan_bulk.txt" 2>&1; then
  cat "$WORK/scan_bulk.txt" >&2
  fail "erased subjects' e-mails are still in $DATA"
fi
say "scan for ${#sample[@]} of the bulk subjects' e-mails: none found"
status=0
mapfile -t other_needles <"$WORK/other.needles"
scripts/privacy-scan --quiet "$DATA" "$OTHER_EMAIL" "${other_needles[@]}" >"$WORK/scan_other.txt" \
  2>&1 || status=$?
((status == 1)) || fail "the scan did not find another person's e-mail (exit $status)"
for needle in "$OTHER_EMAIL" "${other_needles[@]}"; do
  grep -qF "needle=\"$needle\"" "$WORK/scan_other.txt" || fail "the scan did not find '$needle'"
done
say "scan for another person's e-mail (and family names of theirs alone): found ($(grep -c '^FOUND' "$WORK/scan_other.txt") places)"

printf '| %d records (%d events), %d people erased in one request | %s s | %s bytes written; data dir %s bytes | %s per erased input byte (%s bytes), %s per store byte | scan %s s, 0 found |\n' \
  "$records" "$events" "$SUBJECTS" "$bulk_s" "$bulk_wb" "$store_bytes" "$wa_subject" \
  "$SUBJECT_BYTES" "$wa_store" "$scan_s"
