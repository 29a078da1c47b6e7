"""``LocalStack``: moto + infra + the apps over HTTP + their queues, streams and schedules, in this process.

Used by ``python -m devstack run`` and by tests::

    with LocalStack(ports=EPHEMERAL, moto_port=0, control_port=0, parameters={"Stage": "e2e"}) as stack:
        requests.post(stack.urls["plantao"] + "/calendario/dias", json=...,
                      headers={"Authorization": stack.tokens["admin.ti"]})
        assert stack.wait_for_idle(10)   # events relayed and consumed

When distribuicao is served, the stack also serves its local beacon (``devstack.beacon``: drand's relay API on
a port of its own, ``ports["farol"]``, one round per ``beacon_period_s``) and names it in distribuicao's
configuration, which then reads its rounds over HTTP as it would from drand's relays.

``dynamodb="local"``: the tables live in a DynamoDB Local process the stack starts and stops
(``devstack.dynamodb_local``; needs Java), with their streams read by the same pollers; everything
else (SQS, S3, SES, KMS, Cognito) stays on moto. The apps reach it through ``AWS_ENDPOINT_URL_DYNAMODB``.

The environment (AWS endpoint and fake credentials, the template's outputs as variables) is set
for this process on start and restored on stop. moto's server shares its state with any
``mock_aws`` active in the same process: a test stack should use its own ``Stage`` so its
resource names cannot collide with those of a ``mock_aws`` fixture.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from chalice.app import Chalice

from devstack import demo

log = logging.getLogger("devstack")

ROOT = Path(__file__).resolve().parents[2]
SERVICES: tuple[str, ...] = ("cooperacao", "plantao", "distribuicao", "pagamentos")
BEACON = "farol"  # the local beacon's key in ``ports`` (devstack.beacon)
DEFAULT_PORTS: dict[str, int] = {"cooperacao": 8001, "plantao": 8002, "distribuicao": 8003, "pagamentos": 8004,
                                 BEACON: 8005}
EPHEMERAL: dict[str, int] = {service: 0 for service in (*SERVICES, BEACON)}
DEFAULT_PARAMETERS = {"Stage": "local", "QueueVisibilityTimeout": "5"}
DYNAMODB_BACKENDS = ("moto", "local")  # --dynamodb: moto (default, tests) or AWS's DynamoDB Local (Java)


def local_queue_visibilities(template_text: str, parameters: Mapping[str, str]) -> dict[str, str]:
    """``parameters`` with each ``<Service>QueueVisibilityTimeout`` the template declares set to the local stack's
    one ``QueueVisibilityTimeout`` (5 s by default; tests pass 1), unless given.

    Not production's values (6 × each consumer's timeout: 3 to 90 minutes): here the consumers run in this process,
    one poller thread per queue that never receives a message while it is still handling it, so a short visibility
    cannot deliver a message twice at once; it only makes a failed message come back, and reach its DLQ, within
    seconds, which the tests and the demo rely on."""
    out = dict(parameters)
    for name in re.findall(r"^  (\w+QueueVisibilityTimeout):", template_text, flags=re.MULTILINE):
        if name != "QueueVisibilityTimeout" and "QueueVisibilityTimeout" in out:
            out.setdefault(name, out["QueueVisibilityTimeout"])
    return out


class LocalStack:
    """The whole system on localhost.

    ``apps``: ``{service: Chalice app or a function returning one}`` to serve (default: every
    ``<service>-svc/app.py`` that exists). A function is called once the environment is set, which
    an app that reads its settings on import needs.
    ``ports``: HTTP port per service (0 = ephemeral). ``template``/``identity``: the infra templates.
    ``users``: demo users to create (``demo.USERS``). ``seed``: run ``demo.seed`` after start.
    ``dynamodb``: ``"moto"`` (default) or ``"local"`` (DynamoDB Local; ``devstack.dynamodb_local.Unavailable``
    from ``start`` without Java).
    ``beacon_period_s``: the local beacon's period (1 s by default; quicknet's is 3 s).
    ``now``: where the stack's clock starts (default: the system's now). The stack installs a
    ``courtlib.clock.SettableClock`` for this process while it runs (``set_clock``/``advance_clock``).
    """

    def __init__(self, *, apps: Mapping[str, Chalice | Callable[[], Chalice]] | None = None,
                 services: Iterable[str] | None = None, ports: Mapping[str, int] | None = None,
                 moto_port: int = 4566, control_port: int = 8000, template: Path | None = None,
                 identity: Path | None = None, stack_name: str | None = None,
                 parameters: Mapping[str, str] | None = None, users: Iterable[demo.DemoUser] = demo.USERS,
                 tribunal: str = "TRE-MT", seed: bool = True, project_dirs: Mapping[str, Path] | None = None,
                 now: datetime | None = None, web_port: int | None = None, dynamodb: str = "moto",
                 beacon_period_s: int | None = None) -> None:
        if dynamodb not in DYNAMODB_BACKENDS:
            raise ValueError(f"dynamodb: {dynamodb!r} (esperado {' ou '.join(DYNAMODB_BACKENDS)})")
        self.dynamodb = dynamodb
        self._web_port = web_port  # the web frontends (devstack.web); None: not served
        self._apps_given = dict(apps) if apps is not None else None
        self._services = tuple(services) if services is not None else SERVICES
        self._ports = {**DEFAULT_PORTS, **(ports or {})}
        self._moto_port, self._control_port = moto_port, control_port
        self.template = template or ROOT / "infra" / "template.yaml"
        self.identity = identity or ROOT / "infra" / "identity.yaml"
        self.parameters = {**DEFAULT_PARAMETERS, **(parameters or {})}
        self.parameters = local_queue_visibilities(self.template.read_text(), self.parameters)
        self.stage = self.parameters["Stage"]
        self.stack_name = stack_name or f"tribunal-{self.stage}"
        self.users = tuple(users)
        self.tribunal = tribunal
        self._seed = seed
        self._clock_start = now
        self.clock: Any = None  # courtlib.clock.SettableClock, while started
        self._previous_clock: Any = None
        self._project_dirs = dict(project_dirs or {})

        self.endpoint = ""
        self.dynamodb_endpoint = ""  # where the tables are: moto's endpoint, or DynamoDB Local's
        self._dynamodb_local: Any = None
        self._dynamodb_aws: Any = None
        self.outputs: dict[str, str] = {}
        self.apps: dict[str, Chalice] = {}
        self.urls: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        self.control_url = ""
        self.web_url = ""
        self._web: Any = None
        self._beacon_period_s = beacon_period_s
        self.beacon: Any = None  # devstack.beacon.ServedBeacon, while served
        self.startup_seconds = 0.0
        self.phase_seconds: dict[str, float] = {}  # aws, apps, dados: where the start went
        self._stop = threading.Event()
        self._saved_environ: dict[str, str] | None = None
        self._moto: Any = None
        self._aws: Any = None
        self._servers: list[Any] = []
        self._sources: Any = None
        self._scheduler: Any = None
        self._control: Any = None
        self.signer: Any = None  # devstack.auth.TokenSigner: the stack's own key, made at start
        self.verifier: Any = None  # devstack.auth.TokenVerifier of that key, once started

    # ------------------------------------------------------------ lifecycle

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> LocalStack:
        from courtlib import clock
        from devstack.sdk_data import share_loaders

        began = mark = time.monotonic()
        share_loaders()  # before any client: the apps' many botocore sessions parse the SDK's data once
        self._saved_environ = dict(os.environ)
        self.clock = clock.SettableClock(self._clock_start)
        self._previous_clock = clock.use(self.clock)

        def lap(phase: str) -> None:
            nonlocal mark
            now = time.monotonic()
            self.phase_seconds[phase] = now - mark
            mark = now

        try:
            self._start_aws()
            lap("aws")
            self._start_apps()
            lap("apps")
            if self._seed and self.urls:
                # DynamoDB Local's first requests run in Java's interpreter (its JIT warms up on them): slower
                demo.seed(self.urls, self.tokens, timeout=60.0 if self.dynamodb == "local" else 10.0)
                lap("dados")
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def _start_aws(self) -> None:
        from courtlib.settings import env_from_outputs
        from devstack import auth
        from devstack.aws import Aws, MotoServer, apply_identity, aws_environment, deploy_template, set_environment
        from devstack.resources import INFRA_CREATORS, tables_on

        if self.dynamodb == "local":  # Java starts while moto does
            from devstack.dynamodb_local import DynamoDBLocal

            self._dynamodb_local = DynamoDBLocal()
            self._dynamodb_local.launch()
        self._moto = MotoServer(self._moto_port)
        self.endpoint = self._moto.start()
        set_environment(aws_environment(self.endpoint))
        self._aws = Aws(self.endpoint)
        creators = INFRA_CREATORS
        if self._dynamodb_local is not None:
            self.dynamodb_endpoint = self._dynamodb_local.wait_ready()
            set_environment({"AWS_ENDPOINT_URL_DYNAMODB": self.dynamodb_endpoint})
            self._dynamodb_aws = Aws(self.dynamodb_endpoint)
            creators = {**INFRA_CREATORS, "AWS::DynamoDB::Table": tables_on(self._dynamodb_aws)}
        else:
            self.dynamodb_endpoint = self.endpoint
            self._dynamodb_aws = self._aws
        self.outputs = deploy_template(self._aws, self.template, self.stack_name, self.parameters, creators,
                                       cloudformation_fallback=self._dynamodb_local is None)
        self.outputs.update(apply_identity(self._aws, self.identity, self.parameters))
        set_environment({**env_from_outputs(self.outputs), "STAGE": self.stage, "TRIBUNAL_ID": self.tribunal,
                         "POWERTOOLS_METRICS_DISABLED": "true", **stage_secrets(os.environ)})  # EMF is for CloudWatch
        # The stack signs its own ID tokens (moto's bundled key is public); issuer: the local endpoint form.
        self.signer = auth.TokenSigner(f"{self.endpoint}/{self.outputs['UserPoolId']}")
        self.verifier = auth.TokenVerifier(self.signer, self.outputs["UserPoolClientId"])
        self.tokens = auth.issue_demo_tokens(self._aws.client("cognito-idp"), self.outputs["UserPoolId"],
                                             self.outputs["UserPoolClientId"], self.users, signer=self.signer)

    def _app_sources(self) -> dict[str, Chalice | Callable[[], Chalice]]:
        if self._apps_given is not None:
            return self._apps_given
        from devstack.apps import has_app, load_app, service_dir

        sources: dict[str, Chalice | Callable[[], Chalice]] = {}
        for service in self._services:
            if not has_app(service):
                log.warning("%s-svc/app.py não existe ainda: serviço ignorado", service)
                continue
            sources[service] = functools.partial(load_app, service)
            self._project_dirs.setdefault(service, service_dir(service))
        return sources

    def _start_apps(self) -> None:
        from devstack.apps import chalice_config
        from devstack.aws import forget_shard_iterator
        from devstack.events import Scheduler, wire
        from devstack.http import ControlServer, serve_app

        sources = self._app_sources()
        if "distribuicao" in sources:  # before the imports: distribuicao reads its beacon from the configuration
            self._start_beacon()
        configs = {service: chalice_config(self._project_dirs.get(service), self.stage) for service in sources}
        _apply_stage_environment(configs)  # before the imports: an app reads its settings when imported
        self.apps = {service: app if isinstance(app, Chalice) else app() for service, app in sources.items()}
        account, region = self._aws.account, self._aws.region
        for service, app in self.apps.items():
            served = serve_app(service, app, configs[service], self.verifier, self._ports.get(service, 0))
            self._servers.append(served)
            self.urls[service] = served.url
        on_moto = self._dynamodb_local is None  # moto keeps every shard iterator: forgotten as read
        self._sources = wire(self.apps, self._aws.client("sqs"), self._dynamodb_aws.client("dynamodbstreams"),
                             self._stop, account=account, region=region, stage=self.stage,
                             limits={s: (c.lambda_timeout, c.lambda_memory_size) for s, c in configs.items()},
                             forget_iterator=(lambda it: forget_shard_iterator(account, region, it)) if on_moto
                             else (lambda _: None))
        for poller in self._sources.pollers:
            poller.start()
        self._scheduler = Scheduler(list(self._sources.schedules.values()), self._stop)
        self._scheduler.start()
        self._control = ControlServer(self.describe, self.fire, self.fresh_tokens, self._control_port,
                                      clock_state=self.clock_state, clock_move=self.move_clock, login=self.login)
        self._control.start()
        self.control_url = self._control.url
        if self._web_port is not None:
            from devstack.web import WebServer

            self._web = WebServer(lambda: self.urls, self.login, self._web_port)
            self._web.start()
            self.web_url = self._web.url

    def _start_beacon(self) -> None:
        from courtlib.config import TRIBUNAL_CONFIG_ENV
        from devstack.beacon import DEFAULT_PERIOD_S, ServedBeacon, configured

        self.beacon = ServedBeacon(port=self._ports.get(BEACON, 0),
                                   period_s=self._beacon_period_s or DEFAULT_PERIOD_S)
        os.environ[TRIBUNAL_CONFIG_ENV] = configured(os.environ.get(TRIBUNAL_CONFIG_ENV), self.beacon)

    @property
    def beacon_info(self) -> dict[str, Any] | None:
        """The served local beacon: url, chain hash, period, id (None when distribuicao is not served)."""
        return self.beacon.describe() if self.beacon is not None else None

    def stop(self) -> None:
        """Stops pollers, scheduler, servers and moto (bounded waits) and restores the environment."""
        self._stop.set()
        if self._web is not None:
            self._web.stop()
            self._web = None
        if self._control is not None:
            self._control.stop()
            self._control = None
        for served in self._servers:
            served.stop()
        self._servers.clear()
        if self.beacon is not None:
            self.beacon.stop()
            self.beacon = None
        threads = list(self._sources.pollers) if self._sources is not None else []
        if self._scheduler is not None:
            threads.append(self._scheduler)
        deadline = time.monotonic() + 5
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        for thread in threads:
            if thread.is_alive():
                log.warning("%s não terminou a tempo", thread.name)
        self._sources = self._scheduler = None
        if self._dynamodb_aws is not None and self._dynamodb_aws is not self._aws:
            self._dynamodb_aws.close()
        self._dynamodb_aws = None
        if self._aws is not None:
            self._aws.close()
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        if self._dynamodb_local is not None:
            self._dynamodb_local.stop()
            self._dynamodb_local = None
        if self._previous_clock is not None:
            from courtlib import clock

            clock.use(self._previous_clock)
            self._previous_clock = None
        if self._saved_environ is not None:
            os.environ.clear()
            os.environ.update(self._saved_environ)
            self._saved_environ = None

    # ------------------------------------------------------------ operations

    @property
    def schedules(self) -> list[tuple[str, str, str]]:
        """``(service, handler, expression)`` of every schedule the apps declare."""
        entries = self._sources.schedules.values() if self._sources else []
        return [(e.target.service, e.target.name, e.expression) for e in entries]

    def fire(self, service: str, handler: str) -> Any:
        """Runs a schedule now (as EventBridge would) and returns the handler's result."""
        if self._sources is None or (service, handler) not in self._sources.schedules:
            known = sorted(f"{s}/{h}" for s, h in (self._sources.schedules if self._sources else {}))
            raise KeyError(f"agendamento desconhecido: {service}/{handler} (conhecidos: {', '.join(known)})")
        return self._sources.schedules[(service, handler)].fire()

    # ------------------------------------------------------------ clock

    def clock_state(self) -> dict[str, Any]:
        from courtlib.clock import tribunal_tz
        from devstack.clock_control import clock_body

        return clock_body(self.clock.now(), tribunal_tz(), self.clock.frozen)

    def set_clock(self, moment: datetime) -> dict[str, Any]:
        """Sets the clock forward to ``moment`` without firing what lies between; ClockError if backwards."""
        if self._scheduler is None:
            self.clock.set(moment)
        else:
            with self._scheduler.lock:
                self.clock.set(moment)
                self._scheduler.rebase()
        return self.clock_state()

    def advance_clock(self, duration: Any, settle_timeout: float = 60.0) -> dict[str, Any]:
        """Advances the clock by ``duration`` (a relativedelta/timedelta, ≥ 0), firing every schedule due.

        Each run waits until the events it caused are applied (``wait_for_idle``); frequent
        housekeeping (the outbox sweeps) runs once at the end. ClockError if ``duration`` < 0.
        """
        from courtlib.clock import tribunal_tz
        from devstack.clock_control import step

        if self._scheduler is None:
            raise RuntimeError("a pilha local não está rodando")
        start, target, runs = self._scheduler.advance(self.clock, step(duration, tribunal_tz()),
                                                      settle=lambda: self.wait_for_idle(settle_timeout))
        return {"de": start.isoformat(), "ate": target.isoformat(), "relogio": self.clock_state(),
                "disparados": runs}

    def move_clock(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /relogio``: ``{"agora": ISO 8601}`` or ``{"avancar": ISO 8601 duration}``."""
        from courtlib.clock import ClockError
        from devstack.clock_control import ClockRequestError, parse_duration, parse_moment

        if not isinstance(body, Mapping) or len({"agora", "avancar"} & set(body)) != 1:
            raise ClockRequestError(422, "RELOGIO_PEDIDO_INVALIDO", None,
                                    'Informe exatamente um de "agora" (data e hora com fuso) ou "avancar" '
                                    '(duração ISO 8601, como "P1D").')
        try:
            if "agora" in body:
                return self.set_clock(parse_moment(body["agora"]))
            return self.advance_clock(parse_duration(body["avancar"]))
        except ClockError as error:
            raise ClockRequestError(409, "RELOGIO_NAO_VOLTA", "agora" if "agora" in body else "avancar",
                                    str(error)) from None

    # ------------------------------------------------------------ tokens

    def login(self, username: str, password: str) -> str:
        """An ID token for ``username`` signed by the stack's key; ``devstack.auth.InvalidCredentials`` if refused."""
        from devstack.auth import id_token

        return id_token(self._aws.client("cognito-idp"), self.outputs["UserPoolId"],
                        self.outputs["UserPoolClientId"], username, password, signer=self.signer)

    def fresh_tokens(self) -> dict[str, str]:
        """New ID tokens for the demo users (those printed at start expire after an hour)."""
        from devstack.auth import id_token

        cognito = self._aws.client("cognito-idp")
        return {user.username: id_token(cognito, self.outputs["UserPoolId"], self.outputs["UserPoolClientId"],
                                        user.username, signer=self.signer) for user in self.users}

    def queue_counts(self) -> list[dict[str, Any]]:
        """Each queue the apps consume, with its message counts and its DLQ's."""
        import json

        sqs = self._aws.client("sqs")
        rows = []
        for service, queues in (self._sources.queues if self._sources else {}).items():
            for queue in queues:
                attrs = sqs.get_queue_attributes(QueueUrl=queue["url"], AttributeNames=["All"])["Attributes"]
                row: dict[str, Any] = {"servico": service, "fila": queue["name"], "handler": queue["handler"],
                                       **_counts(attrs)}
                if "RedrivePolicy" in attrs:
                    dlq_name = json.loads(attrs["RedrivePolicy"])["deadLetterTargetArn"].rsplit(":", 1)[-1]
                    dlq_url = sqs.get_queue_url(QueueName=dlq_name)["QueueUrl"]
                    dlq = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
                    row["dlq"] = {"fila": dlq_name, **_counts(dlq)}
                rows.append(row)
        return rows

    def describe(self) -> dict[str, Any]:
        schedules = self._sources.schedules.values() if self._sources else []
        return {
            "aws": self.endpoint,
            "dynamodb": {"backend": "DynamoDB Local" if self.dynamodb == "local" else "moto",
                         "endpoint": self.dynamodb_endpoint},
            "relogio": self.clock_state() if self.clock is not None else None,
            "servicos": {service: {"url": url, "porta": int(url.rsplit(":", 1)[1])}
                         for service, url in self.urls.items()},
            "agendamentos": [{"servico": s.target.service, "handler": s.target.name, "expressao": s.expression,
                              "proxima_execucao": s.next_at.isoformat() if s.next_at else None,
                              "disparar": f"POST {self.control_url}/agendamentos/{s.target.service}/{s.target.name}"}
                             for s in schedules],
            "filas": self.queue_counts(),
            "farol": self.beacon_info,
            "usuarios": [{"matricula": u.username, "papeis": list(u.groups)} for u in self.users],
        }

    def wait_for_idle(self, timeout: float = 10.0) -> bool:
        """Waits until every queue is empty, every stream poller caught up and nothing runs; False on timeout."""
        deadline = time.monotonic() + timeout
        pollers = list(self._sources.pollers) if self._sources else []
        while time.monotonic() < deadline:
            mark = time.monotonic()
            for poller in pollers:
                poller.nudge()
            while time.monotonic() < deadline and not all(p.quiet_since(mark) for p in pollers):
                time.sleep(0.02)
            queues_empty = all(_pending(row) == 0 for row in self.queue_counts())
            if queues_empty and all(p.quiet_since(mark) for p in pollers) and not (
                    self._scheduler is not None and self._scheduler.busy):
                return True
            time.sleep(0.05)
        return False


def stage_secrets(environ: Mapping[str, str]) -> dict[str, str]:
    """The secrets a service refuses to start without: the caller's if set, else made at random for this run."""
    return {"PAGINATION_SECRET": environ.get("PAGINATION_SECRET") or secrets.token_urlsafe(32)}


def _apply_stage_environment(configs: Mapping[str, Any]) -> None:
    """The stages' ``environment_variables`` (.chalice/config.json) that are not already set.

    One process holds every app, so a variable the apps set to different values (such as
    POWERTOOLS_SERVICE_NAME) is left out rather than set to one app's value for all.
    """
    values: dict[str, set[str]] = {}
    for config in configs.values():
        for key, value in (config.environment_variables or {}).items():
            values.setdefault(key, set()).add(str(value))
    for key, options in values.items():
        if key not in os.environ and len(options) == 1:
            os.environ[key] = options.pop()
        elif len(options) > 1:
            log.debug("variável %s difere entre os apps (%s): não definida", key, sorted(options))


def _counts(attributes: Mapping[str, str]) -> dict[str, int]:
    return {"visiveis": int(attributes.get("ApproximateNumberOfMessages", 0)),
            "em_processamento": int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
            "atrasadas": int(attributes.get("ApproximateNumberOfMessagesDelayed", 0))}


def _pending(row: Mapping[str, Any]) -> int:
    return row["visiveis"] + row["em_processamento"] + row["atrasadas"]
