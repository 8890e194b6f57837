#!/bin/sh
# /readyz of this release through the ingress, on its own host (each
# chatbot has one, from deploy/values.yaml), retried while the load
# balancer picks the new pods up.
. "$(dirname "$0")/lib.sh"
require INGRESS_HOST
url="https://${INGRESS_HOST}/readyz"
for attempt in $(seq 1 "${SMOKE_ATTEMPTS:-20}"); do
  if node -e "fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$url"; then
    echo "smoke: $url answered 200 (attempt $attempt)"
    exit 0
  fi
  sleep "${SMOKE_INTERVAL:-6}"
done
echo "smoke: $url did not answer 200" >&2
exit 1
