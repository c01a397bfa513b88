#!/bin/bash
# Preliminary API load check with wrk (bench/api_load.py drives wrk with more care once it lands):
#   bench/wrk/run.sh SCRIPT.lua SECONDS CONNECTIONS URL PID...
# posts with wrk -t1, then prints req/s, p50/p90/p99 (ms), errors, and the server's CPU per request (user and
# system, summed over PID... : the server and its workers, read from /proc before and after), and `uptime`.
set -euo pipefail
script=$1; seconds=$2; connections=$3; url=$4; shift 4
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cpu() { local u=0 s=0; for p in "$@"; do read -r a b < <(awk '{print $14, $15}' "/proc/$p/stat"); u=$((u + a)); s=$((s + b)); done; echo "$u $s"; }
read -r u0 s0 < <(cpu "$@")
out=$(wrk -t1 -c"$connections" -d"${seconds}s" -s "$script" "$url")
read -r u1 s1 < <(cpu "$@")
echo "$out" | grep RESULT
n=$(echo "$out" | grep -oP '\d+(?= requests in)')
python3 -c "
hz, n, secs = $(getconf CLK_TCK), $n, $seconds
u, s = ($u1 - $u0) / hz, ($s1 - $s0) / hz
print(f'server cpu {100 * (u + s) / secs:.0f} %; per request {1000 * (u + s) / n:.2f} ms (user {1000 * u / n:.2f}, system {1000 * s / n:.2f})')"
uptime
