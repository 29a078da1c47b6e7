"""The embedded AWS: moto's server in this process, the infra template deployed into it, identity applied.

Both templates are applied the same way (:func:`apply_template`): each resource is created by API from
its template ``Properties``, in dependency order, and the ``Outputs`` are evaluated like CloudFormation
would. ``infra/template.yaml``'s tables, queues and bucket come from ``devstack.resources`` (faster than
moto's CloudFormation, see there; a template with another resource type goes through moto's
CloudFormation, :func:`deploy_stack`); ``infra/identity.yaml`` declares what moto's CloudFormation
cannot create (Cognito user pool, groups and client; the SES identity).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from devstack import moto_patches, moto_speedups, moto_sqs_dedup
from devstack.resources import INFRA_CREATORS, Creator
from devstack.templates import Resolver, Unresolved, load_template

REGION = "sa-east-1"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
log = logging.getLogger("devstack")


@dataclass
class Aws:
    """Clients for one endpoint; boto3 clients are thread-safe (making one is not: under a lock), the pool is
    sized for the pollers."""

    endpoint: str
    region: str = REGION
    _session: Any = field(default=None, repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: Any = field(default_factory=threading.Lock, repr=False)

    def client(self, name: str) -> Any:
        with self._lock:
            if name not in self._clients:
                if self._session is None:
                    self._session = boto3.session.Session(aws_access_key_id="testing",
                                                          aws_secret_access_key="testing", region_name=self.region)
                self._clients[name] = self._session.client(
                    name, endpoint_url=self.endpoint,
                    config=BotoConfig(max_pool_connections=32, retries={"max_attempts": 2, "mode": "standard"}))
            return self._clients[name]

    def close(self) -> None:
        """Closes the clients' connections (each keeps a moto server thread alive otherwise)."""
        for client in list(self._clients.values()):
            if hasattr(client, "close"):
                client.close()
        self._clients.clear()

    @property
    def account(self) -> str:
        if "_account" not in self._clients:
            self._clients["_account"] = self.client("sts").get_caller_identity()["Account"]
        return self._clients["_account"]


class MotoServer:
    """moto's ThreadedMotoServer on 127.0.0.1 (``port=0``: an ephemeral port, for tests)."""

    def __init__(self, port: int = 4566) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # otherwise every request is logged
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self._port = port
        self.endpoint = ""

    def start(self) -> str:
        if self._port:
            _ensure_free(self._port)  # ThreadedMotoServer.start() would wait forever on a port in use
        serialise_dynamodb()
        moto_patches.apply()
        moto_speedups.apply()
        moto_sqs_dedup.apply()  # FIFO deduplication ids outlive the message, as in SQS
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        return self.endpoint

    def stop(self) -> None:
        if self.endpoint:
            self._server.stop()
            self.endpoint = ""


def serialise_dynamodb() -> None:
    """One DynamoDB request at a time inside moto, as atomic as DynamoDB's own transactions.

    moto runs TransactWriteItems as plain Python without a lock (it snapshots and restores the whole
    table around it), so concurrent requests can interleave inside one "atomic" transaction, lose
    writes or fail with "dictionary changed size during iteration". Idempotent.
    """
    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler.call_action, "_serialised", False):
        return
    lock = threading.RLock()
    original = DynamoHandler.call_action

    def call_action(self: Any) -> Any:
        with lock:
            return original(self)

    call_action._serialised = True  # type: ignore[attr-defined]
    DynamoHandler.call_action = call_action  # type: ignore[method-assign]


def _ensure_free(port: int) -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise OSError(error.errno, f"porta {port} em uso (outra pilha local rodando?)") from None


def aws_environment(endpoint: str, region: str = REGION) -> dict[str, str]:
    """What every local process needs to reach the embedded AWS with fake credentials."""
    return {"AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": region, "AWS_REGION": region, **FAKE_CREDENTIALS}


