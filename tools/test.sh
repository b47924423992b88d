#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine with the .NET SDK: installs what the tests need when it is
# missing, builds everything once, runs every test project, and ends with "N passed, N failed, N skipped"
# counted from the TRX results.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need_apt=()
command -v aws >/dev/null 2>&1 || need_apt+=(awscli)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="$root/TestResults"
rm -rf "$results"
dotnet build Monorepo.sln -c Release -nologo -clp:ErrorsOnly
status=0
dotnet test Monorepo.sln -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=3000000 || status=$?

python3 tools/ci/count-trx.py "$results"
exit $status
