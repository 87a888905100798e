#!/usr/bin/env bash
# kill -9 trials on the real io_uring path, many more than CI runs: every write acknowledged under
# appendfsync always must survive a SIGKILL at a random moment. Usage: tests/kill9.sh [trials] (default 1000).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet build tests/Arrakis.Integration.Tests -c Release -nologo -v quiet -clp:ErrorsOnly
ARRAKIS_KILL9_TRIALS="${1:-1000}" dotnet test tests/Arrakis.Integration.Tests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~KillNineTests" --logger "console;verbosity=normal"
