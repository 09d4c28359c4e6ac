#!/usr/bin/env bash
# Installs the Debian packages the build and tests need (idempotent):
# - autoconf, automake, libtool, make, g++: aws-lambda-ric compiles a native addon on install;
# - nginx-light: the generated nginx site is checked and served by a real nginx;
# - wrk: the load generator of bench/;
# - systemd (systemd-analyze): the generated systemd unit is verified.
set -euo pipefail

# moto (the local AWS API server the deploy tests talk to) comes with these machines' python3;
# the Python registry is not reachable from here, so it cannot be installed by this script.
if ! python3 -c 'import moto.server' >/dev/null 2>&1; then
  echo "warning: python3 cannot import moto.server; the Lambda deploy tests need it (pip install 'moto[server]>=5.2,<6'). With CI=true they fail." >&2
fi

need=()
for bin in autoconf:autoconf automake:automake libtoolize:libtool make:make g++:g++ nginx:nginx-light wrk:wrk systemd-analyze:systemd; do
  command -v "${bin%%:*}" >/dev/null 2>&1 || need+=("${bin##*:}")
done
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "missing system packages: ${need[*]}. Run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
