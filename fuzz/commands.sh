#!/usr/bin/env bash
# Soak run of the differential command fuzzer (tests/Arrakis.Integration.Tests/Fuzzing).
# Usage: fuzz/commands.sh [commands-per-protocol] [seed]
# Builds the integration tests once, runs CommandFuzzTests with ARRAKIS_FUZZ_COMMANDS/ARRAKIS_FUZZ_SEED
# (RESP2 uses the seed, RESP3 seed+1), writes the full report (known differences included) to
# fuzz/out/commands-<seed>-<count>.txt and prints one summary line per protocol.
# The command stream is generated on the fly and only the steps since the last checkpoint (FLUSHALL,
# every 2000 commands) are kept, so millions of commands run in bounded memory.
set -euo pipefail
count="${1:-20000}"
seed="${2:-$(( $(date +%s) % 1000000 ))}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/fuzz/out"
mkdir -p "$out"
report="$out/commands-$seed-$count.txt"
rm -f "$report"

dotnet build "$root/tests/Arrakis.Integration.Tests" -c Release -nologo -v quiet -clp:ErrorsOnly
set +e
ARRAKIS_FUZZ_COMMANDS="$count" ARRAKIS_FUZZ_SEED="$seed" ARRAKIS_FUZZ_REPORT="$report" \
  dotnet test "$root/tests/Arrakis.Integration.Tests" -c Release --no-build \
  --filter "FullyQualifiedName~Arrakis.Integration.Tests.Fuzzing.CommandFuzzTests" > "$out/commands-$seed-$count.log" 2>&1
status=$?
set -e
if [[ ! -s "$report" ]]; then
  echo "fuzz run failed before writing a report (exit $status); see $out/commands-$seed-$count.log" >&2
  tail -n 30 "$out/commands-$seed-$count.log" >&2
  exit 2
fi
grep -a '^RESP' "$report"
# RESPn seed S: commands C, differences D (+K known), crashes X, hangs H, redis failures R, T s
grep -a '^RESP' "$report" | sed 's/[^0-9 ]/ /g' | awk '{c+=$3; d+=$4; k+=$5; x+=$6; h+=$7} END {printf "summary: commands %d, differences %d (+%d known), crashes %d, hangs %d\n", c, d, k, x, h}'
echo "report: $report"
exit $status
