"""The local stack creates infra/template.yaml's resources by API (devstack.resources) instead of moto's
CloudFormation: the same tables, queues, bucket and outputs, plus what moto's CloudFormation skips.

Both ways run against one embedded AWS (moto's server on an ephemeral port), each with its own stage.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack import moto_speedups
from devstack.aws import Aws, MotoServer, apply_template, deploy_stack, deploy_template
from devstack.resources import INFRA_CREATORS

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "template.yaml"
PARAMETERS = {"QueueVisibilityTimeout": "5", "MaxReceiveCount": "3"}


@pytest.fixture(scope="module")
def aws() -> Iterator[Aws]:
    server = MotoServer(port=0)
    endpoint = server.start()
    client = Aws(endpoint)
    try:
        yield client
    finally:
        client.close()
        server.stop()


@pytest.fixture(scope="module")
def both(aws: Aws) -> tuple[dict[str, str], dict[str, str]]:
    """(outputs by API, outputs by moto's CloudFormation), stages "porapi" and "porcfn"."""
    by_api = deploy_template(aws, TEMPLATE, "tribunal-porapi", {"Stage": "porapi", **PARAMETERS})
    by_cfn = deploy_stack(aws, TEMPLATE, "tribunal-porcfn", {"Stage": "porcfn", **PARAMETERS})
    return by_api, by_cfn


def _same(value: Any, stage: str) -> Any:
    """``value`` with the stage's name and stream labels (creation times) replaced, to compare two stages."""
    text = re.sub(r"/stream/[0-9T:.-]+", "/stream/<label>", json.dumps(value, default=str))
    text = re.sub(r":key/[0-9a-f-]{36}", ":key/<id>", text)  # a KMS key's id is random
    return json.loads(text.replace(stage, "<stage>"))


def test_the_outputs_are_those_cloudformation_gives(both):
    by_api, by_cfn = both
    assert _same(by_api, "porapi") == _same(by_cfn, "porcfn")


def test_each_table_has_the_keys_indexes_stream_and_encryption_of_the_template(aws, both):
    by_api, by_cfn = both
    dynamodb = aws.client("dynamodb")
    shape = ("KeySchema", "AttributeDefinitions", "BillingModeSummary", "StreamSpecification", "SSEDescription")
    for name in (key for key in by_api if key.endswith("TableName")):
        mine = dynamodb.describe_table(TableName=by_api[name])["Table"]
        theirs = dynamodb.describe_table(TableName=by_cfn[name])["Table"]
        assert {k: mine.get(k) for k in shape} == {k: theirs.get(k) for k in shape}, name
        assert ([(i["IndexName"], i["KeySchema"], i["Projection"]) for i in mine["GlobalSecondaryIndexes"]]
                == [(i["IndexName"], i["KeySchema"], i["Projection"]) for i in theirs["GlobalSecondaryIndexes"]])
        assert mine["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_each_queue_has_the_attributes_of_the_template(aws, both):
    by_api, by_cfn = both
    sqs = aws.client("sqs")
    for name in (key for key in by_api if key.endswith("QueueUrl") or key.endswith("DlqUrl")):
        mine = sqs.get_queue_attributes(QueueUrl=by_api[name], AttributeNames=["All"])["Attributes"]
        theirs = sqs.get_queue_attributes(QueueUrl=by_cfn[name], AttributeNames=["All"])["Attributes"]
        variable = {"CreatedTimestamp", "LastModifiedTimestamp"}
        assert _same({k: v for k, v in mine.items() if k not in variable}, "porapi") == \
            _same({k: v for k, v in theirs.items() if k not in variable}, "porcfn"), name
        if "RedrivePolicy" in mine:
            assert json.loads(mine["RedrivePolicy"])["maxReceiveCount"] == 3


def test_what_moto_cloudformation_skips_is_applied_too(aws, both):
    """TTL, point-in-time recovery, versioning and public access block, as the template declares them."""
    by_api, _ = both
    dynamodb, s3 = aws.client("dynamodb"), aws.client("s3")
    table = by_api["PlantaoTableName"]
    assert dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expiration"}
    backups = dynamodb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    bucket = by_api["DocumentsBucket"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_a_template_with_a_type_without_a_creator_goes_through_cloudformation(aws, tmp_path):
    template = tmp_path / "outro.yaml"
    template.write_text("Resources:\n  Topico:\n    Type: AWS::SNS::Topic\n    Properties:\n"
                        "      TopicName: devstack-outro\nOutputs:\n  TopicoArn:\n    Value: !Ref Topico\n")
    assert "AWS::SNS::Topic" not in INFRA_CREATORS
    outputs = deploy_template(aws, template, "devstack-outro", {})
    assert outputs["TopicoArn"].endswith(":devstack-outro")


def test_resources_are_created_after_those_they_reference(aws, tmp_path):
    """The queue names its DLQ's ARN: the DLQ is created first whatever the order in the file."""
    template = tmp_path / "ordem.yaml"
    template.write_text(
        "Resources:\n"
        "  Fila:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: ordem-fila\n"
        "      RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 2}\n"
        "  Dlq:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: ordem-dlq\n"
        "Outputs:\n  FilaArn:\n    Value: !GetAtt Fila.Arn\n")
    outputs = apply_template(aws, template, {}, INFRA_CREATORS)
    attributes = aws.client("sqs").get_queue_attributes(QueueUrl=aws.client("sqs").get_queue_url(
        QueueName="ordem-fila")["QueueUrl"], AttributeNames=["RedrivePolicy"])["Attributes"]
    assert json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"].endswith(":ordem-dlq")
    assert outputs["FilaArn"].endswith(":ordem-fila")


def test_stream_records_read_the_same_with_and_without_the_fast_answer(aws, both):
    """moto_speedups writes GetRecords with json.dumps: boto3 reads what moto's own serialiser gives."""
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    by_api, _ = both
    table = by_api["CooperacaoTableName"]
    aws.client("dynamodb").put_item(TableName=table, Item={
        "pk": {"S": "a"}, "sk": {"S": "b"}, "n": {"N": "1.50"}, "b": {"B": b"\x00\x01"}, "ok": {"BOOL": True},
        "nada": {"NULL": True}, "lista": {"L": [{"S": "x"}, {"M": {"y": {"SS": ["p", "q"]}}}]},
        "texto": {"S": "ação"}})
    aws.client("dynamodb").put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "b"}, "n": {"N": "2"}})
    streams = aws.client("dynamodbstreams")
    stream = by_api["CooperacaoStreamArn"]
    shard = streams.describe_stream(StreamArn=stream)["StreamDescription"]["Shards"][0]["ShardId"]

    def read() -> list[dict[str, Any]]:
        iterator = streams.get_shard_iterator(StreamArn=stream, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        return streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]

    assert moto_speedups.apply()
    fast = read()
    patched = DynamoDBStreamsHandler.get_records
    DynamoDBStreamsHandler.get_records = moto_speedups.ORIGINALS["DynamoDBStreamsHandler.get_records"]
    try:
        slow = read()
    finally:
        DynamoDBStreamsHandler.get_records = patched
    assert [r["eventName"] for r in fast] == ["INSERT", "MODIFY"]
    assert fast == slow


def test_the_backend_of_a_host_is_the_one_moto_finds(aws):
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    assert moto_speedups.apply()
    original = moto_speedups.ORIGINALS["DomainDispatcherApplication.get_backend_for_host"]
    dispatcher = DomainDispatcherApplication(lambda service: None)  # type: ignore[arg-type,return-value]
    for host in ("dynamodb", "dynamodbstreams", "sqs.sa-east-1.amazonaws.com", "s3.amazonaws.com",
                 "cognito-idp.sa-east-1.amazonaws.com", "moto_api", "nada.exemplo"):
        assert dispatcher.get_backend_for_host(host) == original(dispatcher, host) == \
            dispatcher.get_backend_for_host(host), host
