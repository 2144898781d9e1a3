#!/bin/bash
# bench:gateway-cpu: CPU time per request of the bare node:http proxy and of `triage serve` builds
# (pass-through model), measured in interleaved rounds so that every target meets the same load of a
# shared machine: user+system time of the proxy process (from /proc/<pid>/stat) over a fixed number
# of requests, its context switches, and req/s. All proxies run at once against one fake upstream;
# autocannon (scripts/bench/load.ts) loads one at a time. Bounded: fixed counts.
# Usage: C=64 scripts/bench-gateway-cpu.sh REQUESTS ROUNDS DIR [DIR...]
#   each DIR is a checkout with dist/ built (this one: .); C is the connection count (default 16).
set -u
N=$1; R=$2; shift 2
cd "$(dirname "$0")/.."
W=$(mktemp -d)
node --import tsx scripts/bench/upstream.ts > $W/up.log 2>&1 &
UP=$!
sleep 4
UPURL=$(grep -o '"url":"[^"]*"' $W/up.log | head -1 | cut -d'"' -f4)
cat > $W/cfg.json <<J
{"providers":{"fake":{"baseUrl":"$UPURL"}},"models":{"strong":{"provider":"fake","id":"fake-strong","pricePerMTok":{"input":2,"output":8}},"weak":{"provider":"fake","id":"fake-weak","pricePerMTok":{"input":0.1,"output":0.2}}},"routers":{"default":{"strong":"strong","weak":"weak","scorer":"random","threshold":0.5}},"server":{"host":"127.0.0.1"}}
J
PIDS=(); URLS=(); NAMES=(); MODELS=()
node --import tsx scripts/bench/bare-proxy.ts --upstream $UPURL --client http > $W/bare.log 2>&1 &
PIDS+=($!); NAMES+=(bare); MODELS+=(fake-strong); LOGS=($W/bare.log)
i=0
for d in "$@"; do
  LOG_LEVEL=info node $d/bin/triage.js serve --host 127.0.0.1 --port 0 --config $W/cfg.json --db $W/t$i.db > $W/t$i.log 2>&1 &
  PIDS+=($!); NAMES+=($d); MODELS+=(strong); LOGS+=($W/t$i.log); i=$((i+1))
done
sleep 10
P='Explain the difference between a mutex and a semaphore, with an example in C. Explain the difference between a mutex and a semaphore, with an example in C. Explain the difference between a mutex and a semaphore, with an example in C. Explain the difference between a mutex and a semaphore, with an example in C. '
for k in "${!PIDS[@]}"; do URLS+=($(grep -o '"url":"[^"]*"' ${LOGS[$k]} | head -1 | cut -d'"' -f4)); done
job() { echo "{\"url\":\"$1/v1/chat/completions\",\"body\":$(node -e "console.log(JSON.stringify(JSON.stringify({model:process.argv[2],messages:[{role:'user',content:process.argv[1]}]})))" "$P" "$2"),\"connections\":${C:-16},\"durationS\":1,\"amount\":$3}"; }
for k in "${!PIDS[@]}"; do node --import tsx scripts/bench/load.ts "$(job ${URLS[$k]} ${MODELS[$k]} 3000)" > /dev/null; done
for r in $(seq $R); do
  for k in "${!PIDS[@]}"; do
    pid=${PIDS[$k]}
    a=$(awk "{print \$14+\$15}" /proc/$pid/stat); au=$(awk "{print \$14}" /proc/$pid/stat); cs0=$(grep -E "^(non)?voluntary_ctxt_switches" /proc/$pid/status | awk "{s+=\$2} END {print s}")
    rps=$(node --import tsx scripts/bench/load.ts "$(job ${URLS[$k]} ${MODELS[$k]} $N)" | grep -o '"reqPerSec":[0-9]*' | cut -d: -f2)
    b=$(awk "{print \$14+\$15}" /proc/$pid/stat); bu=$(awk "{print \$14}" /proc/$pid/stat); cs1=$(grep -E "^(non)?voluntary_ctxt_switches" /proc/$pid/status | awk "{s+=\$2} END {print s}")
    echo "round $r ${NAMES[$k]}: $(( (b-a)*10000000/N/1000 )) us CPU/request (user $(( (bu-au)*10000000/N/1000 ))), $(( (cs1-cs0)*100/N )) ctx switches per 100 req, $rps req/s"
  done
done
kill ${PIDS[@]} $UP
sleep 1
rm -rf "$W"
