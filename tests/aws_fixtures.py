"""AWS fixtures for integration and contract tests: moto in-process, with the resources of infra/template.yaml.

The same template the local stack and a real deploy use is deployed once per session through
moto's CloudFormation; its outputs become the services' environment (as in the local stack).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from courtlib.settings import SERVICES, ServiceSettings, env_from_outputs
from devstack import moto_patches

moto_patches.apply()  # moto's TransactWriteItems without table copies (see infra/devstack/moto_patches.py)

ROOT = Path(__file__).resolve().parents[1]


def deploy_template(stage: str = "local") -> dict[str, str]:
    cloudformation = boto3.client("cloudformation", region_name="sa-east-1")
    cloudformation.create_stack(
        StackName=f"tribunal-{stage}",
        TemplateBody=(ROOT / "infra" / "template.yaml").read_text(),
        Parameters=[{"ParameterKey": "Stage", "ParameterValue": stage},
                    *({"ParameterKey": f"{service.capitalize()}QueueVisibilityTimeout", "ParameterValue": "0"}
                      for service in SERVICES)],
    )
    stack = cloudformation.describe_stacks(StackName=f"tribunal-{stage}")["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


@pytest.fixture(scope="session")
def aws_stack():
    """moto for the whole session, with the template deployed and the environment set from its outputs."""
    saved = dict(os.environ)
    with mock_aws():
        outputs = deploy_template()
        os.environ.update(env_from_outputs(outputs))
        yield outputs
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def settings_of(aws_stack):
    """``settings_of("plantao")``: that service's settings as its Lambda would read them."""

    def build(service: str) -> ServiceSettings:
        module = importlib.import_module(f"chalicelib.{service}.settings")
        settings_class = next(value for name, value in vars(module).items()
                              if name.endswith("Settings") and value is not ServiceSettings)
        return settings_class.from_env()


    return build


@pytest.fixture(scope="session")
def service_app(aws_stack):
    """``service_app("plantao")``: the real Chalice app, imported with the stack's environment."""
    from devstack.apps import load_app

    def load(service: str):  # type: ignore[no-untyped-def]
        app = load_app(service)
        if service == "distribuicao":  # draws get their beacon round at once (a test may set another beacon)
            import sys

            from tests.unit.distribuicao.fakes import instant_beacon

            deps = sys.modules["distribuicao_app"].deps
            if deps.beacon is None:
                deps.beacon = instant_beacon()
        return app

    return load


@pytest.fixture
def client_of(service_app):
    """``client_of("plantao")``: a ``chalice.test.Client`` on that service's app."""
    from chalice.test import Client

    clients: list[Client] = []

    def build(service: str) -> Client:
        client = Client(service_app(service))
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def scratch_table(aws_stack):
    """Settings of a fresh, empty table shaped like the services' (from the template), deleted afterwards."""
    import uuid

    from devstack.templates import load_template

    properties = dict(load_template(ROOT / "infra" / "template.yaml")["Resources"]["PlantaoTable"]["Properties"])
    name = f"tribunal-teste-{uuid.uuid4().hex[:8]}"
    client = boto3.client("dynamodb", region_name="sa-east-1")
    client.create_table(
        TableName=name, BillingMode=properties["BillingMode"], KeySchema=properties["KeySchema"],
        AttributeDefinitions=properties["AttributeDefinitions"],
        GlobalSecondaryIndexes=properties["GlobalSecondaryIndexes"],
        StreamSpecification={"StreamEnabled": True, **properties["StreamSpecification"]},
    )
    client.update_time_to_live(TableName=name, TimeToLiveSpecification=properties["TimeToLiveSpecification"])
    yield ServiceSettings(service="plantao", table_name=name, pagination_secret="s",
                          partner_keys_kms_key=os.environ.get("PARTNER_KEYS_KMS_KEY_ARN"))
    client.delete_table(TableName=name)
