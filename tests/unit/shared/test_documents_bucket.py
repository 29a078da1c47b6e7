"""The documents bucket's S3 mechanics, shared by the services' document stores (moto in-process)."""

from __future__ import annotations

import uuid

import boto3
import pytest
from moto import mock_aws

from courtlib.documents import DocumentsBucket
from courtlib.settings import ServiceSettings


@pytest.fixture
def name():
    return f"documentos-{uuid.uuid4().hex[:12]}"  # a session-wide moto (integration tests) may already hold one


@pytest.fixture
def bucket(monkeypatch, name):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="sa-east-1")
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "sa-east-1"})
        settings = ServiceSettings(service="x", table_name="t", pagination_secret="s", documents_bucket=name)
        yield DocumentsBucket(settings, client=s3)


def test_what_is_put_is_read_back_with_its_metadata_and_content_type(bucket, name):
    bucket.put("a/b.pdf", b"%PDF", "application/pdf", metadata={"sha256": "abc"},
               disposition='inline; filename="b.pdf"')
    assert bucket.get("a/b.pdf") == b"%PDF"
    assert bucket.metadata("a/b.pdf") == {"sha256": "abc"}
    head = bucket.s3.head_object(Bucket=name, Key="a/b.pdf")
    assert head["ContentType"] == "application/pdf"
    assert head["ContentDisposition"] == 'inline; filename="b.pdf"'


def test_a_missing_key_reads_as_none(bucket):
    assert bucket.get("nada") is None
    assert bucket.metadata("nada") is None


def test_keys_lists_only_the_prefix(bucket):
    for key in ("p/2026/a.json", "p/2026/b.json", "p/2027/c.json"):
        bucket.put(key, b"{}", "application/json")
    assert list(bucket.keys("p/2026/")) == ["p/2026/a.json", "p/2026/b.json"]


def test_a_presigned_link_names_the_bucket_and_key(bucket, name):
    link = bucket.presigned_get("a/b.pdf", expires=60)
    assert name in link and "/a/b.pdf?" in link and "Expires=" in link


def test_without_a_configured_bucket_the_store_refuses():
    settings = ServiceSettings(service="x", table_name="t", pagination_secret="s")
    with pytest.raises(RuntimeError, match="DOCUMENTS_BUCKET"):
        DocumentsBucket(settings, client=object()).put("k", b"", "text/plain")
