"""Portaria documents (PLAN-04): the DJe text and a PDF (fpdf2 core fonts) in the documents bucket, and the
e-mail notices (SES) to every designated magistrate.

Rendering is pure (text in, bytes out). The S3 keys are derived from the portaria number, so storing the
same portaria again overwrites it with the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cached_property
from typing import Any

from courtlib.documents import documents_s3, to_latin1
from courtlib.observability import logger
from courtlib.settings import ServiceSettings

KEY_PREFIX = "plantao/portarias"


def render_portaria_pdf(text: str, *, title: str, tribunal: str, issued_at: datetime) -> bytes:
    """The portaria's text as an A4 PDF (title, body, one line per designation)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creation_date(issued_at)  # the same portaria renders to the same bytes
    pdf.set_title(to_latin1(title))
    pdf.set_author(to_latin1(tribunal))
    pdf.set_creator("plantao-svc")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    lines = text.splitlines()
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, to_latin1(lines[0] if lines else title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 9)
    for line in lines[1:]:
        if not line.strip():
            pdf.ln(2)
            continue
        pdf.multi_cell(0, 4.6, to_latin1(line), align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def portaria_keys(series: str, year: int, number: int) -> tuple[str, str]:
    base = f"{KEY_PREFIX}/{series}/{year}/{number:05d}"
    return f"{base}.txt", f"{base}.pdf"


class PortariaStore:
    def __init__(self, settings: ServiceSettings, client: Any | None = None) -> None:
        self._settings = settings
        if client is not None:
            self.__dict__["_s3"] = client

    @cached_property
    def _s3(self) -> Any:
        return documents_s3(self._settings)

    def put(self, series: str, year: int, number: int, text: str, pdf: bytes) -> dict[str, str]:
        txt_key, pdf_key = portaria_keys(series, year, number)
        bucket = self._settings.documents_bucket
        self._s3.put_object(Bucket=bucket, Key=txt_key, Body=text.encode("utf-8"),
                            ContentType="text/plain; charset=utf-8")
        self._s3.put_object(Bucket=bucket, Key=pdf_key, Body=pdf, ContentType="application/pdf")
        return {"texto": txt_key, "pdf": pdf_key}

    def get(self, key: str) -> bytes | None:
        try:
            return self._s3.get_object(Bucket=self._settings.documents_bucket, Key=key)["Body"].read()
        except self._s3.exceptions.NoSuchKey:
            return None


class Notifier:
    """E-mail notices through SES from the verified sender (``NOTICE_SENDER``)."""

    def __init__(self, settings: Any, client: Any | None = None) -> None:
        self._settings = settings
        if client is not None:
            self.__dict__["_ses"] = client

    @cached_property
    def _ses(self) -> Any:
        import boto3

        return boto3.client("ses", region_name=self._settings.region, endpoint_url=self._settings.endpoint_url)

    def send(self, messages: Iterable[tuple[str, str, str]], subject: str) -> int:
        """One e-mail per ``(address, name, body)``; answers how many were accepted (failures are logged)."""
        sent = 0
        for address, name, body in messages:
            try:
                self._ses.send_email(
                    Source=self._settings.notice_sender, Destination={"ToAddresses": [address]},
                    Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                             "Body": {"Text": {"Data": f"Prezado(a) {name},\n\n{body}", "Charset": "UTF-8"}}})
                sent += 1
            except Exception:  # noqa: BLE001 - a notice that fails must not undo the approval: logged, retried by hand
                logger.exception("aviso de plantão não enviado", extra={"destinatario": address})
        return sent
