#!/usr/bin/env bash
# `buf breaking` of the working tree against the main branch of the local git repository.
# Offline by construction: the protos of main are taken with `git archive`, never fetched.
# On a fresh clone main is usually the checked-out branch (HEAD == main), which is fine:
# the check then guards uncommitted changes. Without a local main it uses origin/main,
# and without either it compares against HEAD rather than fail for lack of a branch.
set -euo pipefail
cd "$(dirname "$0")/.."
BUF=${BUF:-build/tools/bin/buf}

against=
for ref in refs/heads/main refs/remotes/origin/main HEAD; do
  if git rev-parse -q --verify "$ref^{commit}" >/dev/null; then
    against=$ref
    break
  fi
done
if [ -z "$against" ]; then
  echo "proto-breaking: no commit to compare against (empty repository); skipped"
  exit 0
fi
if ! git cat-file -e "$against:buf.yaml" 2>/dev/null; then
  echo "proto-breaking: $against has no buf.yaml (the contract has not landed there); skipped"
  exit 0
fi

paths=()
for p in buf.yaml protos third_party/protos; do
  if git cat-file -e "$against:$p" 2>/dev/null; then
    paths+=("$p")
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git archive "$against" -- "${paths[@]}" | tar -x -C "$tmp"
echo "proto-breaking: buf breaking against $against ($(git rev-parse --short "$against"))"
"$BUF" breaking --against "$tmp"
