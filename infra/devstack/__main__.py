"""``python -m devstack [run|fire|status]`` (with ``infra`` on PYTHONPATH; ``make run`` / ``make fire``).

- ``run`` (default): the whole system on localhost against moto, with demo users and data; Ctrl-C stops.
  ``--dynamodb local``: the tables on AWS's DynamoDB Local (needs Java; ``make run DYNAMODB=local``).
- ``fire <service> <handler>``: runs a schedule now on the running stack (through its control endpoint).
- ``status``: what the running stack serves, its schedules and its queues.
- ``demo [--ready-file F]``: a scripted month of the court through the HTTP API (``make demo``).
- ``clock [--agora ISO | --avancar DURAÇÃO]``: shows, sets or advances the running stack's clock
  (``make clock AGORA=... | AVANCAR=P1D``); advancing fires every schedule due and lists them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

log = logging.getLogger("devstack")
CONTROL = os.environ.get("DEVSTACK_CONTROL", "http://127.0.0.1:8000")


LOG_FOLDER = Path(__file__).resolve().parents[2] / ".local" / "logs"  # git-ignored


def _setup_logging(folder: Path = LOG_FOLDER) -> None:
    """The terminal: the banner, one access line per request, warnings and errors. The rest to files:
    each service's JSON logs (Powertools) to ``<folder>/<service>.log``, the stack's own to ``devstack.log``."""
    from courtlib.observability import logger as service_logger
    from devstack.logs import route_service_logs

    terminal = logging.StreamHandler(sys.stdout)
    terminal.setFormatter(logging.Formatter("%(message)s"))
    terminal.addFilter(lambda record: record.levelno >= logging.WARNING or record.name == "devstack.acesso"
                       or record.module == "__main__")
    files = route_service_logs(folder, (service_logger.name,))
    own = logging.FileHandler(files.path("devstack"), encoding="utf-8")
    own.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for handler in (terminal, own):
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _token_variable(username: str) -> str:
    return "TOKEN_" + "".join(c if c.isalnum() else "_" for c in username).upper()


READY_GOAL_S = 5.0  # README: `make run` ready in at most 5 s after the install, demo data included
_PHASES = (("aws", "AWS embutida"), ("apps", "serviços"), ("dados", "dados de demonstração"))


def readiness_line(total: float, phases: dict[str, float]) -> str:
    """The measured start, as `make run` feels it (imports included), and where it went."""
    parts = [f"importações {max(0.0, total - sum(phases.values())):.1f} s"]
    parts += [f"{label} {phases[key]:.1f} s" for key, label in _PHASES if key in phases]
    verdict = "meta ≤5 s atingida" if total <= READY_GOAL_S else "acima da meta de 5 s"
    return f"pronto em {total:.1f} s ({', '.join(parts)}; {verdict})"


def _banner(stack: Any) -> str:
    from devstack.demo import DEMO_PASSWORD

    lines = [readiness_line(stack.startup_seconds, stack.phase_seconds), "", "Serviços:"]
    lines += [f"  {service:<13} {url}" for service, url in stack.urls.items()] or ["  (nenhum app.py encontrado)"]
    if stack.web_url:
        lines += ["", f"Portal web:     {stack.web_url}/   (console dos servidores: {stack.web_url}/console.html)"]
    lines += ["", f"Controle:       {stack.control_url}   (GET / estado e filas; GET /tokens tokens novos;"
                  " POST /login; POST /agendamentos/<serviço>/<handler>; GET|POST /relogio)",
              f"Relógio:        {stack.clock_state()['agora']}   (make clock AVANCAR=P1D | AGORA=...)",
              f"AWS (moto):     {stack.endpoint}",
              f"DynamoDB:       {_dynamodb_line(stack)}",
              *_beacon_lines(stack),
              f"Logs (JSON):    {LOG_FOLDER}/<serviço>.log  (o terminal mostra uma linha por requisição e os erros)",
              "",
              f"Usuários de demonstração (senha {DEMO_PASSWORD}; o token de ID vale 1 h; cole no shell):"]
    lines += [f"export {_token_variable(u.username)}={stack.tokens[u.username]}  # {', '.join(u.groups)}"
              for u in stack.users]
    schedules = sorted(stack.schedules)
    example = schedules[0][:2] if schedules else ("plantao", "sweep_outbox")
    admin_url = stack.urls.get("pagamentos", "http://127.0.0.1:8004")
    lines += ["", f"Exemplo: curl -H \"Authorization: Bearer $TOKEN_ADMIN_TI\" {admin_url}/admin/dlq",
              f"Disparar um agendamento agora: make fire SERVICE={example[0]} HANDLER={example[1]}"
              f"  (ou: python -m devstack fire {example[0]} {example[1]})",
              "", "Ctrl-C para parar"]
    return "\n".join(lines)


def _beacon_lines(stack: Any) -> list[str]:
    info = getattr(stack, "beacon_info", None)
    if not info:
        return []
    return [f"Farol local:    {info['url']}   (API de relay do drand; uma rodada a cada {info['periodo_s']} s; "
            f"--farol-periodo 3 = período da quicknet)",
            f"                cadeia {info['cadeia']} ({info['id']}): chave de demonstração, NÃO é a League of Entropy"]


def _dynamodb_line(stack: Any) -> str:
    if stack.dynamodb == "local":
        return f"DynamoDB Local {stack.dynamodb_endpoint}   (tabelas e streams; o resto no moto)"
    return f"moto {stack.dynamodb_endpoint}   (make run DYNAMODB=local: DynamoDB Local, precisa de Java)"


def _process_age() -> float:
    """Seconds since this process started (the interpreter's own start included), 0 where unknown."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # starttime, field 22, in ticks since boot
        return max(0.0, float(Path("/proc/uptime").read_text().split()[0]) - started)
    except (OSError, ValueError, IndexError):
        return 0.0


def run(args: argparse.Namespace) -> int:
    began = time.monotonic() - _process_age()
    _setup_logging()
    from devstack.stack import DEFAULT_PARAMETERS, LocalStack

    # A plain flag: a signal handler that sets a threading.Event can deadlock with the main thread
    # waiting on that same Event (both take its lock, and the handler runs on the main thread).
    stopping: list[int] = []

    def request_stop(signum: int, frame: Any) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    parameters = {**DEFAULT_PARAMETERS, **dict(args.parameter or [])}
    if args.dynamodb == "local":
        from devstack.dynamodb_local import EXIT_UNAVAILABLE, java_missing

        missing = java_missing()
        if missing:
            log.error("--dynamodb local: %s. Instale o Java (ex.: apt-get install openjdk-17-jre-headless) ou "
                      "rode sem --dynamodb (moto).", missing)
            return EXIT_UNAVAILABLE
    stack = LocalStack(moto_port=args.moto_port, control_port=args.control_port, seed=not args.no_seed,
                       ports=dict(args.port or []), parameters=parameters, now=args.agora, web_port=args.web_port,
                       dynamodb=args.dynamodb, beacon_period_s=args.farol_periodo)
    access_log = logging.getLogger("devstack.acesso")
    access_log.disabled = True  # the demo data's requests are not the user's: the access log starts with the banner
    from devstack.dynamodb_local import EXIT_UNAVAILABLE, Unavailable

    try:
        stack.start()
    except OSError as error:
        log.error("não foi possível subir a pilha local: %s", error.strerror or error)
        return 1
    except Unavailable as error:
        log.error("--dynamodb local: %s", error)
        return EXIT_UNAVAILABLE
    stack.startup_seconds = time.monotonic() - began  # including imports: what `make run` feels like
    log.info(_banner(stack))
    access_log.disabled = False
    if args.ready_file:
        _write_ready_file(Path(args.ready_file), stack)
    try:
        while not stopping:
            time.sleep(0.2)
    finally:
        log.info("parando...")
        stack.stop()
    log.info("parado")
    return 0


def _write_ready_file(path: Path, stack: Any) -> None:
    """What a program driving the stack needs (end-to-end tests): written whole, once ready."""
    ready = {"urls": stack.urls, "control_url": stack.control_url, "endpoint": stack.endpoint,
             "dynamodb": stack.dynamodb, "dynamodb_endpoint": stack.dynamodb_endpoint,
             "tokens": stack.tokens, "outputs": stack.outputs, "web_url": stack.web_url,
             "farol": getattr(stack, "beacon_info", None)}
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(ready, ensure_ascii=False))
    partial.replace(path)


