#!/usr/bin/env bash
# Install libmmsim from the build tree into a temporary prefix, then build a
# small harness against the installed tree with find_package (shared and
# static) and with pkg-config, and run each.  Usage: install.sh BUILD_DIR
set -euo pipefail
build=$1
src=${MMSIM_SOURCE_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
want="libmmsim 0.1.0: numa-2s has 2 nodes, 4 cpus, distance(0,1) = 21"

cmake --install "$build" --prefix "$prefix" >/dev/null
for f in include/mmsim/mmsim.h lib/pkgconfig/mmsim.pc lib/cmake/mmsim/mmsimConfig.cmake \
         lib/libmmsim.a lib/libmmsim.so bin/mmsim share/mmsim/topologies/numa-2s.yaml; do
  [ -e "$prefix/$f" ] || { echo "install.sh: $f was not installed" >&2; exit 1; }
done
# Only mmsim_ names are exported from the shared library.
bad=$(nm -D --defined-only "$prefix/lib/libmmsim.so" | awk '$2 ~ /[TDBR]/ {print $3}' | grep -v '^mmsim_' || true)
[ -z "$bad" ] || { echo "install.sh: non-mmsim_ symbols exported: $bad" >&2; exit 1; }

# find_package
cmake -S "$src/tests/install" -B "$work/cm" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cm" >/dev/null
for exe in harness_shared harness_static; do
  got=$(LD_LIBRARY_PATH="$prefix/lib" "$work/cm/$exe")
  [ "$got" = "$want" ] || { echo "install.sh: $exe printed '$got', want '$want'" >&2; exit 1; }
done

# pkg-config
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cc -o "$work/pc" "$src/tests/install/harness.c" $(pkg-config --cflags --libs mmsim)
got=$(LD_LIBRARY_PATH="$prefix/lib" "$work/pc")
[ "$got" = "$want" ] || { echo "install.sh: pkg-config build printed '$got'" >&2; exit 1; }
cc -static-libgcc -o "$work/pcs" "$src/tests/install/harness.c" $(pkg-config --cflags mmsim) \
   "$prefix/lib/libmmsim.a" $(pkg-config --libs-only-l --static mmsim | sed 's/-lmmsim//')
got=$("$work/pcs")
[ "$got" = "$want" ] || { echo "install.sh: static pkg-config build printed '$got'" >&2; exit 1; }
echo "install.sh: installed tree works with find_package (shared, static) and pkg-config"
