#!/bin/sh
# Periodic recalibration, meant for cron: refits a router's threshold on its recent logged traffic
# and stores a new calibration, which running gateways pick up within seconds. Arguments go to
# `triage calibrate`, e.g. (hourly, last 7 days, 30% strong):
#   0 * * * * TRIAGE_DB=/var/lib/triage/triage.db /opt/triage/scripts/calibrate-cron.sh --router default --strong-share 0.3 --window 7d
# or, nightly, a quality floor on the feedback the log collected over 30 days:
#   0 3 * * * TRIAGE_DB=/var/lib/triage/triage.db /opt/triage/scripts/calibrate-cron.sh --router default --quality 0.95 --window 30d
set -eu
cd "$(dirname "$0")/.."
echo "[$(date -u +%Y-%m-%dT%H:%M:%SZ)] triage calibrate $*"
exec node bin/triage.js calibrate --svg "${TRIAGE_CALIBRATION_SVG:--}" "$@"
