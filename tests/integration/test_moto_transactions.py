"""The moto TransactWriteItems patch (infra/devstack/moto_patches.py): rollback in place, no table copy or swap."""

from __future__ import annotations

import threading
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

from devstack import moto_patches

REGION = "sa-east-1"


@pytest.fixture
def table(aws_stack):
    name = f"moto-patch-{uuid.uuid4().hex[:8]}"
    client = boto3.client("dynamodb", region_name=REGION)
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                   {"AttributeName": "sk", "KeyType": "RANGE"}],
                        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    yield name
    client.delete_table(TableName=name)


def _backend_table(name):
    from moto.dynamodb.models import dynamodb_backends

    account = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
    return dynamodb_backends[account][REGION].tables[name]


def _put(name, sk, value, condition=None):
    op = {"TableName": name, "Item": {"pk": {"S": "a"}, "sk": {"S": sk}, "v": {"N": str(value)}}}
    if condition:
        op["ConditionExpression"] = condition
    return {"Put": op}


def _stream_records(name):
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    arn = boto3.client("dynamodb", region_name=REGION).describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    return streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"], streams, iterator


def test_patch_is_active_for_the_pinned_moto():
    assert moto_patches.moto_version() == moto_patches.PATCHED_MOTO_VERSION
    assert moto_patches.apply() is True


def test_patch_refuses_another_moto_version(monkeypatch):
    from moto.dynamodb.models import DynamoDBBackend

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", lambda self, items: None)
    with pytest.warns(RuntimeWarning, match="not applied"):
        assert moto_patches.apply(expected_version="0.0.0") is False


def test_a_successful_transaction_applies_every_item(table):
    client = boto3.client("dynamodb", region_name=REGION)
    client.transact_write_items(TransactItems=[_put(table, "1", 1), _put(table, "2", 2),
                                               _put(table, "3", 3, "attribute_not_exists(pk)")])
    items = client.query(TableName=table, KeyConditionExpression="pk = :a",
                         ExpressionAttributeValues={":a": {"S": "a"}})["Items"]
    assert sorted(i["sk"]["S"] for i in items) == ["1", "2", "3"]
    assert len(_stream_records(table)[0]) == 3


def test_a_cancelled_transaction_keeps_the_table_object_its_shard_and_its_items(table):
    client = boto3.client("dynamodb", region_name=REGION)
    client.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "v": {"N": "1"}})
    before_table = _backend_table(table)
    before_shard = before_table.stream_shard
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}},
                        "UpdateExpression": "SET v = :v", "ExpressionAttributeValues": {":v": {"N": "9"}}}},
            _put(table, "2", 2),
            _put(table, "1b", 3, "attribute_exists(pk)"),  # fails: nothing may be written
        ])
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in refused.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "ConditionalCheckFailed"]
    assert _backend_table(table) is before_table
    assert _backend_table(table).stream_shard is before_shard
    items = client.query(TableName=table, KeyConditionExpression="pk = :a",
                         ExpressionAttributeValues={":a": {"S": "a"}})["Items"]
    assert [(i["sk"]["S"], i["v"]["N"]) for i in items] == [("1", "1")]
    assert len(_stream_records(table)[0]) == 1


def test_a_failure_while_applying_restores_the_touched_items_in_place(table):
    client = boto3.client("dynamodb", region_name=REGION)
    client.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "v": {"N": "1"}})
    before_table = _backend_table(table)
    with pytest.raises(ClientError):
        client.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}},
                        "UpdateExpression": "SET v = :v", "ExpressionAttributeValues": {":v": {"N": "9"}}}},
            _put(table, "2", 2),
            {"Update": {"TableName": table, "Key": {"pk": {"S": "a"}, "sk": {"S": "3"}},
                        "UpdateExpression": "SET v = v + :v",  # v does not exist: fails while applying
                        "ExpressionAttributeValues": {":v": {"N": "1"}}}},
        ])
    assert _backend_table(table) is before_table
    items = client.query(TableName=table, KeyConditionExpression="pk = :a",
                         ExpressionAttributeValues={":a": {"S": "a"}})["Items"]
    assert [(i["sk"]["S"], i["v"]["N"]) for i in items] == [("1", "1")]
    assert len(_stream_records(table)[0]) == 1


def test_stream_records_flow_on_the_same_iterator_after_a_refused_write(table):
    client = boto3.client("dynamodb", region_name=REGION)
    client.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "v": {"N": "1"}})
    records, streams, _ = _stream_records(table)
    arn = client.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    with pytest.raises(ClientError):
        client.transact_write_items(TransactItems=[_put(table, "1", 5, "attribute_not_exists(pk)")])
    client.transact_write_items(TransactItems=[_put(table, "2", 2, "attribute_not_exists(pk)")])
    after = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["dynamodb"]["Keys"]["sk"]["S"] for r in after] == ["2"]


def test_concurrent_transactions_are_atomic_against_each_other(table):
    """Two writers increment the same counter inside transactions with a version condition: no update lost."""
    client = boto3.client("dynamodb", region_name=REGION)
    client.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "c"}, "v": {"N": "0"}})
    done = []

    def writer():
        local = boto3.client("dynamodb", region_name=REGION)
        while len(done) < 40:
            current = int(local.get_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"S": "c"}})["Item"]["v"]["N"])
            try:
                local.transact_write_items(TransactItems=[
                    {"Update": {"TableName": table, "Key": {"pk": {"S": "a"}, "sk": {"S": "c"}},
                                "UpdateExpression": "SET v = :n", "ConditionExpression": "v = :c",
                                "ExpressionAttributeValues": {":n": {"N": str(current + 1)},
                                                              ":c": {"N": str(current)}}}}])
                done.append(1)
            except ClientError:
                pass

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = int(client.get_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"S": "c"}})["Item"]["v"]["N"])
    assert final == len(done)


def test_a_repeated_client_request_token_is_not_applied_twice(table):
    """issue 12 point 2: a transaction whose response was lost, retried with its token, answers success once."""
    client = boto3.client("dynamodb", region_name=REGION)
    items = [_put(table, "t1", 1, "attribute_not_exists(pk)")]
    token = f"token-{uuid.uuid4()}"
    client.transact_write_items(TransactItems=items, ClientRequestToken=token)
    client.transact_write_items(TransactItems=items, ClientRequestToken=token)  # the retry: no condition failure
    assert len(_stream_records(table)[0]) == 1
    with pytest.raises(ClientError) as mismatch:
        client.transact_write_items(TransactItems=[_put(table, "t2", 2)], ClientRequestToken=token)
    assert mismatch.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    with pytest.raises(ClientError) as refused:  # without the token, the same write is refused by its condition
        client.transact_write_items(TransactItems=items, ClientRequestToken=f"token-{uuid.uuid4()}")
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