def _parameter(text: str) -> tuple[str, str]:
    key, _, value = text.partition("=")
    if not key or not value:
        raise argparse.ArgumentTypeError(f"esperado CHAVE=VALOR, recebido {text!r}")
    return key, value


def _call(method: str, path: str, control: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode("utf-8") if body is not None else (b"" if method == "POST" else None)
    request = urllib.request.Request(control.rstrip("/") + path, method=method, data=data,
                                     headers={"Content-Type": "application/json"} if body is not None else {})
    try:
        with urllib.request.urlopen(request, timeout=900) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
    except urllib.error.URLError as error:
        raise SystemExit(f"a pilha local não está rodando em {control} ({error.reason}); rode `make run`") from None


def fire(args: argparse.Namespace) -> int:
    status, body = _call("POST", f"/agendamentos/{args.service}/{args.handler}", args.control)
    sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    return 0 if status == 200 else 1


def clock(args: argparse.Namespace) -> int:
    if args.agora and args.avancar:
        sys.stderr.write("use --agora ou --avancar, não os dois\n")
        return 2
    if args.agora:
        code, body = _call("POST", "/relogio", args.control, {"agora": args.agora})
    elif args.avancar:
        code, body = _call("POST", "/relogio", args.control, {"avancar": args.avancar})
    else:
        code, body = _call("GET", "/relogio", args.control)
    if code == 200 and isinstance(body, dict) and "disparados" in body:
        sys.stdout.write(f"relógio: {body['de']} → {body['ate']} ({len(body['disparados'])} execuções)\n")
        for run in body["disparados"]:
            outcome = run.get("erro") or json.dumps(run.get("resultado"), ensure_ascii=False, default=str)[:120]
            mark = " (agrupado)" if run.get("agrupado") else ""
            sys.stdout.write(f"  {run['instante']}  {run['servico']}/{run['handler']}{mark}: {outcome}\n")
        sys.stdout.write(f"agora: {body['relogio']['agora']}\n")
    else:
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    return 0 if code == 200 else 1


def status(args: argparse.Namespace) -> int:
    code, body = _call("GET", "/", args.control)
    sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    return 0 if code == 200 else 1


def _moment(text: str) -> Any:
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"esperado data e hora ISO 8601 com fuso, recebido {text!r}")
    return moment


