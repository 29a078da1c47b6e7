"""infra/template.yaml's resources created by API in moto, each from its template ``Properties``.

Why not moto's CloudFormation: importing it loads nearly all of moto (EC2, Auto Scaling, Lambda…, with
EC2 reading every region's endpoints at import), about a second of `make run`'s start on these
machines, to create a dozen tables, queues and a bucket. These creators make the same resources with
the calls CloudFormation would make, from the same template (the one source of truth), and give the
attributes that ``!Ref``/``!GetAtt`` read. They also apply what moto's CloudFormation skips (a table's
TTL and point-in-time recovery, a bucket's versioning and public access block), so the local stack is
closer to AWS; a table's encryption (``SSESpecification``) is left out, as moto's CloudFormation did.
A template with any other resource type is deployed with moto's CloudFormation as before
(``devstack.aws.deploy_template``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

Creator = Callable[[Any, dict[str, Any]], dict[str, Any]]  # (devstack.aws.Aws, resolved Properties) -> attributes

# CloudFormation's table properties that CreateTable takes under the same name and shape.
_TABLE_SAME = ("TableName", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
               "BillingMode", "ProvisionedThroughput", "Tags", "DeletionProtectionEnabled", "TableClass")


def create_table(aws: Any, props: dict[str, Any], *, point_in_time_recovery: bool = True) -> dict[str, Any]:
    """AWS::DynamoDB::Table: CreateTable, then its TTL and point-in-time recovery as CloudFormation sets them
    (``point_in_time_recovery=False``: not asked, for DynamoDB Local, which has no such operation)."""
    dynamodb = aws.client("dynamodb")
    params = {key: props[key] for key in _TABLE_SAME if key in props}
    if "StreamSpecification" in props:  # CloudFormation's form has no StreamEnabled: declaring it enables it
        params["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    # SSESpecification is left out, as moto's CloudFormation left it: in moto, encryption changes nothing a
    # table stores or answers, and SSEEnabled (a KMS key) would load moto's KMS and make a key per table.
    table = dynamodb.create_table(**params)["TableDescription"]
    name = table["TableName"]
    if "TimeToLiveSpecification" in props:
        ttl = props["TimeToLiveSpecification"]
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={
            "AttributeName": ttl["AttributeName"], "Enabled": _flag(ttl.get("Enabled"))})
    pitr = props.get("PointInTimeRecoverySpecification") or {}
    if point_in_time_recovery and _flag(pitr.get("PointInTimeRecoveryEnabled")):
        dynamodb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True})
    attributes = {"Ref": name, "Arn": table["TableArn"]}
    if table.get("LatestStreamArn"):
        attributes["StreamArn"] = table["LatestStreamArn"]
    return attributes


def tables_on(dynamodb_aws: Any) -> Creator:
    """AWS::DynamoDB::Table created on ``dynamodb_aws`` (DynamoDB Local) while the template's other resources go
    to moto: the attributes (``Arn``, ``StreamArn``) are DynamoDB Local's, so the apps and the stream pollers
    read its streams. Point-in-time recovery is left out (DynamoDB Local has none)."""

    def create(_aws: Any, props: dict[str, Any]) -> dict[str, Any]:
        return create_table(dynamodb_aws, props, point_in_time_recovery=False)

    return create


def create_queue(aws: Any, props: dict[str, Any]) -> dict[str, Any]:
    """AWS::SQS::Queue: CreateQueue with every other property as a queue attribute (strings, policies as JSON)."""
    sqs = aws.client("sqs")
    name = props["QueueName"]
    attributes = {key: _attribute(value) for key, value in props.items() if key not in ("QueueName", "Tags")}
    tags = {tag["Key"]: str(tag["Value"]) for tag in props.get("Tags") or []}
    created = sqs.create_queue(QueueName=name, Attributes=attributes, **({"tags": tags} if tags else {}))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=created, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # The URL as AWS (and moto's CloudFormation) gives it, not the embedded endpoint's: moto accepts both.
    account = arn.split(":")[4]
    url = f"https://sqs.{aws.region}.amazonaws.com/{account}/{name}"
    return {"Ref": url, "Arn": arn, "QueueName": name, "QueueUrl": url}


def create_bucket(aws: Any, props: dict[str, Any]) -> dict[str, Any]:
    """AWS::S3::Bucket: CreateBucket, then its versioning, public access block, encryption and tags."""
    s3 = aws.client("s3")
    name = props["BucketName"]
    location = {} if aws.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": aws.region}}
    s3.create_bucket(Bucket=name, **location)
    if "VersioningConfiguration" in props:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
    if "PublicAccessBlockConfiguration" in props:
        s3.put_public_access_block(Bucket=name,
                                   PublicAccessBlockConfiguration={key: _flag(value) for key, value in
                                                                   props["PublicAccessBlockConfiguration"].items()})
    if "BucketEncryption" in props:
        rules = [{("ApplyServerSideEncryptionByDefault" if key == "ServerSideEncryptionByDefault" else key): value
                  for key, value in rule.items()}  # the API's name for CloudFormation's
                 for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]]
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    if props.get("Tags"):
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": props["Tags"]})
    return {"Ref": name, "Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com",
            "RegionalDomainName": f"{name}.s3.{aws.region}.amazonaws.com"}


def create_kms_key(aws: Any, props: dict[str, Any]) -> dict[str, Any]:
    """AWS::KMS::Key: CreateKey with its description and policy (rotation: moto keeps no key material anyway)."""
    created = aws.client("kms").create_key(Description=props.get("Description", ""),
                                           Policy=json.dumps(props["KeyPolicy"]) if "KeyPolicy" in props else None
                                           or json.dumps({"Version": "2012-10-17", "Statement": []}))["KeyMetadata"]
    return {"Ref": created["KeyId"], "Arn": created["Arn"], "KeyId": created["KeyId"]}


def create_kms_alias(aws: Any, props: dict[str, Any]) -> dict[str, Any]:
    """AWS::KMS::Alias: CreateAlias."""
    aws.client("kms").create_alias(AliasName=props["AliasName"], TargetKeyId=props["TargetKeyId"])
    return {"Ref": props["AliasName"]}


INFRA_CREATORS: Mapping[str, Creator] = {
    "AWS::DynamoDB::Table": create_table,
    "AWS::SQS::Queue": create_queue,
    "AWS::S3::Bucket": create_bucket,
    "AWS::KMS::Key": create_kms_key,
    "AWS::KMS::Alias": create_kms_alias,
}


def _flag(value: Any) -> bool:
    """A template boolean: YAML gives ``True``, a parameter or a quoted value gives ``"true"``."""
    return value is True or str(value).lower() == "true"


def _attribute(value: Any) -> str:
    """A queue property as the string attribute SQS takes (booleans lower-case, policies as JSON)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)
