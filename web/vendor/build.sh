#!/usr/bin/env bash
# Rebuilds noble-bls12-381.js (the browser verifier's BLS library) from npm, as package-lock.json pins it:
# `npm ci` in a temporary folder (nothing lands in web/), one ESM bundle by esbuild, the licences copied and
# MANIFEST.json rewritten with the versions and the bundle's sha256. `make vendor-web` runs it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/bls12-381.entry.js" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
# the bundle is not minified, so that it can be read and compared with the package's own files
(cd "$work" && ./node_modules/.bin/esbuild bls12-381.entry.js --bundle --format=esm --target=es2022 \
   --legal-comments=inline --log-level=warning --outfile=noble-bls12-381.js)
{
  echo "// @noble/curves $(node -p "require('$work/node_modules/@noble/curves/package.json').version") and" \
       "@noble/hashes $(node -p "require('$work/node_modules/@noble/hashes/package.json').version")" \
       "(MIT, Paul Miller; see LICENSE-noble), bundled by web/vendor/build.sh — do not edit."
  cat "$work/noble-bls12-381.js"
} > "$here/noble-bls12-381.js"
{
  echo "@noble/curves and @noble/hashes (https://paulmillr.com/noble/):"
  echo
  cat "$work/node_modules/@noble/curves/LICENSE"
} > "$here/LICENSE-noble"
python3 - "$here" "$work" <<'PY'
import hashlib, json, sys
from pathlib import Path
here, work = Path(sys.argv[1]), Path(sys.argv[2])
lock = json.loads((here / "package-lock.json").read_text())["packages"]
bundle = here / "noble-bls12-381.js"
manifest = {
    "arquivo": "web/vendor/noble-bls12-381.js",
    "sha256": hashlib.sha256(bundle.read_bytes()).hexdigest(),
    "licenca": "MIT (LICENSE-noble)",
    "pacotes": {name: {"versao": lock[f"node_modules/{name}"]["version"],
                       "integridade": lock[f"node_modules/{name}"]["integrity"]}
                for name in ("@noble/curves", "@noble/hashes", "esbuild")},
    "reconstruir": "make vendor-web (web/vendor/build.sh: npm ci + esbuild)",
}
(here / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
print(f"noble-bls12-381.js: {bundle.stat().st_size} bytes, sha256 {manifest['sha256']}")
PY
