#!/bin/sh
# Periodic retraining, meant for cron: trains a candidate scorer on the public data plus the labels
# the decision log has gathered (feedback, shadow verdicts), and promotes it only past the
# regression gate; running gateways swap to a promoted version within seconds. A rejected
# candidate is kept with its reason (`triage models list`). Arguments go to `triage retrain`, e.g.
# (nightly at 03:00, labels of the last 30 days):
#   0 3 * * * TRIAGE_DB=/var/lib/triage/triage.db /opt/triage/scripts/retrain-cron.sh --config /etc/triage.yaml --since 30d
# Only one retrain runs at a time (a lock folder beside the decision log).
set -eu
cd "$(dirname "$0")/.."
lock="${TRIAGE_DB:-triage.db}.retrain.lock"
if ! mkdir "$lock" 2>/dev/null; then
  echo "[$(date -u +%Y-%m-%dT%H:%M:%SZ)] another retrain holds $lock; skipping"
  exit 0
fi
trap 'rmdir "$lock"' EXIT INT TERM
echo "[$(date -u +%Y-%m-%dT%H:%M:%SZ)] triage retrain $*"
node bin/triage.js retrain "$@"
