#!/bin/sh
# Install a released shipshape binary for this machine, verified against the
# release's SHA256SUMS (a mismatch, or an archive SHA256SUMS does not list, is
# refused: nothing is installed).
#
#   sh install.sh [--version v0.1.0|latest] [--dir DIR] [--base-url URL|DIR] [--target TRIPLE]
#
#   --version   release tag (default: latest; env SHIPSHAPE_VERSION)
#   --dir       where to put the binary (default: $HOME/.local/bin; env SHIPSHAPE_INSTALL_DIR)
#   --base-url  where the release's files are: an https URL or a local directory holding
#               shipshape-<target>.tar.gz (or .zip) and SHA256SUMS (default: the GitHub
#               release of --version; env SHIPSHAPE_RELEASE_BASE). A directory needs no network.
#   --target    override the detected platform (e.g. aarch64-unknown-linux-musl)
#
# Needs: sh, tar (unzip or tar for Windows' .zip), sha256sum or shasum, and curl or
# wget for an https base. Exit status: 0 installed, 1 download or verification failed,
# 2 bad arguments or an unsupported platform.
set -eu

REPO="shipshape-dev/shipshape"
version="${SHIPSHAPE_VERSION:-latest}"
dir="${SHIPSHAPE_INSTALL_DIR:-${HOME:-.}/.local/bin}"
base="${SHIPSHAPE_RELEASE_BASE:-}"
target=""

say() { printf 'shipshape-install: %s\n' "$*" >&2; }
die() { code="$1"; shift; say "error: $*"; exit "$code"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || die 2 "--version needs a value (a tag such as v0.1.0, or latest)"; version="$2"; shift 2 ;;
    --dir) [ $# -ge 2 ] || die 2 "--dir needs a directory"; dir="$2"; shift 2 ;;
    --base-url) [ $# -ge 2 ] || die 2 "--base-url needs a URL or a directory"; base="$2"; shift 2 ;;
    --target) [ $# -ge 2 ] || die 2 "--target needs a target triple"; target="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die 2 "unknown argument '$1' (see --help)" ;;
  esac
done

case "$version" in
  latest|v[0-9]*) ;;
  *) die 2 "--version '$version' is not a release tag (expected vX.Y.Z or latest)" ;;
esac

if [ -z "$target" ]; then
  os="$(uname -s)"
  arch="$(uname -m)"
  case "$arch" in
    x86_64|amd64) arch=x86_64 ;;
    aarch64|arm64) arch=aarch64 ;;
    *) die 2 "no shipshape release for the $arch architecture (x86_64 and aarch64 are built); build from source with: cargo install shipshape" ;;
  esac
  case "$os" in
    Linux) target="$arch-unknown-linux-musl" ;;
    Darwin) target="$arch-apple-darwin" ;;
    MINGW*|MSYS*|CYGWIN*|Windows_NT)
      [ "$arch" = x86_64 ] || die 2 "no shipshape release for Windows on $arch (x86_64 is built)"
      target="x86_64-pc-windows-msvc" ;;
    *) die 2 "no shipshape release for $os; build from source with: cargo install shipshape" ;;
  esac
fi

case "$target" in
  *windows*) archive="shipshape-$target.zip"; exe="shipshape.exe" ;;
  *) archive="shipshape-$target.tar.gz"; exe="shipshape" ;;
esac

if [ -z "$base" ]; then
  if [ "$version" = latest ]; then
    base="https://github.com/$REPO/releases/latest/download"
  else
    base="https://github.com/$REPO/releases/download/$version"
  fi
fi
base="${base%/}"
case "$base" in
  file://*) base="${base#file://}" ;;
esac

work="$(mktemp -d 2>/dev/null || mktemp -d -t shipshape)"
trap 'rm -rf "$work"' EXIT INT TERM

# Copy (local directory) or download (https) one release file into $work.
fetch() {
  case "$base" in
    https://*)
      if command -v curl >/dev/null 2>&1; then
        curl --proto '=https' --tlsv1.2 -fsSL --retry 3 -o "$work/$1" "$base/$1" \
          || die 1 "could not download $base/$1"
      elif command -v wget >/dev/null 2>&1; then
        wget -q --https-only -O "$work/$1" "$base/$1" || die 1 "could not download $base/$1"
      else
        die 1 "neither curl nor wget is installed: install one, or pass --base-url DIR"
      fi ;;
    http://*) die 2 "refusing a plain http:// base URL ($base): use https:// or a local directory" ;;
    *)
      [ -d "$base" ] || die 2 "--base-url '$base' is neither an https URL nor a directory"
      [ -f "$base/$1" ] || die 1 "$base/$1 does not exist"
      cp "$base/$1" "$work/$1" ;;
  esac
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    die 1 "neither sha256sum nor shasum is installed: cannot verify the download"
  fi
}

say "shipshape $version for $target from $base"
fetch SHA256SUMS
fetch "$archive"

# SHA256SUMS lines are `<hex>  <file>` (or `<hex> *<file>`, binary mode).
expected="$(awk -v f="$archive" '{ n = $2; sub(/^\*/, "", n); if (n == f) { print $1; exit } }' "$work/SHA256SUMS")"
[ -n "$expected" ] || die 1 "SHA256SUMS lists no $archive: refusing to install an unverified binary"
actual="$(sha256 "$work/$archive")"
expected="$(printf '%s' "$expected" | tr 'A-F' 'a-f')"
if [ "$actual" != "$expected" ]; then
  die 1 "checksum mismatch for $archive: SHA256SUMS says $expected, the file is $actual. Nothing was installed; retry, or report it if it persists"
fi
say "verified $archive (sha256 $actual)"

mkdir -p "$work/x"
case "$archive" in
  *.zip)
    if command -v unzip >/dev/null 2>&1; then unzip -q "$work/$archive" -d "$work/x"
    else tar -xf "$work/$archive" -C "$work/x"; fi ;;
  *) tar -xzf "$work/$archive" -C "$work/x" ;;
esac
bin="$(find "$work/x" -type f -name "$exe" | head -n 1)"
[ -n "$bin" ] || die 1 "$archive holds no $exe"

mkdir -p "$dir" || die 1 "cannot create $dir"
# Copy then rename, so that a running shipshape is never half overwritten.
cp "$bin" "$dir/.$exe.tmp.$$"
chmod 755 "$dir/.$exe.tmp.$$"
mv -f "$dir/.$exe.tmp.$$" "$dir/$exe"
say "installed $dir/$exe"
case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *) say "note: $dir is not on PATH; add it, or run $dir/$exe" ;;
esac
