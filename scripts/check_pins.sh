#!/usr/bin/env bash
# Checks that the clients' manifests carry the generator and runtime versions pinned in
# mk/generate.mk. Each argument is "FILE NAME VERSION":
#   go.mod        NAME is a required module path
#   package.json  NAME is a dependency or devDependency (exact version, no range)
#   pom.xml       NAME is a <properties> entry
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for spec in "$@"; do
  read -r file name version <<<"$spec"
  case "$file" in
    *go.mod)
      found=$(awk -v m="$name" '$1 == m && $2 ~ /^v/ {print $2} $1 == "require" && $2 == m {print $3}' "$file")
      ;;
    *package.json)
      found=$(node -e 'const p = require(process.argv[1]); const n = process.argv[2];
        process.stdout.write((p.dependencies || {})[n] || (p.devDependencies || {})[n] || "")' \
        "./$file" "$name")
      ;;
    *pom.xml)
      found=$(sed -n "s|.*<$name>\(.*\)</$name>.*|\1|p" "$file" | head -n 1)
      ;;
    *)
      echo "check-pins: don't know how to read $file" >&2
      exit 2
      ;;
  esac
  if [ "$found" != "$version" ]; then
    echo "check-pins: $file has $name ${found:-(missing)}, mk/generate.mk pins $version" >&2
    status=1
  fi
done
if [ "$status" -ne 0 ]; then
  echo "check-pins: FAILED: change the pin in mk/generate.mk and the manifest together" >&2
else
  echo "check-pins: the clients' manifests agree with mk/generate.mk"
fi
exit "$status"
