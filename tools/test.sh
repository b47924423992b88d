#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine with the .NET SDK: installs what the tests need when it is
# missing (as root or with sudo), builds everything once, runs every test project, and ends with "N passed, N failed, N skipped"
# counted from the TRX results.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Real clients and parts the tests drive: awscli, s3cmd, rclone, boto3 and curl against the stack, Chromium for
# the dashboards, docker-compose to validate the compose file, PostgreSQL for the namespace backend.
need_apt=()
command -v aws >/dev/null 2>&1 || need_apt+=(awscli)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
python3 -c 'import boto3' >/dev/null 2>&1 || need_apt+=(python3-boto3)
command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
command -v s3cmd >/dev/null 2>&1 || need_apt+=(s3cmd)
command -v rclone >/dev/null 2>&1 || need_apt+=(rclone)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# A throwaway PostgreSQL on 127.0.0.1 (installed when missing); exports CAIRN_TEST_POSTGRES.
eval "$(bash tools/ci/start-postgres.sh)"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="$root/TestResults"
rm -rf "$results"
dotnet build Monorepo.sln -c Release -nologo -clp:ErrorsOnly
status=0
dotnet test Monorepo.sln -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=3000000 || status=$?

python3 tools/ci/count-trx.py "$results"
exit $status