def _service_port(text: str) -> tuple[str, int]:
    service, _, port = text.partition("=")
    if not port.isdigit():
        raise argparse.ArgumentTypeError(f"esperado SERVIÇO=PORTA, recebido {text!r}")
    return ("farol" if service == "beacon" else service), int(port)


def _period(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"esperado um número inteiro de segundos ≥ 1, recebido {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "demo":  # `make demo`: its own options (devstack.demo_month)
        from devstack.demo_month import main as demo_main

        return demo_main(argv[1:])
    if not argv or argv[0] not in ("run", "fire", "status", "clock", "-h", "--help"):
        argv.insert(0, "run")  # `run` is the default command, options included
    parser = argparse.ArgumentParser(prog="python -m devstack", description="A pilha local: moto, os quatro "
                                     "serviços, filas, streams e agendamentos (make run / make fire).")
    commands = parser.add_subparsers(dest="command")
    run_parser = commands.add_parser("run", help="sobe a pilha local (padrão)")
    fire_parser = commands.add_parser("fire", help="dispara um agendamento agora")
    fire_parser.add_argument("service")
    fire_parser.add_argument("handler")
    status_parser = commands.add_parser("status", help="estado da pilha local")
    clock_parser = commands.add_parser("clock", help="mostra, define ou avança o relógio da pilha local")
    clock_parser.add_argument("--agora",
                              help="define a data e hora, ISO 8601 com fuso (ex.: 2027-03-01T09:00:00-03:00)")
    clock_parser.add_argument("--avancar", help="avança uma duração ISO 8601 (ex.: P1D, PT6H, P1M) e dispara "
                              "os agendamentos do intervalo")
    run_parser.add_argument("--moto-port", type=int, default=4566, help="porta do moto (0 = qualquer livre)")
    run_parser.add_argument("--dynamodb", choices=("moto", "local"), default="moto",
                            help="onde ficam as tabelas: moto (padrão) ou local = DynamoDB Local da AWS "
                                 "(escritas e vazão fiéis; precisa de Java)")
    run_parser.add_argument("--control-port", type=int, default=8000, help="porta do endpoint de controle")
    run_parser.add_argument("--web-port", type=int, default=8080, help="porta do portal web (0 = qualquer livre)")
    run_parser.add_argument("--no-seed", action="store_true", help="sem dados de demonstração")
    run_parser.add_argument("--port", action="append", type=_service_port, metavar="SERVIÇO=PORTA",
                            help="porta HTTP de um serviço (padrão 8001-8004; farol=PORTA ou beacon=PORTA: o farol "
                                 "local, padrão 8005; 0 = qualquer livre)")
    run_parser.add_argument("--farol-periodo", type=_period, default=None, metavar="SEGUNDOS",
                            help="período do farol local em segundos (padrão 1; 3 = o da quicknet)")
    run_parser.add_argument("--parameter", action="append", type=_parameter, metavar="CHAVE=VALOR",
                            help="parâmetro do infra/template.yaml (ex.: QueueVisibilityTimeout=1)")
    run_parser.add_argument("--agora", type=_moment, help="o relógio da pilha começa nesta data e hora "
                            "(ISO 8601 com fuso; padrão: agora)")
    run_parser.add_argument("--ready-file", help="escreve URLs e tokens em JSON neste arquivo quando pronta")
    for sub in (fire_parser, status_parser, clock_parser):
        sub.add_argument("--control", default=CONTROL, help="URL do endpoint de controle")
    args = parser.parse_args(argv)
    if args.command == "fire":
        return fire(args)
    if args.command == "status":
        return status(args)
    if args.command == "clock":
        return clock(args)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
