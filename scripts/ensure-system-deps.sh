#!/usr/bin/env bash
# Installs the system packages the test suite needs, if they are missing (Debian; needs root).
#   prometheus  - a real Prometheus server for the Prometheus metric-source tests
#   chromium    - headless browser that renders the HTML report in the report test
#   jq, curl, openssl - the CI example (examples/github-actions.yml) signs and posts with them
# moto (the AWS API emulator) cannot come from apt here; it must already be in the machine's python.
set -euo pipefail

missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# jq, curl and openssl: the GitHub Actions example's shell step is run against the run API in a test.
for tool in jq curl openssl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "canary-judge: installing system packages: ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "canary-judge: need root to apt-get install ${missing[*]} (or install them yourself)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import moto' >/dev/null 2>&1; then
  echo "canary-judge: python3 cannot import moto (the AWS API emulator the AWS adapter tests run against)." >&2
  echo "  install it with: python3 -m pip install 'moto[server]'" >&2
  exit 1
fi

if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "canary-judge: cfn-lint is not on PATH (the CDK template test lints the synthesized stack with it)." >&2
  echo "  install it with: python3 -m pip install cfn-lint" >&2
  exit 1
fi
