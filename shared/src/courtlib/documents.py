"""What every service's documents share: latin-1 text for fpdf2's core fonts, and the documents bucket's client.

The core fonts need no font file in the Lambda package but encode only latin-1: every Portuguese letter
is there, and :func:`to_latin1` replaces the few other characters with plain equivalents.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

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
    import boto3  # imported on first use: handlers that never touch S3 skip its cost
    from botocore.config import Config

    style = "path" if settings.endpoint_url else "virtual"
    return boto3.client("s3", region_name=settings.region, endpoint_url=settings.endpoint_url,
                        config=Config(signature_version="s3v4", s3={"addressing_style": style}))


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
