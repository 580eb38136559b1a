#!/usr/bin/env bash
# Installs the built Debian packages in a clean Debian 12 root (debootstrap --variant
# minbase) and uses them as a user would: builds the C example against them with
# pkg-config and with find_package(beamcore) and runs both (they exit 0 only if the two
# nodes finalize), imports the Python binding (it must load the packaged library by its
# SONAME) and runs a short devnet with the packaged beamcore-devnet. Any step that
# fails (a program's exit status included) fails the test.
#   clean_root_test.sh <dir with the .debs> <source dir>      (root; network: a Debian mirror)
set -euo pipefail
debs="$(cd "$1" && pwd)"
src="$(cd "$2" && pwd)"
mirror="${BEAM_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if [ "$(id -u)" != 0 ]; then
  echo "FAILED: the clean-root package test needs root (debootstrap, chroot)" >&2
  exit 1
fi
root="$(mktemp -d)"
cleanup() {
  umount "${root}/proc" 2>/dev/null || true
  rm -rf "${root}"
}
trap cleanup EXIT

echo "==> debootstrap bookworm (minbase) into ${root}"
debootstrap --variant=minbase bookworm "${root}" "${mirror}" > "${root}.debootstrap.log" 2>&1 || {
  tail -20 "${root}.debootstrap.log"; echo "FAILED: debootstrap"; exit 1; }
rm -f "${root}.debootstrap.log"
mount -t proc proc "${root}/proc"
mkdir -p "${root}/tmp/pkg/find_package"
for p in libbeamcore1 libbeamcore-dev beamcore-tools python3-beamcore; do
  cp "${debs}/${p}"_*.deb "${root}/tmp/pkg/"
done
cp "${src}/examples/c_host/c_host.c" "${root}/tmp/pkg/"
cp "${src}/examples/c_host/c_host.c" "${src}/tests/packaging/find_package/CMakeLists.txt" "${root}/tmp/pkg/find_package/"

echo "==> installing the packages (and a C toolchain) with apt"
chroot "${root}" /bin/sh -ec '
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends /tmp/pkg/*.deb gcc libc6-dev cmake make pkg-config >/tmp/apt.log 2>&1 ||
    { tail -20 /tmp/apt.log; exit 1; }
  dpkg -l libbeamcore1 libbeamcore-dev beamcore-tools python3-beamcore | tail -4'

echo "==> the C example with pkg-config"
chroot "${root}" /bin/sh -ec '
  cd /tmp/pkg
  cc -std=c11 -O2 c_host.c $(pkg-config --cflags --libs beamcore) -lpthread -o c_host_pkgconfig
  ./c_host_pkgconfig 16 > c_host.out || { cat c_host.out; exit 1; }
  tail -1 c_host.out'

echo "==> the C example with find_package(beamcore)"
chroot "${root}" /bin/sh -ec '
  cd /tmp/pkg/find_package
  cmake -S . -B build >/dev/null
  cmake --build build >/dev/null
  ./build/c_host 16 > c_host.out || { cat c_host.out; exit 1; }
  tail -1 c_host.out'

echo "==> python3-beamcore"
chroot "${root}" /bin/sh -ec '
  cd /
  python3 -c "
import beamcore
path = beamcore.library_path()
print(beamcore.version(), path)
assert path.startswith(\"/usr/lib/\"), path
"'

echo "==> beamcore-devnet from beamcore-tools"
chroot "${root}" /bin/sh -ec '
  beamcore-devnet --slots 12 --data-dir /tmp/devnet --quiet > /tmp/devnet.out || { cat /tmp/devnet.out; exit 1; }
  tail -1 /tmp/devnet.out'

echo "OK: the packages install in a clean root; the C example builds with pkg-config and find_package and finalizes; Python and the devnet run"
