#!/usr/bin/env bash
# Installs the Debian packages daylite's tests need (Chromium for the browser tests, git, bubblewrap
# for the native backend's confinement test), but only
# those whose binaries are missing, so a rerun does nothing and takes no time. Used by .ci/run;
# developers can run it on its own: `bash scripts/install-system-deps.sh`.
#
# Runs apt-get directly as root, through `sudo -n` otherwise. Under CI a failure to install is an
# error; locally it is a warning (the browser tests then skip with a message saying why).
set -euo pipefail

chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"

# "binary package": the package is installed when the binary is not found.
needs=(
  "$chromium_path chromium"
  "git git"
  "bwrap bubblewrap"
)

missing=()
for entry in "${needs[@]}"; do
  read -r binary package <<<"$entry"
  if [[ "$binary" == */* ]]; then
    [[ -x "$binary" ]] && continue
  else
    command -v "$binary" >/dev/null 2>&1 && continue
  fi
  missing+=("$package")
done

report_versions() {
  if [[ -x "$chromium_path" ]]; then
    # Debian's wrapper script prints a harmless shell warning on stderr; keep the log clean.
    echo "chromium: $("$chromium_path" --version 2>/dev/null || echo 'present, no version')"
  fi
  echo "git: $(git --version 2>/dev/null || echo missing)"
}

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system packages: all present, skipping apt"
  report_versions
  exit 0
fi

give_up() {
  echo "warning: could not install ${missing[*]}: $1" >&2
  if [[ -n "${CI:-}" ]]; then exit 1; fi
  echo "warning: continuing; tests that need them will be skipped" >&2
  exit 0
}

if [[ "$(id -u)" -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  give_up "not root and no sudo; run as root: apt-get install --no-install-recommends ${missing[*]}"
fi

apt_get=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q
  -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 -o Acquire::Retries=3)

echo "system packages: installing ${missing[*]}"
"${apt_get[@]}" update || give_up "apt-get update failed"
# Chromium's recommends (upower, udev, printing, X utilities…) are not needed headless: without
# them the install is 19 packages instead of 130.
"${apt_get[@]}" install -y --no-install-recommends "${missing[@]}" || give_up "apt-get install failed"
report_versions
