"""infra/template.yaml deployed into moto (the session's ``aws_stack``) gives every service what it needs.

moto 5.2's CloudFormation ignores a table's ``TimeToLiveSpecification`` and
``PointInTimeRecoverySpecification`` (and a bucket's versioning and public access block), so those
are checked on the template itself; everything moto does create is checked through the AWS APIs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from cfnlint.decode import cfn_yaml

from courtlib.settings import SERVICES, env_from_outputs

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "template.yaml"
IDENTITY = ROOT / "infra" / "identity.yaml"
REGION = "sa-east-1"
STAGE = "local"  # the stage conftest deploys
OUTPUTS_PER_SERVICE = ("TableName", "StreamArn", "QueueUrl", "QueueName", "QueueArn", "DlqUrl", "DlqArn")


def output_names(service: str) -> list[str]:
    return [f"{service.capitalize()}{suffix}" for suffix in OUTPUTS_PER_SERVICE]


@pytest.fixture(scope="module")
def template() -> dict:
    return cfn_yaml.loads(TEMPLATE.read_text())


@pytest.mark.parametrize("service", SERVICES)
def test_every_output_of_the_conventions_exists(aws_stack, service):
    missing = [name for name in output_names(service) if not aws_stack.get(name)]
    assert not missing, f"outputs missing for {service}: {missing}"
    assert aws_stack["DocumentsBucket"] == f"tribunal-{STAGE}-documentos-123456789012"


def test_outputs_are_exported_under_the_stage_prefix(aws_stack):
    listed = boto3.client("cloudformation", region_name=REGION).list_exports()["Exports"]
    exports = {e["Name"]: e["Value"] for e in listed}
    for name, value in aws_stack.items():
        assert exports.get(f"tribunal-{STAGE}-{name}") == value


@pytest.mark.parametrize("service", SERVICES)
def test_outputs_become_the_settings_of_the_service(aws_stack, settings_of, service):
    env = env_from_outputs(aws_stack)
    assert env[f"{service.upper()}_TABLE_NAME"] == f"tribunal-{STAGE}-{service}"
    settings = settings_of(service)
    assert settings.table_name == f"tribunal-{STAGE}-{service}"
    assert settings.queue_name == f"tribunal-{STAGE}-{service}-eventos.fifo"
    assert settings.queue_url == aws_stack[f"{service.capitalize()}QueueUrl"]
    assert settings.dlq_url == aws_stack[f"{service.capitalize()}DlqUrl"]
    assert settings.stream_arn == aws_stack[f"{service.capitalize()}StreamArn"]


@pytest.mark.parametrize("service", SERVICES)
def test_table_has_both_gsis_and_a_stream(aws_stack, service):
    table = boto3.client("dynamodb", region_name=REGION).describe_table(
        TableName=aws_stack[f"{service.capitalize()}TableName"])["Table"]
    keys = {k["KeyType"]: k["AttributeName"] for k in table["KeySchema"]}
    assert keys == {"HASH": "pk", "RANGE": "sk"}
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"gsi1", "gsi2"}
    for name, index in indexes.items():
        assert [k["AttributeName"] for k in index["KeySchema"]] == [f"{name}pk", f"{name}sk"]
        assert index["Projection"]["ProjectionType"] == "ALL"
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["LatestStreamArn"] == aws_stack[f"{service.capitalize()}StreamArn"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


@pytest.mark.parametrize("service", SERVICES)
def test_table_declares_ttl_on_expiration_and_pitr(template, service):
    # Checked on the template: moto's CloudFormation leaves TTL and PITR disabled whatever it says.
    resource = template["Resources"][f"{service.capitalize()}Table"]
    properties = resource["Properties"]
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize("service", SERVICES)
def test_queue_is_fifo_and_redrives_to_its_dlq(aws_stack, service):
    sqs = boto3.client("sqs", region_name=REGION)
    name = service.capitalize()
    queue = sqs.get_queue_attributes(QueueUrl=aws_stack[f"{name}QueueUrl"], AttributeNames=["All"])["Attributes"]
    dlq = sqs.get_queue_attributes(QueueUrl=aws_stack[f"{name}DlqUrl"], AttributeNames=["All"])["Attributes"]
    assert queue["FifoQueue"] == dlq["FifoQueue"] == "true"
    assert queue["ContentBasedDeduplication"] == "false"
    assert queue["QueueArn"] == aws_stack[f"{name}QueueArn"]
    assert dlq["QueueArn"] == aws_stack[f"{name}DlqArn"]
    redrive = {"deadLetterTargetArn": aws_stack[f"{name}DlqArn"], "maxReceiveCount": 5}
    assert json.loads(queue["RedrivePolicy"]) == redrive
    assert dlq["MessageRetentionPeriod"] == str(14 * 24 * 3600)
    assert queue["SqsManagedSseEnabled"] == dlq["SqsManagedSseEnabled"] == "true"


@pytest.mark.parametrize("service", SERVICES)
def test_dlq_allows_redrive_from_its_source_queue_only(template, service):
    # Checked on the template: moto accepts RedriveAllowPolicy but does not report it back.
    name = service.capitalize()
    policy = template["Resources"][f"{name}Dlq"]["Properties"]["RedriveAllowPolicy"]
    assert policy["redrivePermission"] == "byQueue"
    [source] = policy["sourceQueueArns"]
    assert source["Fn::Sub"].endswith(f":tribunal-${{Stage}}-{service}-eventos.fifo")


def test_documents_bucket_is_encrypted_and_private(aws_stack, template):
    s3 = boto3.client("s3", region_name=REGION)
    rules = s3.get_bucket_encryption(Bucket=aws_stack["DocumentsBucket"])["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    properties = template["Resources"]["DocumentsBucket"]["Properties"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(properties["PublicAccessBlockConfiguration"].values())
    assert len(properties["PublicAccessBlockConfiguration"]) == 4


def test_templates_pass_cfn_lint():
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), str(TEMPLATE), str(IDENTITY)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
