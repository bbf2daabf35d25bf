#!/usr/bin/env bash
# Installs the Debian packages the portal needs, only those missing (a second run is instant).
# Usage: scripts/system-packages.sh [run|test]   ("test" adds chromium for the browser tests)
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fontconfig)
if [[ "${1:-run}" == "test" ]]; then
  packages+=(chromium)
fi
python3 -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "本机不是 Debian/Ubuntu：请自行安装相应软件包（Pango、HarfBuzz subset、Noto CJK 字体${1:+、chromium}）。"
  echo "Not Debian: install the equivalents of: ${packages[*]}"
  exit 0
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "安装系统软件包 / installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "缺少系统软件包，请运行 / missing system packages, please run:"
  echo "  sudo apt-get install ${missing[*]}"
  exit 1
fi
