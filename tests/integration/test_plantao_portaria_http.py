"""PLAN-04: the portaria (PDF and text stored in S3 at approval) served over HTTP as bytes to staff.

Not public: a portaria names the plantão's judges weeks before D−5 (PLAN-03's embargo). Among staff, those who
prepare and approve the scale read it at once; anyone else once every shift of its month is disclosed.
"""

from __future__ import annotations

import io

import boto3
from pypdf import PdfReader

from courtlib.http.testing import bearer
from tests.integration import test_plantao_http as plantao_http

ses, world = plantao_http.ses, plantao_http.world  # the fixtures, shared with test_plantao_http

SERVANT = bearer("servidor.ana", "servidor")
READER = bearer("presidente", "presidencia")  # prepares and approves: reads before D−5 (PLAN-03)


def test_plan_04_portaria_pdf_and_text_are_served_to_staff_as_stored_and_never_publicly(world):
    world.generate("2027-02", "estadual")
    [portaria] = world.approve("2027-02-estadual")["portarias"]
    bucket = world.deps.settings.documents_bucket
    s3 = boto3.client("s3", region_name="sa-east-1")

    pdf = world.get("/portarias/MI/2027/1/pdf", {**READER, "Accept": "application/pdf"})
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.body == s3.get_object(Bucket=bucket, Key=portaria["pdf"])["Body"].read()
    assert "Portaria MI nº 1/2027" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body)).pages)

    text = world.get("/portarias/MI/2027/1/texto", READER)
    assert text.status_code == 200 and text.headers["Content-Type"].startswith("text/plain")
    body = text.body.decode("utf-8") if isinstance(text.body, bytes) else text.body
    assert body == s3.get_object(Bucket=bucket, Key=portaria["texto"])["Body"].read().decode("utf-8")
    assert "PORTARIA MI Nº 1/2027" in body

    for path in ("/portarias/MI/2027/1/pdf", "/portarias/MI/2027/1/texto"):
        assert world.get(path, {}).status_code == 401, "no public route: PLAN-03's embargo"
        assert world.get(path, bearer("visitante")).status_code == 403
    for path, accept in (("/portarias/MI/2027/1", {}), ("/portarias/MI/2027/1/texto", {}),
                         ("/portarias/MI/2027/1/pdf", {"Accept": "application/pdf"})):
        early = world.get(path, {**SERVANT, **accept})  # before D−5 of the month's days: not a servant's to read
        assert early.status_code == 403 and early.json_body["code"] == "PLAN-03", path
    assert world.get("/portarias/MI/2027/9/texto", READER).status_code == 404
    assert world.get("/portarias/MI/abc/1/pdf", {**READER, "Accept": "application/pdf"}).status_code == 404

    refused = world.get("/portarias/MI/2027/1/pdf", READER)  # no Accept: application/pdf
    assert refused.status_code == 406 and refused.headers["Content-Type"] == "application/problem+json"
    assert '"field":"Accept"' in (refused.body.decode() if isinstance(refused.body, bytes) else refused.body)


def test_plan_04_the_approval_answers_with_the_document_pending_and_the_consumer_makes_it_ready_once(world):
    world.generate("2027-02", "estadual")
    before = len(plantao_http.sent_messages())
    approved = world.approve("2027-02-estadual", deliver=False)
    [portaria] = approved["portarias"]
    assert (portaria["documento"], portaria["link_pdf"], approved["avisos_enviados"]) == ("pendente", None, None)
    assert len(plantao_http.sent_messages()) == before  # no notice inside the request
    pending = world.get("/portarias/MI/2027/1", READER).json_body
    assert (pending["documento"], pending["texto"], pending["link_pdf"]) == ("pendente", "", None)
    not_yet = world.get("/portarias/MI/2027/1/pdf", {**READER, "Accept": "application/pdf"})
    assert not_yet.status_code == 404 and "sendo gerado" in not_yet.json_body["detail"]

    world.deliver(times=2)  # delivered, then redelivered
    designated = {p["magistrado"] for p in approved["plantoes"]}
    sent = plantao_http.sent_messages()[before:]
    assert sorted(m.destinations["ToAddresses"][0] for m in sent) == sorted(f"{m}@exemplo.jus.br" for m in designated)
    assert world.deps.service.publish_portaria("MI", 2027, 1)["avisos_enviados"] == 0  # the records hold on the table
    assert len(plantao_http.sent_messages()) == before + len(designated)
    ready = world.get("/escalas/2027-02-estadual", plantao_http.PRESIDENCY).json_body["portarias"][0]
    assert (ready["documento"], ready["link_pdf"]) == ("pronto", "/portarias/MI/2027/1/pdf")
    pdf = world.get(ready["link_pdf"], {**READER, "Accept": "application/pdf"})
    assert pdf.status_code == 200 and pdf.body.startswith(b"%PDF")
    assert "PORTARIA MI Nº 1/2027" in world.get("/portarias/MI/2027/1", READER).json_body["texto"]
