#!/usr/bin/env python3
"""Refreshes the third-party files the web frontends' tests use, from the npm registry (no Node needed).

    python scripts/vendor_web.py            # verify the vendored files against the manifest
    python scripts/vendor_web.py --update   # download the pinned versions again and rewrite the manifest
    python scripts/vendor_web.py --update --version axe-core=4.14.1   # move a package to another version

Each entry of ``MANIFEST`` (``tests/browser/third_party/manifest.json``) names the npm package, its
version, the file taken from the package tarball, where it goes and its sha256. The tarball is checked
against the registry's ``dist.integrity`` (sha512) before anything is extracted. ``make test`` never
downloads: the browser tests read the committed file and check its sha256 against the manifest.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "tests" / "browser" / "third_party" / "manifest.json"
REGISTRY = "https://registry.npmjs.org"
DEFAULTS = [{"pacote": "axe-core", "versao": "4.14.1", "arquivo": "package/axe.min.js",
             "destino": "tests/browser/third_party/axe.min.js", "licenca": "MPL-2.0"}]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def download(entry: dict) -> bytes:
    meta = json.loads(fetch(f"{REGISTRY}/{entry['pacote']}/{entry['versao']}"))
    tarball = fetch(meta["dist"]["tarball"])
    algorithm, _, expected = meta["dist"]["integrity"].partition("-")
    if base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode() != expected:
        raise SystemExit(f"{entry['pacote']}@{entry['versao']}: o tarball não confere com dist.integrity do registro")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(entry["arquivo"])
        if member is None:
            raise SystemExit(f"{entry['arquivo']} não existe em {entry['pacote']}@{entry['versao']}")
        return member.read()


def verify(entries: list[dict]) -> int:
    bad = 0
    for entry in entries:
        path = ROOT / entry["destino"]
        if not path.exists() or sha256(path.read_bytes()) != entry["sha256"]:
            print(f"DIFERENTE: {entry['destino']} ({entry['pacote']}@{entry['versao']})")
            bad += 1
        else:
            print(f"ok: {entry['destino']} = {entry['pacote']}@{entry['versao']} sha256 {entry['sha256']}")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="baixa de novo e reescreve o manifesto")
    parser.add_argument("--version", action="append", default=[], metavar="PACOTE=VERSAO")
    args = parser.parse_args(argv)
    entries = json.loads(MANIFEST.read_text())["arquivos"] if MANIFEST.exists() else DEFAULTS
    if not args.update:
        return verify(entries)
    wanted = dict(item.split("=", 1) for item in args.version)
    for entry in entries:
        entry["versao"] = wanted.get(entry["pacote"], entry["versao"])
        data = download(entry)
        target = ROOT / entry["destino"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        entry["sha256"] = sha256(data)
        print(f"{entry['pacote']}@{entry['versao']} → {entry['destino']} ({len(data)} bytes, sha256 {entry['sha256']})")
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    MANIFEST.write_text(json.dumps({"arquivos": entries}, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
