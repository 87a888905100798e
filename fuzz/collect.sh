#!/usr/bin/env bash
# Folds what AFL found back into the corpus: fuzz/collect.sh <target>
# Minimises (afl-cmin) the corpus together with every queue under fuzz/out/<target>/findings-*/,
# then adds the queue entries that carry coverage of their own to fuzz/corpus/<target>/ as q-<hash>
# files. Named files (hand-written seeds, crash-* inputs) always stay. Needs the instrumented build
# that fuzz/run.sh left in fuzz/out/<target>/bin.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:?usage: fuzz/collect.sh <target>}"
corpus="$root/fuzz/corpus/$target"
bin="$root/fuzz/out/$target/bin"
[ -f "$bin/Arrakis.Fuzz.dll" ] || { echo "collect.sh: run fuzz/run.sh $target first" >&2; exit 2; }
work="$root/fuzz/out/cmin/$target"   # afl-cmin refuses to work under /tmp
rm -rf "$work"
mkdir -p "$work/in"
cp "$corpus"/* "$work/in/"
shopt -s nullglob
for f in "$root/fuzz/out/$target"/findings-*/default/queue/id:*; do
  [ "$(stat -c %s "$f")" -le 65536 ] && cp "$f" "$work/in/q-$(sha1sum < "$f" | cut -c1-12)"
done
AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_FORKSRV_INIT_TMOUT=60000 \
  nice -n 19 afl-cmin -i "$work/in" -o "$work/out" -t 5000 -m none -- \
  "$(command -v dotnet)" "$bin/Arrakis.Fuzz.dll" "$target" > "$work.log" 2>&1 \
  || { tail -n 5 "$work.log" >&2; exit 1; }
added=0 dropped=0
for f in "$work/out"/q-*; do
  [ -e "$corpus/$(basename "$f")" ] || { cp "$f" "$corpus/"; added=$((added + 1)); }
done
for f in "$corpus"/q-*; do   # earlier finds that newer ones made redundant
  [ -e "$work/out/$(basename "$f")" ] || { rm "$f"; dropped=$((dropped + 1)); }
done
echo "collect.sh: $target: $(ls "$work/in" | wc -l) inputs minimised to $(ls "$work/out" | wc -l);" \
     "added $added, dropped $dropped, corpus now $(ls "$corpus" | wc -l) files"