def deploy_stack(aws: Aws, template_path: Path, stack_name: str, parameters: Mapping[str, str],
                 timeout: float = 60.0) -> dict[str, str]:
    """Creates the stack from the template (only the parameters it declares) and returns its outputs."""
    declared = load_template(template_path).get("Parameters") or {}
    cloudformation = aws.client("cloudformation")
    cloudformation.create_stack(
        StackName=stack_name, TemplateBody=template_path.read_text(encoding="utf-8"),
        Parameters=[{"ParameterKey": k, "ParameterValue": str(v)} for k, v in parameters.items() if k in declared],
    )
    deadline = time.monotonic() + timeout
    while True:
        stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
        status = stack["StackStatus"]
        if status == "CREATE_COMPLETE":
            return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        if status.endswith(("FAILED", "ROLLBACK_COMPLETE")) or time.monotonic() > deadline:
            events = cloudformation.describe_stack_events(StackName=stack_name)["StackEvents"]
            reasons = [f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason')}" for e in events
                       if e.get("ResourceStatusReason")]
            raise RuntimeError(f"stack {stack_name} not created ({status}): {reasons}")
        time.sleep(0.05)


def _api_params(client: Any, operation: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """The template properties the API operation accepts (CloudFormation and API mostly share names)."""
    members = client.meta.service_model.operation_model(operation).input_shape.members
    return {key: value for key, value in properties.items() if key in members}


# Real Cognito puts every readable standard attribute in the ID token when a client declares no
# ReadAttributes; moto puts none. These keep `email`/`name` in local tokens, as in AWS.
_DEFAULT_READ_ATTRIBUTES = ["email", "email_verified", "name"]


def _create_user_pool(aws: Aws, props: dict[str, Any]) -> dict[str, Any]:
    cognito = aws.client("cognito-idp")
    params = _api_params(cognito, "CreateUserPool", props)
    params["PoolName"] = props["UserPoolName"]
    pool = cognito.create_user_pool(**params)["UserPool"]
    provider = f"cognito-idp.{aws.region}.amazonaws.com/{pool['Id']}"
    return {"Ref": pool["Id"], "Arn": pool["Arn"], "UserPoolId": pool["Id"], "ProviderName": provider,
            "ProviderURL": f"https://{provider}"}


def _create_group(aws: Aws, props: dict[str, Any]) -> dict[str, Any]:
    cognito = aws.client("cognito-idp")
    cognito.create_group(**_api_params(cognito, "CreateGroup", props))
    return {"Ref": props["GroupName"]}


def _create_client(aws: Aws, props: dict[str, Any]) -> dict[str, Any]:
    cognito = aws.client("cognito-idp")
    params = _api_params(cognito, "CreateUserPoolClient", props)
    params.setdefault("ReadAttributes", _DEFAULT_READ_ATTRIBUTES)
    client = cognito.create_user_pool_client(**params)["UserPoolClient"]
    return {"Ref": client["ClientId"], "ClientId": client["ClientId"], "Name": client["ClientName"],
            "ClientSecret": client.get("ClientSecret", "")}


def _create_domain(aws: Aws, props: dict[str, Any]) -> dict[str, Any]:
    cognito = aws.client("cognito-idp")
    cognito.create_user_pool_domain(**_api_params(cognito, "CreateUserPoolDomain", props))
    return {"Ref": props["Domain"]}


def _create_email_identity(aws: Aws, props: dict[str, Any]) -> dict[str, Any]:
    sesv2 = aws.client("sesv2")
    sesv2.create_email_identity(EmailIdentity=props["EmailIdentity"])
    return {"Ref": props["EmailIdentity"]}


_CREATORS: dict[str, Creator] = {
    "AWS::Cognito::UserPool": _create_user_pool,
    "AWS::Cognito::UserPoolGroup": _create_group,
    "AWS::Cognito::UserPoolClient": _create_client,
    "AWS::Cognito::UserPoolDomain": _create_domain,
    "AWS::SES::EmailIdentity": _create_email_identity,
}


def _resolver(aws: Aws, template: Mapping[str, Any], parameters: Mapping[str, str], stack_name: str) -> Resolver:
    """The template's references and conditions resolved with the parameters it declares."""
    declared = template.get("Parameters") or {}
    return Resolver(template, {k: v for k, v in parameters.items() if k in declared}, aws.region, aws.account,
                    stack_name)


def _switched_on(template: Mapping[str, Any], resolver: Resolver) -> dict[str, Any]:
    """The template's resources by logical id, less those whose ``Condition`` is off (never created)."""
    return {name: spec for name, spec in (template.get("Resources") or {}).items()
            if "Condition" not in spec or resolver.condition(spec["Condition"])}


def deploy_template(aws: Aws, template_path: Path, stack_name: str, parameters: Mapping[str, str],
                    creators: Mapping[str, Creator] = INFRA_CREATORS, *,
                    cloudformation_fallback: bool = True) -> dict[str, str]:
    """Creates the infra template's resources and returns its outputs: by API when ``creators`` (default
    ``devstack.resources``) creates every type it declares, else with moto's CloudFormation — unless
    ``cloudformation_fallback`` is False (tables on DynamoDB Local: moto's CloudFormation would put them in moto)."""
    template = load_template(template_path)
    declared = _switched_on(template, _resolver(aws, template, parameters, stack_name))
    unknown = sorted({spec["Type"] for spec in declared.values()} - set(creators))
    if unknown and not cloudformation_fallback:
        raise RuntimeError(f"{template_path.name}: sem criação direta para {', '.join(unknown)}")
    if unknown:
        log.info("infra: %s sem criação direta; implantando %s pelo CloudFormation do moto", ", ".join(unknown),
                 template_path.name)
        return deploy_stack(aws, template_path, stack_name, parameters)
    return apply_template(aws, template_path, parameters, creators, stack_name=stack_name, template=template)


def apply_identity(aws: Aws, template_path: Path, parameters: Mapping[str, str]) -> dict[str, str]:
    """Creates identity.yaml's resources by API (in dependency order) and returns its outputs."""
    return apply_template(aws, template_path, parameters, _CREATORS)


def apply_template(aws: Aws, template_path: Path, parameters: Mapping[str, str], creators: Mapping[str, Creator],
                   *, stack_name: str = "local", template: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Creates a template's resources with ``creators`` (by type) and returns its outputs.

    In waves: every resource whose references are all created is created in the same wave, side by side
    (on a loaded machine each call to the embedded AWS waits its turn for a CPU, and one wave waits once,
    not once per resource); the next wave is what they unblocked. A resource of a type with no creator
    is skipped with a warning (its ``!Ref`` gives its logical id). ``template``: the file already read.
    """
    template = load_template(template_path) if template is None else template
    resolver = _resolver(aws, template, parameters, stack_name)
    pending = _switched_on(template, resolver)
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="infra") as pool:
        while pending:
            wave: dict[str, tuple[Creator, dict[str, Any]]] = {}
            skipped = False
            for name, spec in list(pending.items()):
                creator = creators.get(spec["Type"])
                if creator is None:
                    log.warning("%s: %s (%s) is not created locally", template_path.name, name, spec["Type"])
                    resolver.resources[name] = {"Ref": name}
                    del pending[name]
                    skipped = True
                    continue
                try:
                    wave[name] = (creator, resolver.resolve(spec.get("Properties") or {}))
                except Unresolved:
                    continue
            if not wave and not skipped:
                raise RuntimeError(f"{template_path.name}: circular or unknown references in {sorted(pending)}")
            created = {name: pool.submit(creator, aws, properties) for name, (creator, properties) in wave.items()}
            for name, future in created.items():
                resolver.resources[name] = future.result()
                del pending[name]
    outputs: dict[str, str] = {}
    for name, spec in (template.get("Outputs") or {}).items():
        if "Condition" in spec and not resolver.condition(spec["Condition"]):
            continue
        outputs[name] = str(resolver.resolve(spec["Value"]))
    return outputs


def forget_shard_iterator(account: str, region: str, iterator: str | None) -> None:
    """Drops a consumed stream iterator from moto's memory.

    moto keeps every shard iterator it hands out forever (one per GetRecords call); a poller calling
    GetRecords a few times a second would grow the process by ~100 MB an hour. The moto server runs
    in this process, so the consumed iterator is removed from its backend directly.
    """
    if not iterator:
        return
    try:
        from moto.dynamodbstreams.models import dynamodbstreams_backends

        dynamodbstreams_backends[account][region].shard_iterators.pop(iterator, None)
    except Exception:
        log.debug("could not forget shard iterator", exc_info=True)


def set_environment(values: Mapping[str, str]) -> None:
    os.environ.update({key: str(value) for key, value in values.items()})
