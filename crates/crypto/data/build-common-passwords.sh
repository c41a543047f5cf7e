#!/usr/bin/env bash
# Rebuilds common-passwords.txt (embedded by src/password.rs) from the common-password list
# of the MIT-licensed npm package @zxcvbn-ts/language-common. Needs npm, node and sha256sum;
# reaches only the npm registry. The tarball is pinned by version and SHA-256 so the list
# cannot change under us. Output: one password a line, lower-cased, deduplicated, in the
# package's order (most common first).
set -euo pipefail

PKG="@zxcvbn-ts/language-common@4.1.3"
SHA256="bf3027c16c069d7877e25dc8751bc819e10e479afcc5ee1a323eb2ab73129ca9"

here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

tarball="$(npm pack --silent "$PKG")"
echo "$SHA256  $tarball" | sha256sum --check --quiet -
tar xzf "$tarball"

node - package/src/passwords.json > "$here/common-passwords.txt" <<'JS'
const list = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const seen = new Set();
for (const entry of list) {
  const p = String(entry).toLowerCase();
  // A line holds one password: drop anything empty or containing control characters.
  if (p.length === 0 || /[\u0000-\u001f\u007f]/.test(p) || seen.has(p)) continue;
  seen.add(p);
  process.stdout.write(p + '\n');
}
JS

count="$(wc -l < "$here/common-passwords.txt")"
if [ "$count" -lt 10000 ]; then
  echo "only $count passwords: expected at least 10000" >&2
  exit 1
fi
echo "wrote $count passwords to $here/common-passwords.txt"
