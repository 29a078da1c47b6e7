"""One factory makes every boto3 client, once per service, region, endpoint and options."""

from __future__ import annotations

import threading

import pytest

from courtlib import aws
from courtlib.settings import ServiceSettings


@pytest.fixture(autouse=True)
def fresh_clients(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    aws.clear()
    yield
    aws.clear()


def settings(**values) -> ServiceSettings:
    return ServiceSettings(service="x", table_name="t", pagination_secret="s", **values)


def test_a_client_is_made_once_for_the_same_service_region_and_endpoint():
    local = settings(endpoint_url="http://127.0.0.1:5999")
    assert aws.client("sqs", local) is aws.client("sqs", local)
    assert aws.client("sqs", local) is not aws.client("s3", local)
    assert aws.client("sqs", local) is not aws.client("sqs", settings())


def test_the_client_carries_the_settings_region_and_endpoint():
    sqs = aws.client("sqs", settings(region="us-east-1", endpoint_url="http://127.0.0.1:5999"))
    assert sqs.meta.region_name == "us-east-1"
    assert sqs.meta.endpoint_url == "http://127.0.0.1:5999"


def test_retries_and_s3_options_reach_botocore():
    dynamodb = aws.client("dynamodb", settings(), max_attempts=5)
    assert dynamodb.meta.config.retries["mode"] == "standard"
    assert dynamodb.meta.config.retries["total_max_attempts"] == 6  # botocore counts the first call here
    s3 = aws.client("s3", settings(), signature_version="s3v4", addressing_style="path")
    assert s3.meta.config.signature_version == "s3v4"
    assert s3.meta.config.s3 == {"addressing_style": "path"}


def test_threads_asking_at_once_share_one_client():
    made = []
    threads = [threading.Thread(target=lambda: made.append(aws.client("sqs", settings()))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in made}) == 1


def test_dynamodb_may_have_its_own_endpoint_while_the_other_services_keep_the_shared_one():
    split = ServiceSettings.from_env({"AWS_ENDPOINT_URL": "http://127.0.0.1:5999",
                                      "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:6000",
                                      "TABLE_NAME": "t", "SERVICE": "x", "PAGINATION_SECRET": "s"})
    assert aws.client("dynamodb", split).meta.endpoint_url == "http://127.0.0.1:6000"
    assert aws.client("sqs", split).meta.endpoint_url == "http://127.0.0.1:5999"
    from courtlib.persistence import TableItem, bind

    assert bind(TableItem, split).Meta.host == "http://127.0.0.1:6000"


def test_without_its_own_endpoint_dynamodb_uses_the_shared_one():
    shared = settings(endpoint_url="http://127.0.0.1:5999")
    assert shared.dynamodb_endpoint == "http://127.0.0.1:5999"
    assert aws.client("dynamodb", shared).meta.endpoint_url == "http://127.0.0.1:5999"
