#!/usr/bin/env bash
# Renders k8s/base and every overlay of k8s/overlays with kustomize and validates every object
# offline (tools/k8s-validate: the Kubernetes schemas of npm kubernetes-models, the
# prometheus-operator and KEDA models, a Strimzi subset schema, and the deployment rules of
# tools/k8s-validate/invariants.js, alert PromQL parsed). Also checks the sources: the image
# named once (kustomize images:), the partition count given once per root, no patch that
# addresses an argument by its index, every metric an alert uses documented.
#
# Rendering needs kustomize v4 or later: `kubectl kustomize` (kubectl 1.21+) or `kustomize`.
# Debian 12 packages neither (its kubernetes-client is kubectl 1.20 with kustomize v2, which
# lacks components, replacements and labels). Without one, this script validates the schema of
# every complete object in k8s/ (the resource files, not the patches), says what it skipped,
# and exits 77, which ctest reports as skipped. CLIENTELE_KUSTOMIZE=/path/to/kustomize picks a
# binary; CLIENTELE_KUSTOMIZE=none takes the path of a machine without one.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

fail() {
  echo "manifests_test: FAIL: $*" >&2
  exit 1
}

node_path="$(tools/k8s-validate/install --check)" ||
  fail "the validator's npm packages are not installed: run scripts/setup"
export NODE_PATH="$node_path"
validate() { node tools/k8s-validate/validate.js "$@"; }

# --- Sources -------------------------------------------------------------------------------
if grep -rnE 'path: */spec/.*/args/[0-9]' k8s; then
  fail "a patch addresses an argument by its index (above): give the value through the ConfigMap"
fi
images="$(grep -rhoE '^\s*image:\s*\S+' k8s | awk '{print $2}' | sort -u)"
[[ "$images" == "clienteled" ]] ||
  fail "manifests must name the image 'clienteled' (set by kustomize images: once), found: $images"
image_rules="$(grep -rl 'newName:' k8s)"
[[ "$image_rules" == "k8s/components/common/kustomization.yaml" ]] ||
  fail "the image must be set in k8s/components/common only, found in: $image_rules"
if grep -rnE -- '--partition_count=[^$]' k8s; then
  fail "a literal --partition_count (above): use \$(CLIENTELE_PARTITION_COUNT)"
fi
count_files="$(grep -rlE 'CLIENTELE_PARTITION_COUNT=[0-9]' k8s | sort | tr '\n' ' ')"
[[ "$count_files" == "k8s/base/kustomization.yaml k8s/overlays/dev/kustomization.yaml k8s/overlays/production/kustomization.yaml " ]] ||
  fail "the partition count must be set in the ConfigMap of base, dev and production only, found in: $count_files"
for f in $count_files; do
  [[ "$(grep -cE 'CLIENTELE_PARTITION_COUNT=[0-9]' "$f")" == 1 ]] || fail "$f sets the partition count more than once"
done
# Every metric an alert uses is one the servers export (the table of docs/operations.md, "Metrics").
for metric in $(grep -ohE '\b(clientele|grpc_server)_[a-z_]+' k8s/components/monitoring/alerts.yaml | sort -u); do
  grep -q "^| \`$metric\`" docs/operations.md ||
    fail "alert metric $metric is not in docs/operations.md, \"Metrics\" (a misspelt name never fires)"
done
echo "manifests_test: sources: one image reference, partition count once per root, no argument-index" \
  "patches, alert metrics documented"

# --- Renderer ------------------------------------------------------------------------------
kustomize_major() {  # prints the major version of a kustomize version string, 0 if none
  local v
  v="$(grep -oE 'v[0-9]+\.[0-9]+' <<<"$1" | head -1)"
  [[ -n "$v" ]] && echo "${v:1}" | cut -d. -f1 || echo 0
}
render=()
why=""
if [[ "${CLIENTELE_KUSTOMIZE:-}" == "none" ]]; then
  why="CLIENTELE_KUSTOMIZE=none"
elif [[ -n "${CLIENTELE_KUSTOMIZE:-}" ]]; then
  render=("$CLIENTELE_KUSTOMIZE" build)
elif command -v kubectl >/dev/null; then
  version="$(kubectl version --client 2>/dev/null | grep -i kustomize || true)"
  if (($(kustomize_major "$version") >= 4)); then
    render=(kubectl kustomize)
  else
    why="kubectl here has kustomize '${version:-unknown}', older than v4"
  fi
fi
if ((${#render[@]} == 0)) && [[ -z "$why" || "$why" != CLIENTELE_KUSTOMIZE* ]] &&
  command -v kustomize >/dev/null; then
  if (($(kustomize_major "$(kustomize version 2>/dev/null)") >= 4)); then
    render=(kustomize build)
  else
    why="${why:+$why; }kustomize here is older than v4"
  fi
fi

if ((${#render[@]} == 0)); then
  # Complete objects only: the files listed under `resources:` (patches are partial objects).
  mapfile -t sources < <(for k in $(find k8s -name kustomization.yaml); do
    dir="$(dirname "$k")"
    sed -n '/^resources:/,/^[a-z]/p' "$k" | { grep -oE '^\s+- \S+\.yaml' || true; } | awk -v d="$dir" '{print d "/" $2}'
  done | sort -u)
  validate --schema-only "${sources[@]}" || fail "a manifest in k8s/ does not match its schema"
  echo "manifests_test: SKIPPED: rendering the overlays and the deployment rules on the rendered" \
    "objects (${why:-no kubectl or kustomize}): only the ${#sources[@]} resource files were" \
    "validated against their schemas. Install kubectl 1.21+ or kustomize v4+ to run it all."
  exit 77
fi

# --- Render and validate every overlay ----------------------------------------------------
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
targets=(k8s/base)
for dir in k8s/overlays/*/; do targets+=("${dir%/}"); done
rendered=()
for target in "${targets[@]}"; do
  file="$out/$(basename "$target").yaml"
  "${render[@]}" "$target" >"$file" 2>"$out/stderr" || {
    cat "$out/stderr" >&2
    fail "${render[*]} $target did not render"
  }
  rendered+=("$file")
done
echo "manifests_test: rendered ${targets[*]} with ${render[*]}"
validate "${rendered[@]}" || fail "a rendered manifest is invalid (above)"

# The overlays the issue names render the way they say.
grep -q -- '--services=all' "$out/dev.yaml" || fail "dev does not run --services=all"
for tier in recommender-serving identity-replica; do
  grep -q -- "--services=$tier" "$out/production.yaml" || fail "production has no $tier"
done
grep -q 'CLIENTELE_PARTITION_COUNT: "3"' "$out/production.yaml" || fail "production does not have 3 partitions"
grep -q 'kind: ServiceMonitor' "$out/monitoring.yaml" || fail "monitoring has no ServiceMonitor"
grep -q 'kind: PrometheusRule' "$out/monitoring.yaml" || fail "monitoring has no PrometheusRule"
grep -q -- '--log=kafka' "$out/kafka.yaml" || fail "kafka does not start the components with --log=kafka"

# And an invalid manifest fails: the validator's exit status is what this test relies on.
if validate tests/k8s/fixtures/invalid-replicas.yaml >"$out/invalid.txt"; then
  fail "the validator accepted tests/k8s/fixtures/invalid-replicas.yaml"
fi
grep -q '/spec/replicas must be integer' "$out/invalid.txt" || fail "unexpected validator output: $(cat "$out/invalid.txt")"
echo "manifests_test: every overlay renders and validates; an invalid object is refused"
