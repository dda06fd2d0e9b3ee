#!/usr/bin/env bash
# The GitHub Action's run step (action.yml): install a verified release binary
# (scripts/install.sh), scan, write the Markdown report to $GITHUB_STEP_SUMMARY,
# print `--format github` annotations, write SARIF for the upload step, and record
# the scan's exit code in $GITHUB_OUTPUT (the action's last step applies it, so that
# the SARIF upload still runs when the gate fails).
#
# Inputs come as environment variables: INPUT_PATH, INPUT_MIN_LEVEL, INPUT_PROFILE,
# INPUT_FORMATS (extra formats, comma-separated: json,html,junit,gitlab → written as
# shipshape-report.<ext>), INPUT_BASELINE, INPUT_UPLOAD_URL (token in SHIPSHAPE_TOKEN),
# INPUT_VERSION, INPUT_ARGS (extra scan arguments, split on spaces). SHIPSHAPE_RELEASE_BASE
# points the installer at another release location (a directory works offline).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="${RUNNER_TEMP:-$(mktemp -d)}"
bindir="$tmp/shipshape-bin"
out_dir="${INPUT_OUTPUT_DIR:-$tmp/shipshape}"
mkdir -p "$out_dir"

version="${INPUT_VERSION:-}"
if [ -z "$version" ]; then
  case "${GITHUB_ACTION_REF:-}" in
    v[0-9]*) version="$GITHUB_ACTION_REF" ;;
    *) version=latest ;;
  esac
fi
sh "$here/install.sh" --version "$version" --dir "$bindir"
exe="$bindir/shipshape"
[ -x "$exe" ] || exe="$bindir/shipshape.exe"

sarif="$out_dir/shipshape.sarif"
summary="$out_dir/shipshape.md"
formats=(--format markdown --output "$summary" --format sarif --output "$sarif")
IFS=',' read -r -a extra <<<"${INPUT_FORMATS:-}"
for f in "${extra[@]}"; do
  f="$(echo "$f" | tr -d '[:space:]')"
  [ -n "$f" ] || continue
  case "$f" in
    json|gitlab) ext=json ;; html) ext=html ;; junit) ext=xml ;; text) ext=txt ;;
    markdown|md|sarif|github) continue ;;
    *) echo "::error title=shipshape action::unknown format '$f' in the formats input (json, html, junit, gitlab, text)"; exit 2 ;;
  esac
  formats+=(--format "$f" --output "$out_dir/shipshape-report.$f.$ext")
done
# Last, without an --output: the annotations go to standard output, where the runner reads them.
formats+=(--format github)

args=(scan "${INPUT_PATH:-.}" --quiet "${formats[@]}")
[ -n "${INPUT_MIN_LEVEL:-}" ] && args+=(--min-level "$INPUT_MIN_LEVEL")
[ -n "${INPUT_PROFILE:-}" ] && args+=(--profile "$INPUT_PROFILE")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
[ -n "${INPUT_UPLOAD_URL:-}" ] && args+=(--upload "$INPUT_UPLOAD_URL")
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a more <<<"$INPUT_ARGS"
  args+=("${more[@]}")
fi

set +e
"$exe" "${args[@]}"
code=$?
set -e

if [ -f "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >>"$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$code"
    [ -f "$sarif" ] && echo "sarif-file=$sarif"
    echo "output-dir=$out_dir"
  } >>"$GITHUB_OUTPUT"
fi
case "$code" in
  0) echo "shipshape: the gate holds" ;;
  1) echo "shipshape: the gate does not hold (see the job summary)" ;;
  *) echo "shipshape: the scan could not run (exit $code)" ;;
esac
exit 0
