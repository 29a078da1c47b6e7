"""What every service's documents share: latin-1 text for fpdf2's core fonts, and the documents bucket.

The core fonts need no font file in the Lambda package but encode only latin-1: every Portuguese letter
is there, and :func:`to_latin1` replaces the few other characters with plain equivalents.

:class:`DocumentsBucket` is the S3 mechanics of the documents bucket (put, get, the stored sha256, a
listing, presigned links); each service's store keeps its own keys and formats and uses one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from courtlib import aws
from courtlib.settings import ServiceSettings

_PLAIN = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2039": "<", "\u203a": ">", "\u2022": "-", "\u2026": "...", "\u20ac": "EUR", "\u2122": "(TM)",
    "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
}


def to_latin1(text: str, replace: Mapping[str, str] | None = None) -> str:
    """``text`` in latin-1 for the core fonts: accents kept, other characters replaced by plain ones.

    NFC first, so accents typed as combining marks become the latin-1 letters; what is still outside
    latin-1 becomes its mapped equivalent, else its base letters (ő → o), else "?". ``replace`` maps
    characters a document prefers to write otherwise (applied first, even inside latin-1).
    """
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if replace and ch in replace:
            out.append(replace[ch])
        elif ch == "\n" or (ord(ch) < 256 and unicodedata.category(ch) != "Cc"):
            out.append(ch)
        elif unicodedata.category(ch) == "Cc":
            out.append(" ")
        elif ch in _PLAIN:
            out.append(_PLAIN[ch])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256 and not unicodedata.combining(c)
            )
            out.append(base or "?")
    return "".join(out)


def documents_s3(settings: ServiceSettings) -> Any:
    """An S3 client for the documents bucket whose presigned links work: SigV4 on the regional host (the
    global one redirects, breaking the signature); a local endpoint (moto) only understands path style."""
    style = "path" if settings.endpoint_url else "virtual"
    return aws.client("s3", settings, signature_version="s3v4", addressing_style=style)


class DocumentsBucket:
    """The documents bucket (``DOCUMENTS_BUCKET``): objects put, read back, listed and linked.

    The client is made on first use (:func:`documents_s3`) unless one is given (a test's).
    """

    def __init__(self, settings: ServiceSettings, client: Any | None = None) -> None:
        self._settings = settings
        self._client = client

    @property
    def s3(self) -> Any:
        if self._client is None:
            self._client = documents_s3(self._settings)
        return self._client

    @property
    def name(self) -> str:
        if not self._settings.documents_bucket:
            raise RuntimeError("DOCUMENTS_BUCKET não configurado")
        return self._settings.documents_bucket

    def put(self, key: str, body: bytes, content_type: str, *, metadata: Mapping[str, str] | None = None,
            disposition: str | None = None) -> None:
        extra: dict[str, Any] = {"Metadata": dict(metadata)} if metadata else {}
        if disposition is not None:
            extra["ContentDisposition"] = disposition
        bucket = self.name
        self.s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type, **extra)

    def get(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is no such key."""
        try:
            response = self.s3.get_object(Bucket=self.name, Key=key)
        except self.s3.exceptions.NoSuchKey:
            return None
        body: bytes = response["Body"].read()
        return body

    def metadata(self, key: str) -> dict[str, str] | None:
        """The object's user metadata, or None when there is no such key (a HEAD: the body is not read)."""
        from botocore.exceptions import ClientError

        try:
            head = self.s3.head_object(Bucket=self.name, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        stored: dict[str, str] = head.get("Metadata", {})
        return stored

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key under ``prefix``, in S3's order (by key)."""
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    def presigned_get(self, key: str, expires: int = 3600) -> str:
        """A link that downloads ``key`` for ``expires`` seconds (the bucket itself is never public)."""
        link: str = self.s3.generate_presigned_url("get_object", Params={"Bucket": self.name, "Key": key},
                                                   ExpiresIn=expires)
        return link


def a4_pdf(*, footer: str, title: str, creator: str, created_at: Any) -> Any:
    """An A4 portrait fpdf2 document whose every page ends with ``footer`` (``{page}`` and ``{nb}`` become the
    page number and the page count), with its title, creator and creation date set (a fixed date makes the
    same document render to the same bytes). Imports fpdf2 on use: only the functions that render need it."""
    from fpdf import FPDF

    text = to_latin1(footer)

    class _Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-11)
            self.set_font("Helvetica", "", 7)
            self.cell(0, 4, text.replace("{page}", str(self.page_no())), align="C")

    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.set_title(to_latin1(title))
    pdf.set_creator(creator)
    pdf.set_creation_date(created_at)
    pdf.set_auto_page_break(True, margin=15)
    pdf.alias_nb_pages()
    return pdf
