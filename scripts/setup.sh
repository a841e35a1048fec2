# Shared by scripts/test and scripts/attest: install what a fresh Debian 12
# machine lacks, then configure and build.  Sourced, not run.

ATTEST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ATTEST_BUILD=${ATTEST_BUILD:-$ATTEST_TOP/_build}

# Debian package -> a file it installs (checked instead of dpkg state, so
# a hand-built tool also counts).
ATTEST_PACKAGES=(
  "meson:/usr/bin/meson"
  "ninja-build:/usr/bin/ninja"
  "pkg-config:/usr/bin/pkg-config"
  "gcc:/usr/bin/gcc"
  "libc6-dev:/usr/lib/x86_64-linux-gnu/libc.a"
  "musl-tools:/usr/bin/musl-gcc"
  "libglib2.0-dev:/usr/include/glib-2.0/glib.h"
  "libjson-glib-dev:/usr/include/json-glib-1.0/json-glib/json-glib.h"
  "libseccomp-dev:/usr/include/seccomp.h"
  "bubblewrap:/usr/bin/bwrap"
  "jq:/usr/bin/jq"
  "valgrind:/usr/bin/valgrind"
  "python3-jsonschema:/usr/lib/python3/dist-packages/jsonschema/__init__.py"
  "passwd:/usr/sbin/useradd"
  "util-linux:/usr/sbin/runuser"
  "scdoc:/usr/bin/scdoc"
  "bash-completion:/usr/share/bash-completion/bash_completion"
  "openssh-client:/usr/bin/ssh-keygen"
  "strace:/usr/bin/strace"
)

attest_missing_packages() {
  local entry
  for entry in "${ATTEST_PACKAGES[@]}"; do
    [ -e "${entry#*:}" ] || printf '%s ' "${entry%%:*}"
  done
}

attest_install_packages() {
  local missing
  missing=$(attest_missing_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages; as root run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends $missing" >&2
    exit 2
  fi
  echo "installing: $missing"
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

attest_build() {
  if [ ! -f "$ATTEST_BUILD/build.ninja" ]; then
    meson setup "$ATTEST_BUILD" "$ATTEST_TOP" "$@" >/dev/null
  fi
  ninja -C "$ATTEST_BUILD" >/dev/null
}
