"""The fortnightly edital's S3 store: both documents of a period in the documents bucket (DIST-08)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from chalicelib.distribuicao.edital_document import JSON_CONTENT_TYPE, KEY_PREFIX, PDF_CONTENT_TYPE, edital_keys

from courtlib.documents import DocumentsBucket
from courtlib.settings import ServiceSettings


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class EditalStore:
    """Both documents of a period in the documents bucket, with their sha256 in the object metadata.

    The bucket blocks public access: citizens get a presigned GET link (:meth:`presigned_get`).
    """

    def __init__(self, settings: ServiceSettings, client: Any | None = None) -> None:
        self._bucket = DocumentsBucket(settings, client)

    @property
    def bucket(self) -> str:
        return self._bucket.name

    def put(self, start: date, end: date, json_bytes: bytes, pdf_bytes: bytes) -> dict[str, Any]:
        """Store (or overwrite) the period's two documents; returns their keys and sha256, and ``gravados``: the
        documents written now (``json``, ``pdf``).

        An object whose stored sha256 already matches is left alone: publishing the same edital again
        changes nothing (and adds no version to the versioned bucket).
        """
        json_key, pdf_key = edital_keys(start, end)
        json_hash, pdf_hash = sha256_hex(json_bytes), sha256_hex(pdf_bytes)
        metadata = {"periodo-inicio": start.isoformat(), "periodo-fim": end.isoformat(),
                    "json-sha256": json_hash, "pdf-sha256": pdf_hash}
        name = f"edital-distribuicao-{start.isoformat()}_{end.isoformat()}"
        written = []
        for key, body, digest, content_type, extension in (
            (json_key, json_bytes, json_hash, JSON_CONTENT_TYPE, "json"),
            (pdf_key, pdf_bytes, pdf_hash, PDF_CONTENT_TYPE, "pdf"),
        ):
            if (self._bucket.metadata(key) or {}).get("sha256") == digest:
                continue
            self._bucket.put(key, body, content_type, metadata={**metadata, "sha256": digest},
                             disposition=f'inline; filename="{name}.{extension}"')
            written.append(extension)
        return {"json_key": json_key, "json_sha256": json_hash, "pdf_key": pdf_key, "pdf_sha256": pdf_hash,
                "gravados": written}

    def get_json(self, start: date, end: date) -> bytes | None:
        return self._bucket.get(edital_keys(start, end)[0])

    def get_pdf(self, start: date, end: date) -> bytes | None:
        return self._bucket.get(edital_keys(start, end)[1])

    def published(self, year: int) -> list[tuple[date, date]]:
        """The periods of ``year`` whose edital is in the bucket, oldest first (S3 listing, no table read)."""
        periods = []
        for key in self._bucket.keys(f"{KEY_PREFIX}/{year:04d}/"):
            stem, _, extension = key.rpartition("/")[2].partition(".")
            if extension == "json":
                start, _, end = stem.partition("_")
                periods.append((date.fromisoformat(start), date.fromisoformat(end)))
        return sorted(periods)

    def presigned_get(self, key: str, expires: int = 3600) -> str:
        """A link that downloads ``key`` for ``expires`` seconds (the bucket itself is never public)."""
        return self._bucket.presigned_get(key, expires)

    public_url = presigned_get
