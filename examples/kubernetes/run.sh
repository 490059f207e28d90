#!/bin/bash
# Trains the spec of the ConfigMap vanish-spec in shards, waits for every index, then merges:
#   kubectl create configmap vanish-spec --from-file=spec.json=Reports/quick.json
#   examples/kubernetes/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kubectl apply -f "$here/storage.yaml"
kubectl apply -f "$here/shards-job.yaml"
kubectl wait --for=condition=complete --timeout=24h job/vanish-shards
kubectl apply -f "$here/merge-job.yaml"
kubectl wait --for=condition=complete --timeout=1h job/vanish-merge
kubectl logs job/vanish-merge
