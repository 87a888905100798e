#!/usr/bin/env bash
# Coverage-guided fuzzing of one target with AFL++ and SharpFuzz.
#   fuzz/run.sh <resp|inline|glob|hll|bitfield|lcs|log|rdb|packet|stack> [minutes, default 10]
# Installs afl++ when missing, restores the sharpfuzz tool, publishes the fuzz project into
# fuzz/out/<target>/bin, instruments Arrakis.Protocol.dll, Arrakis.Server.dll, Arrakis.Persistence.dll and Arrakis.IoBypass.Net.dll there, runs afl-fuzz
# for the given minutes (niced: the machine is shared) on fuzz/corpus/<target>, and prints one
# summary line from AFL's fuzzer_stats. Findings stay in fuzz/out/<target>/findings-<time>/.
# Environment: FUZZ_TIMEOUT_MS (default 2000), FUZZ_NICE (default 19), FUZZ_RESUME=<findings dir>.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:?usage: fuzz/run.sh <resp|inline|glob|hll|bitfield|lcs|log|rdb|packet|stack> [minutes]}"
minutes="${2:-10}"
corpus="$root/fuzz/corpus/$target"
[ -d "$corpus" ] || { echo "run.sh: no corpus folder $corpus" >&2; exit 2; }

if ! command -v afl-fuzz >/dev/null 2>&1; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends afl++ >/dev/null
fi

cd "$root"
dotnet tool restore >/dev/null
out="$root/fuzz/out/$target"
bin="$out/bin"
rm -rf "$bin"
# Own artifacts folder: a campaign's build never shares obj/ with a developer's build or another campaign's.
dotnet publish fuzz/Arrakis.Fuzz/Arrakis.Fuzz.csproj -c Release --artifacts-path "$out/artifacts" -o "$bin" \
  -nologo -v quiet -clp:ErrorsOnly
for dll in Arrakis.Protocol.dll Arrakis.Server.dll Arrakis.Persistence.dll Arrakis.IoBypass.Net.dll; do
  dotnet sharpfuzz "$bin/$dll" >/dev/null
done

input="$corpus"
[ -n "${FUZZ_RESUME:-}" ] && input="-"
dict=()
[ -f "$root/fuzz/dict/$target.dict" ] && dict=(-x "$root/fuzz/dict/$target.dict")

# dotnet is not an AFL-instrumented binary (SharpFuzz instruments the .NET assemblies and talks
# AFL's fork-server protocol itself), hence AFL_SKIP_BIN_CHECK; the other switches suit a shared,
# headless machine: no CPU binding, no core_pattern or governor demands, a slow .NET start.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 \
       AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000 AFL_AUTORESUME=1 \
       AFL_SHUFFLE_QUEUE=1 DOTNET_TieredCompilation=0 DOTNET_TieredPGO=0
# A start can fail now and then on a loaded machine ("No instrumentation detected" in the dry run):
# one more try in a fresh folder.
for attempt in 1 2; do
  findings="${FUZZ_RESUME:-$out/findings-$(date -u +%Y%m%dT%H%M%SZ)}"
  echo "run.sh: fuzzing $target for $minutes min -> $findings"
  nice -n "${FUZZ_NICE:-19}" afl-fuzz -i "$input" -o "$findings" -t "${FUZZ_TIMEOUT_MS:-2000}" -m none \
    -V $((minutes * 60)) "${dict[@]}" -- dotnet "$bin/Arrakis.Fuzz.dll" "$target" > "$findings.log" 2>&1 || {
    status=$?
    echo "run.sh: afl-fuzz stopped early (exit $status); last lines of $findings.log:" >&2
    tail -n 12 "$findings.log" | grep -v 'Fuzzing test case' >&2; }
  [ -f "$findings/default/fuzzer_stats" ] && break
  sleep 5
done

stats="$findings/default/fuzzer_stats"
[ -f "$stats" ] || { echo "run.sh: no $stats" >&2; exit 1; }
get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
echo "$target: $(( $(get run_time) / 60 )) of ${minutes} min, execs $(get execs_done), $(get execs_per_sec) execs/s," \
     "corpus $(get corpus_count), bitmap $(get bitmap_cvg), crashes $(get saved_crashes), hangs $(get saved_hangs)" \
     "($findings)"
