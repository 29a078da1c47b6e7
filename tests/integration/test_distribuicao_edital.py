"""DIST-08 the edital's documents in the documents bucket (moto, the template's bucket)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from chalicelib.distribuicao.adapters.edital import EditalStore
from chalicelib.distribuicao.domain.log import SEGREDO, EditalRow
from chalicelib.distribuicao.edital_document import edital_keys, render_edital_json, render_edital_pdf

# A period no other test uses: the bucket lives for the whole session.
START, END = date(2031, 3, 1), date(2031, 3, 15)
KW = {"tribunal": "TRE-MT", "start": START, "end": END, "generated_at": datetime(2031, 3, 16, 11, 0, tzinfo=UTC)}
ROWS = [
    EditalRow("2031-03-02", "0600001-11.2031.6.11.0000", "RE", "distribuicao", "Juíza Serly Marcondes Alves", None,
              ("Município de São José do Rio Claro", "Conceição Araújo"), ("Aurélio Simões (OAB/MT 1234)",)),
    EditalRow("2031-03-03", "0600002-11.2031.6.11.0000", "AIJE", "prevencao", "Des. Sebastião Farias",
              "Juiz Edson Dias Reis", SEGREDO, SEGREDO),
]


@pytest.fixture
def store(settings_of):
    settings = settings_of("distribuicao")
    assert settings.documents_bucket.startswith("tribunal-local-documentos-")
    return EditalStore(settings)


@pytest.fixture
def documents():
    return render_edital_json(ROWS, **KW), render_edital_pdf(ROWS, **KW)


class CountingS3:
    """The real (moto) client, counting the writes: moto's CloudFormation leaves the bucket unversioned."""

    def __init__(self, client) -> None:
        self._client = client
        self.puts: list[str] = []

    def put_object(self, **kwargs):
        self.puts.append(kwargs["Key"])
        return self._client.put_object(**kwargs)

    def __getattr__(self, name):
        return getattr(self._client, name)


def test_dist_08_edital_put_and_get_both_documents(store, documents):
    json_bytes, pdf_bytes = documents
    json_key, pdf_key = edital_keys(START, END)
    assert store.get_json(START, END) is None

    stored = store.put(START, END, json_bytes, pdf_bytes)

    assert stored == {
        "json_key": "distribuicao/editais/2031/2031-03-01_2031-03-15.json",
        "json_sha256": hashlib.sha256(json_bytes).hexdigest(),
        "pdf_key": "distribuicao/editais/2031/2031-03-01_2031-03-15.pdf",
        "pdf_sha256": hashlib.sha256(pdf_bytes).hexdigest(),
        "gravados": ["json", "pdf"],
    }
    assert store.get_json(START, END) == json_bytes
    assert store.get_pdf(START, END) == pdf_bytes
    assert json.loads(store.get_json(START, END))["total"] == 2

    s3 = boto3.client("s3", region_name="sa-east-1")
    for key, body, content_type in ((json_key, json_bytes, "application/json; charset=utf-8"),
                                    (pdf_key, pdf_bytes, "application/pdf")):
        head = s3.head_object(Bucket=store.bucket, Key=key)
        assert head["ContentType"] == content_type
        assert head["Metadata"]["sha256"] == hashlib.sha256(body).hexdigest()
        assert head["Metadata"]["periodo-inicio"] == "2031-03-01" and head["Metadata"]["periodo-fim"] == "2031-03-15"
        assert head["Metadata"]["json-sha256"] == stored["json_sha256"]
        assert head["Metadata"]["pdf-sha256"] == stored["pdf_sha256"]


def test_dist_08_edital_put_twice_with_the_same_bytes_changes_nothing(settings_of, documents):
    json_bytes, pdf_bytes = documents
    start, end = date(2031, 4, 1), date(2031, 4, 15)
    json_key, pdf_key = edital_keys(start, end)
    s3 = CountingS3(boto3.client("s3", region_name="sa-east-1"))
    store = EditalStore(settings_of("distribuicao"), client=s3)

    first = store.put(start, end, json_bytes, pdf_bytes)
    second = store.put(start, end, json_bytes, pdf_bytes)

    assert first == {**second, "gravados": ["json", "pdf"]} and second["gravados"] == []
    assert store.get_json(start, end) == json_bytes and store.get_pdf(start, end) == pdf_bytes
    assert s3.puts == [json_key, pdf_key]  # the second put found both documents already there

    # a re-rendered edital (another generation time) replaces the stored JSON; the PDF is unchanged
    later = {**KW, "start": start, "end": end, "generated_at": datetime(2031, 4, 16, 12, 0, tzinfo=UTC)}
    new_json = render_edital_json(ROWS, **later)
    third = store.put(start, end, new_json, pdf_bytes)
    assert third["json_sha256"] == hashlib.sha256(new_json).hexdigest() != first["json_sha256"]
    assert third["pdf_sha256"] == first["pdf_sha256"] and third["gravados"] == ["json"]
    assert store.get_json(start, end) == new_json
    assert s3.puts == [json_key, pdf_key, json_key]


def test_dist_08_edital_presigned_link_downloads_the_pdf(store, documents):
    import requests  # moto's mock answers plain HTTP calls to AWS hosts too

    store.put(START, END, *documents)
    _, pdf_key = edital_keys(START, END)
    url = store.presigned_get(pdf_key, expires=600)
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    assert parsed.netloc == f"{store.bucket}.s3.sa-east-1.amazonaws.com" and parsed.path == f"/{pdf_key}"
    assert query["X-Amz-Expires"] == ["600"] and "X-Amz-Signature" in query
    response = requests.get(url, timeout=5)
    assert response.status_code == 200 and response.content == documents[1]
    assert response.headers["Content-Type"] == "application/pdf"
    assert store.public_url(pdf_key).startswith(f"https://{parsed.netloc}/{pdf_key}?")


def test_dist_08_edital_store_needs_the_bucket(settings_of):
    settings = settings_of("distribuicao").model_copy(update={"documents_bucket": ""})
    with pytest.raises(RuntimeError, match="DOCUMENTS_BUCKET"):
        EditalStore(settings).get_json(START, END)


def test_dist_08_the_public_finds_each_published_edital_over_http(store, documents, client_of):
    """GET /editais (anonymous) lists the year's periods with links; GET /editais/{inicio} finds one."""
    import requests

    store.put(START, END, *documents)
    http = client_of("distribuicao").http

    listed = http.get("/editais?ano=2031")
    assert listed.status_code == 200
    body = listed.json_body
    assert body["ano"] == 2031
    first = next(item for item in body["itens"] if item["inicio"] == "2031-03-01")
    assert first["fim"] == "2031-03-15"
    assert requests.get(first["pdf_url"], timeout=5).content == documents[1]
    assert requests.get(first["json_url"], timeout=5).content == documents[0]
    assert [i["inicio"] for i in body["itens"]] == sorted(i["inicio"] for i in body["itens"])

    one = http.get("/editais/2031-03-01")
    assert one.status_code == 200 and one.json_body["fim"] == "2031-03-15"

    missing = http.get("/editais/2031-03-02")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"
    assert missing.json_body["field"] == "inicio" and "02/03/2031" in missing.json_body["detail"]
    bad = http.get("/editais/2031-13-01")
    assert bad.status_code == 422 and bad.json_body["field"] == "inicio"
    assert http.get("/editais?ano=1999").status_code in (400, 422)
    assert http.get("/editais?ano=2040").json_body == {"ano": 2040, "itens": []}
