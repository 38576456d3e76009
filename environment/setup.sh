#!/usr/bin/env bash
# Installs what the workbook needs outside npm (Jupyter) where it is missing, and registers the
# workbook's Jupyter kernel "asl-workbook" with absolute paths into this checkout. Idempotent.
#
#   bash environment/setup.sh [--python PATH] [--prefix DIR] [--no-install] [--quiet]
#
#   --python PATH  the Python whose Jupyter should know the kernel (default: the first of
#                  $ASL_PYTHON, /usr/bin/python3, python3 that has jupyter_client + nbclient + nbconvert)
#   --prefix DIR   install the kernel spec under DIR/share/jupyter/kernels (default: the user's
#                  Jupyter data dir, e.g. ~/.local/share/jupyter/kernels)
#   --no-install   never run apt-get; fail with the command to run instead
#   --quiet        print only problems and the final line
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=""
prefix=""
install=1
quiet=0
while [ $# -gt 0 ]; do
  case "$1" in
    --python) python=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --no-install) install=0; shift ;;
    --quiet) quiet=1; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
say() { [ "$quiet" = 1 ] || echo "setup: $*"; }

has_jupyter() { "$1" -c 'import jupyter_client, nbclient, nbconvert, IPython' >/dev/null 2>&1; }

find_python() {
  local c
  for c in "${ASL_PYTHON:-}" /usr/bin/python3 "$(command -v python3 || true)"; do
    [ -n "$c" ] && [ -x "$c" ] && has_jupyter "$c" && { echo "$c"; return 0; }
  done
  return 1
}

packages=$(grep -v '^#' "$root/environment/debian-packages.txt" | grep -v '^$' | tr '\n' ' ')

if [ -z "$python" ]; then
  if ! python=$(find_python); then
    if [ "$install" = 1 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      say "Jupyter not found: installing Debian packages: $packages"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -q >/dev/null
      # shellcheck disable=SC2086
      apt-get install -y -q --no-install-recommends $packages >/dev/null
      python=$(find_python) || { echo "setup: apt-get ran but no Python with Jupyter was found" >&2; exit 1; }
    else
      cat >&2 <<MSG
setup: no Python with Jupyter (jupyter_client, nbclient, nbconvert) was found.
Install it, then run this script again:
  Debian/Ubuntu:  sudo apt-get install -y --no-install-recommends $packages
  elsewhere:      python3 -m pip install -r environment/requirements-jupyterlab.txt
                  bash environment/setup.sh --python "\$(command -v python3)"
MSG
      exit 1
    fi
  fi
elif ! has_jupyter "$python"; then
  echo "setup: $python has no Jupyter (jupyter_client, nbclient, nbconvert); install it first" >&2
  exit 1
fi
say "Jupyter found in $python"

[ -f "$root/packages/notebook/dist/kernel/main.js" ] || { say "building the packages (npm run build)"; (cd "$root" && npm run build >/dev/null); }

# The kernel spec: written by environment/kernelspec.mjs (absolute paths, start-up environment).
spec_dir=$(mktemp -d)
trap 'rm -rf "$spec_dir"' EXIT
node "$root/environment/kernelspec.mjs" "$spec_dir/asl-workbook" --python "$python"
args=(--name asl-workbook --replace)
if [ -n "$prefix" ]; then args+=(--prefix "$prefix"); else args+=(--user); fi
"$python" -m jupyter kernelspec install "${args[@]}" "$spec_dir/asl-workbook" >/dev/null 2>&1 \
  || "$python" -m jupyter_client.kernelspecapp install "${args[@]}" "$spec_dir/asl-workbook" >/dev/null
if [ -n "$prefix" ]; then where="$prefix/share/jupyter/kernels/asl-workbook"
else where=$("$python" -m jupyter kernelspec list 2>/dev/null | awk '$1=="asl-workbook"{print $2}'); fi
echo "setup: kernel 'asl-workbook' registered for $python ($where)"
