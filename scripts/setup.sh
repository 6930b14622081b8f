#!/usr/bin/env bash
# Installs the system packages Latent Studio needs to build and run on
# Debian 12: a C compiler, the X11/OpenGL headers for Fyne (cgo) and
# OpenBLAS; "setup.sh ort" adds ONNX Runtime for Node (npm) for the export
# tests (make test), "setup.sh torch" Debian's PyTorch for make bench and the
# independent GAN check.
# Idempotent: it installs only what is missing.
set -euo pipefail
pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
      libxinerama-dev libxi-dev libxxf86vm-dev libopenblas-dev)
[ "${1:-}" = torch ] && pkgs+=(python3-torch python3-numpy python3-pil)  # the benchmark's PyTorch anchor and the independent check
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
command -v go >/dev/null || { echo "Go 1.26 is needed (https://go.dev/dl); put it on PATH" >&2; exit 1; }

# ONNX Runtime for Node, which the ONNX export tests run every export with.
# --ignore-scripts: its install script would download GPU binaries.
ort="$(cd "$(dirname "$0")/.." && pwd)/build/ort"
if [ "${1:-}" = ort ] && [ ! -d "$ort/node_modules/onnxruntime-node" ]; then
  if ! command -v npm >/dev/null; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends nodejs npm
  fi
  mkdir -p "$ort"
  npm install --prefix "$ort" --ignore-scripts --no-audit --no-fund onnxruntime-node@1.30.0
fi
