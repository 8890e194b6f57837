# Reading helm/platform.yaml with the jq-style yq (Debian's): release names
# hold dashes, so keys are quoted, and -r prints raw strings. Sourced by
# scripts/check-platform-charts.sh and by helm/README.md's install steps.

# pin RELEASE FIELD: e.g. pin kube-prometheus-stack version
pin() { yq -r ".releases.\"$1\".$2" helm/platform.yaml; }

# pinned_values RELEASE: its values files as helm flags, one word per line
# (read them with mapfile).
pinned_values() {
  yq -r ".releases.\"$1\".valuesFiles[]" helm/platform.yaml | while read -r f; do
    printf -- '--values\nhelm/%s\n' "$f"
  done
}
