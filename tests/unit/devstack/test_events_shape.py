"""The Lambda events the local stack builds from boto3 responses have the shapes Lambda documents."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from chalice import Chalice

from devstack.events import (
    Target,
    dynamodb_event,
    failed_item_ids,
    scheduled_event,
    sqs_event,
)

QUEUE_ARN = "arn:aws:sqs:sa-east-1:123456789012:tribunal-local-plantao-eventos.fifo"
STREAM_ARN = "arn:aws:dynamodb:sa-east-1:123456789012:table/tribunal-local-plantao/stream/2026-11-25T19:20:10.427285"

# What boto3's sqs.receive_message(AttributeNames=["All"], MessageAttributeNames=["All"]) returns.
RECEIVED = {"Messages": [
    {
        "MessageId": "6e7b9c2c-0b9e-4b57-9d1e-1f6f6a3c1a01",
        "ReceiptHandle": "AQEB-first",
        "MD5OfBody": "5d41402abc4b2a76b9719d911017c592",
        "Body": '{"id":"e1"}',
        "Attributes": {"SenderId": "AIDAEXAMPLE", "SentTimestamp": "1795634410427", "ApproximateReceiveCount": "1",
                       "ApproximateFirstReceiveTimestamp": "1795634410500", "MessageGroupId": "calendario-2026",
                       "MessageDeduplicationId": "e1", "SequenceNumber": "18899999999999999999"},
        "MD5OfMessageAttributes": "3ae8f24a165a8cedc005670c81a27295",
        "MessageAttributes": {"type": {"StringValue": "br.jus.tribunal.calendario.dia-registrado.v1",
                                       "DataType": "String"},
                              "assinatura": {"BinaryValue": b"\x01\x02", "DataType": "Binary"}},
    },
    {
        "MessageId": "0c1d2e3f-0000-4000-8000-000000000002",
        "ReceiptHandle": "AQEB-second",
        "MD5OfBody": "7d793037a0760186574b0282f2f435e7",
        "Body": '{"id":"e2"}',
        "Attributes": {"ApproximateReceiveCount": "3", "MessageGroupId": "calendario-2026",
                       "MessageDeduplicationId": "e2", "SequenceNumber": "18900000000000000000"},
    },
]}

# What boto3's dynamodbstreams.get_records returns (moto's shape: datetime, region of its own).
RECORDS = {"Records": [
    {
        "eventID": "7de3041dd709b024af6f29e4fa13d34c",
        "eventName": "INSERT",
        "eventVersion": "1.0",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2026, 11, 25, 19, 20, 10, tzinfo=UTC),
            "Keys": {"pk": {"S": "OUTBOX#e1"}, "sk": {"S": "EVENTO"}},
            "NewImage": {"pk": {"S": "OUTBOX#e1"}, "sk": {"S": "EVENTO"}, "hash": {"B": b"\xff\x00"},
                         "partes": {"L": [{"BS": [b"a", b"b"]}, {"N": "1"}]}},
            "SequenceNumber": "1100000000017454423009",
            "SizeBytes": 120,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    },
    {
        "eventID": "8ee3041dd709b024af6f29e4fa13d34d",
        "eventName": "MODIFY",
        "eventVersion": "1.0",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2026, 11, 25, 19, 20, 11, tzinfo=UTC),
            "Keys": {"pk": {"S": "OUTBOX#e1"}, "sk": {"S": "EVENTO"}},
            "NewImage": {"pk": {"S": "OUTBOX#e1"}, "sk": {"S": "EVENTO"}},
            "OldImage": {"pk": {"S": "OUTBOX#e1"}, "sk": {"S": "EVENTO"}, "gsi1pk": {"S": "OUTBOX#PENDENTE"}},
            "SequenceNumber": "1100000000017454423010",
            "SizeBytes": 150,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    },
]}


def test_sqs_event_has_lambdas_record_shape():
    event = sqs_event(RECEIVED["Messages"], QUEUE_ARN, "sa-east-1")
    first, second = event["Records"]
    assert set(first) == {"messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody",
                          "md5OfMessageAttributes", "eventSource", "eventSourceARN", "awsRegion"}
    assert first["messageId"] != second["messageId"]
    assert first["receiptHandle"] == "AQEB-first"
    assert first["body"] == '{"id":"e1"}'
    assert first["md5OfBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert first["eventSource"] == "aws:sqs" and first["eventSourceARN"] == QUEUE_ARN
    assert first["awsRegion"] == "sa-east-1"
    assert first["attributes"]["MessageGroupId"] == "calendario-2026"
    assert first["attributes"]["MessageDeduplicationId"] == "e1"
    assert first["attributes"]["SequenceNumber"] == "18899999999999999999"
    assert second["attributes"]["ApproximateReceiveCount"] == "3"
    assert first["messageAttributes"]["type"] == {
        "stringValue": "br.jus.tribunal.calendario.dia-registrado.v1", "stringListValues": [],
        "binaryListValues": [], "dataType": "String"}
    assert first["messageAttributes"]["assinatura"]["binaryValue"] == base64.b64encode(b"\x01\x02").decode()
    assert "md5OfMessageAttributes" not in second and second["messageAttributes"] == {}


def test_dynamodb_event_has_lambdas_record_shape():
    event = dynamodb_event(RECORDS["Records"], STREAM_ARN, "sa-east-1")
    insert, modify = event["Records"]
    assert set(insert) == {"eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb",
                           "eventSourceARN"}
    assert insert["eventName"] == "INSERT" and modify["eventName"] == "MODIFY"
    assert insert["eventSource"] == "aws:dynamodb" and insert["eventSourceARN"] == STREAM_ARN
    assert insert["awsRegion"] == "sa-east-1", "the stack's region, not moto's hard-coded one"
    body = insert["dynamodb"]
    assert body["ApproximateCreationDateTime"] == int(datetime(2026, 11, 25, 19, 20, 10, tzinfo=UTC).timestamp())
    assert body["Keys"] == {"pk": {"S": "OUTBOX#e1"}, "sk": {"S": "EVENTO"}}
    assert body["NewImage"]["hash"] == {"B": base64.b64encode(b"\xff\x00").decode()}
    assert body["NewImage"]["partes"] == {"L": [{"BS": ["YQ==", "Yg=="]}, {"N": "1"}]}
    assert body["SequenceNumber"] == "1100000000017454423009"
    assert body["SizeBytes"] == 120 and body["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert "OldImage" not in body
    assert modify["dynamodb"]["OldImage"]["gsi1pk"] == {"S": "OUTBOX#PENDENTE"}


def test_scheduled_event_is_eventbridges_scheduled_event():
    rule = "arn:aws:events:sa-east-1:123456789012:rule/plantao-local-sweep_outbox"
    event = scheduled_event(rule, "sa-east-1", "123456789012", datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
    assert event["version"] == "0" and event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["time"] == "2026-12-01T06:00:00Z"
    assert event["resources"] == [rule] and event["detail"] == {} and event["account"] == "123456789012"
    assert event["id"] != scheduled_event(rule, "sa-east-1", "123456789012")["id"]


def test_the_events_parse_with_chalice_and_powertools_as_the_handlers_will():
    from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent, SQSEvent

    app = Chalice(app_name="forma")
    seen = {}

    @app.on_sqs_message(queue="fila.fifo")
    def consume_events(event):
        seen["sqs"] = [(r.body, r.receipt_handle) for r in event]
        seen["context"] = event.context.function_name
        return {"batchItemFailures": []}

    @app.on_dynamodb_record(stream_arn=STREAM_ARN)
    def relay_outbox(event):
        seen["stream"] = [(r.event_name, r.keys, r.sequence_number) for r in event]

    @app.schedule("rate(5 minutes)")
    def sweep_outbox(event):
        seen["schedule"] = (event.detail_type, event.resources)

    target = Target("plantao", app, "consume_events", stage="local")
    assert target.invoke(sqs_event(RECEIVED["Messages"], QUEUE_ARN, "sa-east-1")) == {"batchItemFailures": []}
    assert seen["sqs"] == [('{"id":"e1"}', "AQEB-first"), ('{"id":"e2"}', "AQEB-second")]
    assert seen["context"] == "forma-local-consume_events"
    Target("plantao", app, "relay_outbox").invoke(dynamodb_event(RECORDS["Records"], STREAM_ARN, "sa-east-1"))
    assert seen["stream"][0] == ("INSERT", {"pk": {"S": "OUTBOX#e1"}, "sk": {"S": "EVENTO"}}, "1100000000017454423009")
    Target("plantao", app, "sweep_outbox").invoke(scheduled_event("arn:rule", "sa-east-1", "123456789012"))
    assert seen["schedule"] == ("Scheduled Event", ["arn:rule"])

    powertools_sqs = SQSEvent(sqs_event(RECEIVED["Messages"], QUEUE_ARN, "sa-east-1"))
    assert [r.message_id for r in powertools_sqs.records] == [m["MessageId"] for m in RECEIVED["Messages"]]
    assert next(powertools_sqs.records).attributes.message_group_id == "calendario-2026"
    stream = DynamoDBStreamEvent(dynamodb_event(RECORDS["Records"], STREAM_ARN, "sa-east-1"))
    record = next(stream.records)
    assert record.dynamodb.new_image["pk"] == "OUTBOX#e1"
    assert record.dynamodb.approximate_creation_date_time == 1795634410


def test_batch_item_failures_are_read_as_lambda_reads_them():
    ids = ["a", "b", "c"]
    assert failed_item_ids(None, ids) == []
    assert failed_item_ids({"publicados": 1}, ids) == []
    assert failed_item_ids({"batchItemFailures": []}, ids) == []
    assert failed_item_ids({"batchItemFailures": [{"itemIdentifier": "b"}]}, ids) == ["b"]
    assert failed_item_ids({"batchItemFailures": [{"itemIdentifier": "x"}]}, ids) is None, "unknown id: all failed"
    assert failed_item_ids({"batchItemFailures": [{"itemIdentifier": ""}]}, ids) is None
    assert failed_item_ids({"batchItemFailures": [{}]}, ids) is None
