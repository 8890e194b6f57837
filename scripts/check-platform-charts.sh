#!/usr/bin/env bash
# Renders every release helm/platform.yaml pins, at its pinned version with
# its values files, plus this repository's own charts, and validates the
# manifests with kubeconform (Kubernetes schemas, and the CRD schemas from
# the datree catalog for ServiceMonitor, PrometheusRule and the like). A value
# an upstream chart's schema refuses fails `helm template`; a manifest a
# cluster would refuse fails kubeconform. Needs helm, kubeconform and yq (as
# the platform pipeline's helm pod has them); no cluster.
#   bash scripts/check-platform-charts.sh [kubernetes version, default 1.33.0]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/platform.sh
kube_version="${1:-1.33.0}"
for tool in helm kubeconform yq; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

validate() {
  kubeconform -strict -summary -kubernetes-version "$kube_version" \
    -schema-location default \
    -schema-location 'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json' \
    "$1"
}

failed=0
for release in $(yq -r '.releases | keys | .[]' helm/platform.yaml); do
  mapfile -t values < <(pinned_values "$release")
  echo "==> $release $(pin "$release" chart) $(pin "$release" version)"
  if helm template "$release" "$(pin "$release" chart)" --repo "$(pin "$release" repo)" \
    --version "$(pin "$release" version)" --namespace "$(pin "$release" namespace)" \
    --kube-version "$kube_version" "${values[@]}" >"$out/$release.yaml" &&
    validate "$out/$release.yaml"; then :; else
    echo "FAILED: $release" >&2
    failed=1
  fi
done
for chart in model-serving chatbot-platform; do
  echo "==> $chart (local)"
  set_values=()
  [ "$chart" = chatbot-platform ] && set_values=(--set gcpProject=example-project)
  if helm template "$chart" "helm/$chart" --namespace chatbots --kube-version "$kube_version" \
    "${set_values[@]}" >"$out/$chart.yaml" && validate "$out/$chart.yaml"; then :; else
    echo "FAILED: $chart" >&2
    failed=1
  fi
done
exit "$failed"
