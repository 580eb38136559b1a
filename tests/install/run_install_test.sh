#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, then builds and runs an
# out-of-tree consumer with find_package(beamcore) and with pkg-config, with no
# LD_LIBRARY_PATH (the installed library must find its own dependencies).
#   run_install_test.sh <build dir> <source dir> <C compiler>
set -euo pipefail
build="$1"; source="$2"; cc="$3"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
cmake --install "${build}" --prefix "${work}/prefix" >/dev/null
unset LD_LIBRARY_PATH

cmake -S "${source}/tests/install/consumer" -B "${work}/consumer" -G Ninja \
  -DCMAKE_C_COMPILER="${cc}" -DCMAKE_PREFIX_PATH="${work}/prefix" >/dev/null
cmake --build "${work}/consumer" >/dev/null
"${work}/consumer/consumer"

export PKG_CONFIG_PATH="${work}/prefix/lib/pkgconfig:${work}/prefix/lib/x86_64-linux-gnu/pkgconfig"
libdir="$(pkg-config --variable=libdir beamcore)"
# shellcheck disable=SC2046
"${cc}" -o "${work}/consumer_pc" "${source}/tests/install/consumer/main.c" $(pkg-config --cflags --libs beamcore) \
  -Wl,-rpath,"${libdir}"
"${work}/consumer_pc"
echo "install test: find_package and pkg-config consumers ok"
