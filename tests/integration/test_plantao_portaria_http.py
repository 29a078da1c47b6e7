"""PLAN-04: the portaria (PDF and text stored in S3 at approval) served over HTTP as bytes to staff.

Not public: a portaria names the plantão's judges weeks before D−5 (PLAN-03's embargo).
"""

from __future__ import annotations

import io

import boto3
from pypdf import PdfReader

from courtlib.http.testing import bearer
from tests.integration import test_plantao_http as plantao_http

ses, world = plantao_http.ses, plantao_http.world  # the fixtures, shared with test_plantao_http

SERVANT = bearer("servidor.ana", "servidor")


def test_plan_04_portaria_pdf_and_text_are_served_to_staff_as_stored_and_never_publicly(world):
    world.generate("2027-02", "estadual")
    [portaria] = world.approve("2027-02-estadual")["portarias"]
    bucket = world.deps.settings.documents_bucket
    s3 = boto3.client("s3", region_name="sa-east-1")

    pdf = world.get("/portarias/MI/2027/1/pdf", {**SERVANT, "Accept": "application/pdf"})
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.body == s3.get_object(Bucket=bucket, Key=portaria["pdf"])["Body"].read()
    assert "Portaria MI nº 1/2027" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body)).pages)

    text = world.get("/portarias/MI/2027/1/texto", SERVANT)
    assert text.status_code == 200 and text.headers["Content-Type"].startswith("text/plain")
    body = text.body.decode("utf-8") if isinstance(text.body, bytes) else text.body
    assert body == s3.get_object(Bucket=bucket, Key=portaria["texto"])["Body"].read().decode("utf-8")
    assert "PORTARIA MI Nº 1/2027" in body

    for path in ("/portarias/MI/2027/1/pdf", "/portarias/MI/2027/1/texto"):
        assert world.get(path, {}).status_code == 401, "no public route: PLAN-03's embargo"
        assert world.get(path, bearer("visitante")).status_code == 403
    assert world.get("/portarias/MI/2027/9/texto", SERVANT).status_code == 404
    assert world.get("/portarias/MI/abc/1/pdf", {**SERVANT, "Accept": "application/pdf"}).status_code == 404

    refused = world.get("/portarias/MI/2027/1/pdf", SERVANT)  # no Accept: application/pdf
    assert refused.status_code == 406 and refused.headers["Content-Type"] == "application/problem+json"
    assert '"field":"Accept"' in (refused.body.decode() if isinstance(refused.body, bytes) else refused.body)
