"""Section: cooperacao-svc on the local stack — time records (COOP-06/08) and the monthly close (COOP-11).

(a) ``POST /cooperacoes/{id}/pontos``, accepted and refused, p50/p99 as ratios to the bare GetItem p50 of
section 2 (goal: p99 ≤6×). (b) The monthly close (``POST /fechamentos``) for N and 2N servants whose month
totals are written straight into the table (as the ponto writes them): time, growth ratio (goal ≤2.2×), AWS
calls made by the request (goal: Query only — no Scan). 20,000 servants take far too long on moto (its
TransactWriteItems copies the table), so N is smaller here and the figure says so. The tables are on DynamoDB
Local when Java is there (bench.local_stack). Alone: ``python -m bench.cooperacao``; (a) alone:
``python -m bench.cooperacao ponto``.
"""

from __future__ import annotations

import time
import uuid
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bench import goals
from bench.http_reads import AwsCallCounter, describe_calls, requested_run, stdout_handlers_to_devnull
from bench.stats import Summary, figure, format_ratio, ratio

SERVICE = "cooperacao"
TZ = ZoneInfo("America/Sao_Paulo")
SERVANTS_FOR_RECORDS = 20
RECORDS_PER_SERVANT = 15
GOAL_P99 = 6.0
CLOSE_N = 500  # the issue asks for 20,000 (≤60 s); moto cannot, see the module docstring
CLOSE_GROWTH_GOAL = 2.2
MONTH_SHARDS = 64  # = chalicelib.cooperacao.shards.MONTH_SHARDS (a unit test checks they agree)
HTTP_TIMEOUT_S = 30.0
CLOSE_TIMEOUT_S = 900.0


def _session(token: str) -> Any:
    import requests

    http = requests.Session()
    http.trust_env = False
    http.headers.update({"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    return http


def _check(response: Any, *expected: int) -> Any:
    if response.status_code not in expected:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]}")
    return response


def _prepare_records(stack: Any, url: str, tag: str) -> list[tuple[str, str]]:
    """Servants with an approved M4 cooperation in a bench unit managed by gestor.vara1: [(servant, coop id)]."""
    admin = _session(stack.tokens["admin.ti"])
    gestor = _session(stack.tokens["gestor.vara1"])
    home, unit = f"BH-{tag}", f"BU-{tag}"
    for uid, manager in ((home, None), (unit, "gestor.vara1")):
        _check(admin.put(f"{url}/unidades/{uid}", json={"nome": f"Unidade {uid}", "tipo": "cartorio",
                                                        "predio": "FORUM", "gestor": manager}, timeout=HTTP_TIMEOUT_S),
               200)
    _check(admin.put(f"{url}/norma", json={"data_final": "2099-12-31"}, timeout=HTTP_TIMEOUT_S), 200)
    _check(admin.put(f"{url}/anexos/IV", json={"unidades": {unit: 100}}, timeout=HTTP_TIMEOUT_S), 200)
    today = datetime.now(TZ).date()
    pairs = []
    for n in range(SERVANTS_FOR_RECORDS):
        servant = f"bench.{tag}.{n}"
        # expediente at the end of the day so the records (00:00…) fall outside it on a dia útil
        _check(admin.put(f"{url}/servidores/{servant}", json={"nome": f"Servidor {n}", "efetivo": True,
                                                              "lotacao": home, "jornada_inicio": "23:58:00",
                                                              "jornada_fim": "23:59:00"}, timeout=HTTP_TIMEOUT_S), 200)
        token = _servant_token_cached(stack, servant)
        made = _check(_session(token).post(f"{url}/cooperacoes", json={
            "unidade_lotacao": home, "unidade_cooperada": unit, "modalidade": "M4",
            "inicio": today.isoformat(), "fim": (today + timedelta(days=30)).isoformat()}, timeout=HTTP_TIMEOUT_S), 201)
        cid = made.json()["id"]
        _check(gestor.post(f"{url}/cooperacoes/{cid}/decisao", json={"deferir": True, "meta": "bench"},
                           timeout=HTTP_TIMEOUT_S), 200)
        pairs.append((servant, cid))
    return pairs


def _servant_token(stack: Any, username: str) -> str:
    """An ID token for a bench servant (created in the local Cognito pool, group servidor), as the stack's login
    issues it."""
    import boto3

    cognito = boto3.client("cognito-idp", endpoint_url=stack.endpoint, region_name="sa-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")
    pool = stack.outputs["UserPoolId"]
    password = "Tribunal#Bench2026"
    cognito.admin_create_user(UserPoolId=pool, Username=username, TemporaryPassword=password,
                              MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username=username, Password=password, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName="servidor")
    return str(stack.login(username, password))  # signed by the stack's own key (moto's is public)


def _records(stack: Any, url: str, pairs: list[tuple[str, str]]) -> tuple[list[float], list[float]]:
    """Each servant: RECORDS_PER_SERVANT one-minute sessions today from 00:00 (accepted), then one overlapping
    (refused 409 COOP-08)."""
    today = datetime.now(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    accepted: list[float] = []
    refused: list[float] = []
    tokens = {servant: _servant_token_cached(stack, servant) for servant, _ in pairs}
    for servant, cid in pairs:
        http = _session(tokens[servant])
        for m in range(RECORDS_PER_SERVANT + 1):
            start = today + timedelta(minutes=min(m, RECORDS_PER_SERVANT - 1))
            body = {"inicio": start.isoformat(), "fim": (start + timedelta(minutes=1)).isoformat()}
            began = time.perf_counter()
            response = http.post(f"{url}/cooperacoes/{cid}/pontos", json=body, timeout=HTTP_TIMEOUT_S)
            elapsed = (time.perf_counter() - began) * 1000.0
            if m < RECORDS_PER_SERVANT:
                _check(response, 201)
                accepted.append(elapsed)
            else:
                _check(response, 409)
                refused.append(elapsed)
    return accepted, refused


_TOKENS: dict[str, str] = {}


def _servant_token_cached(stack: Any, username: str) -> str:
    if username not in _TOKENS:
        _TOKENS[username] = _servant_token(stack, username)
    return _TOKENS[username]


def _write_month_totals(stack: Any, month: str, n: int, tag: str) -> None:
    import boto3

    dynamodb = boto3.client("dynamodb", endpoint_url=stack.dynamodb_endpoint, region_name="sa-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")
    write_month_totals(dynamodb, stack.outputs["CooperacaoTableName"], month, n, tag)


def write_month_totals(dynamodb: Any, table: str, month: str, n: int, tag: str, shard: int | None = None) -> None:
    """``n`` servants' month totals, as the ponto leaves them (batch writes of 25); all in ``shard`` when given
    (one part of the close holding them all)."""
    requests = []
    fixed = shard
    for i in range(n):
        servant = f"fech.{tag}.{i:05d}"
        shard = zlib.crc32(servant.encode()) % MONTH_SHARDS if fixed is None else fixed
        requests.append({"PutRequest": {"Item": {
            "pk": {"S": f"SERVIDOR#{servant}"}, "sk": {"S": f"MES#{month}"}, "kind": {"S": "mes"},
            "minutos": {"N": str(60 + i % 2000)}, "version": {"N": "1"},
            "data": {"S": f'{{"competencia":"{month}","nome":"Servidor {i}","servidor":"{servant}"}}'},
            "gsi1pk": {"S": f"MES#{month}#{shard:02d}"}, "gsi1sk": {"S": servant}}}})
    for start in range(0, len(requests), 25):
        pending: dict[str, Any] | None = {table: requests[start:start + 25]}
        while pending:
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None


def _close(stack: Any, url: str, month: str, counter: AwsCallCounter) -> tuple[float, dict[str, Any], Any]:
    """``POST /fechamentos`` (202) and its status polled until the consumer concluded the close: the seconds, the
    close's counts, and the AWS calls of every thread meanwhile (the close runs on the queue's consumer now)."""
    http = _session(stack.tokens["dimag.folha"])
    mark = counter.mark()
    seconds, status = requested_run(http, url, "/fechamentos", {"competencia": month}, CLOSE_TIMEOUT_S)
    return seconds, status["resumo"], counter.calls_since(mark)


def run(emit: Callable[[str], None], stack: Any, base: Summary, counter: AwsCallCounter) -> bool:
    return _run(emit, stack, base, counter)


def run_time_records(emit: Callable[[str], None], stack: Any, base: Summary, counter: AwsCallCounter) -> bool:
    """(a) alone: ``python -m bench.cooperacao ponto``."""
    return _run(emit, stack, base, counter, close=False)


def _run(emit: Callable[[str], None], stack: Any, base: Summary, counter: AwsCallCounter, close: bool = True) -> bool:
    emit(f"Cooperação ({SERVICE}-svc): ponto (COOP-06/08)" + (" e fechamento mensal (COOP-11)" if close else "") +
         "; base = p50 do GetItem da seção 2")
    on_local = getattr(stack, "dynamodb", "moto") == "local"
    emit("   (tabelas no DynamoDB Local)" if on_local else
         "   (moto com TransactWriteItems corrigido: infra/devstack/moto_patches.py)")
    url = stack.urls[SERVICE]
    tag = uuid.uuid4().hex[:6]
    now = datetime.now(TZ)
    if now.hour == 0 and now.minute < RECORDS_PER_SERVANT + 2:
        emit(f"   ponto: pulado — são {now:%H:%M}; os registros do bench precisam de "
             f"{RECORDS_PER_SERVANT + 1} minutos já passados do dia")
    else:
        with stdout_handlers_to_devnull():
            pairs = _prepare_records(stack, url, tag)
            mark = counter.mark()
            accepted, refused = _records(stack, url, pairs)
            calls = counter.request_calls_since(mark)
        ok_s, ko_s = Summary.of(accepted), Summary.of(refused)
        emit(f"   (a) POST /cooperacoes/{{id}}/pontos aceito (n={ok_s.n}, {SERVANTS_FOR_RECORDS} servidores)")
        emit("     " + figure("p50", ok_s.p50, base.p50, GOAL_P99, width=4) + "   (meta só para o p99)")
        emit("     " + figure("p99", ok_s.p99, base.p50, GOAL_P99, width=4, name="registro de ponto aceito, p99"))
        load = format_ratio(ratio(base.p99, base.p50))
        emit(f"     (o p99 do próprio GetItem nesta execução: {base.p99:.2f} ms = {load} o seu p50 — o que a carga da "
             "máquina põe em qualquer p99)")
        emit(f"   (a') recusado por sobreposição, 409 COOP-08 (n={ko_s.n})")
        emit("     " + figure("p99", ko_s.p99, base.p50, GOAL_P99, width=4, name="registro de ponto recusado, p99"))
        emit(f"     chamadas AWS por registro: {describe_calls(calls, per=ok_s.n + ko_s.n)}")
    if not close:
        return True
    results = []
    for n, month in ((CLOSE_N, "2026-08"), (2 * CLOSE_N, "2026-09")):
        _write_month_totals(stack, month, n, tag)
        with stdout_handlers_to_devnull():
            seconds, body, calls = _close(stack, url, month, counter)
        scans = sum(c for name, c in calls.items() if name.endswith(" Scan"))
        results.append(seconds)
        emit(f"   (b) fechamento de {month}: {n} servidores em {seconds:.1f} s, {body['publicados']} eventos, "
             f"{body['lotes']} transações, em {body.get('partes')} partes (COOPERACAO_FECHAMENTO_PARTES da pilha; "
             f"produção: {MONTH_SHARDS}); chamadas AWS: {describe_calls(calls)}")
        if scans:
            emit(f"     ERRO: {scans} Scan(s) — o fechamento deve usar só Query")
            return False
        again_s, again, _ = _close(stack, url, month, counter)
        emit(f"     de novo: {again['publicados']} eventos novos em {again_s:.1f} s")
    growth = ratio(results[1], results[0])
    emit(f"   crescimento 2N/N: {format_ratio(growth)} (meta ≤{format_ratio(CLOSE_GROWTH_GOAL)}) "
         f"{goals.at_most('fechamento (HTTP): crescimento 2N/N', growth, CLOSE_GROWTH_GOAL)}")
    if not on_local:
        emit(f"   N = {CLOSE_N}, não 20.000: no moto cada TransactWriteItems ainda copia a tabela inteira (rollback), "
             "então o custo cresce com o tamanho da tabela (quadrático); extrapolar 20.000 daqui não diz nada sobre "
             "o DynamoDB.")
    else:
        emit(f"   N = {CLOSE_N}: 20.000 servidores no DynamoDB Local estão na seção do fechamento sem HTTP")
    return True


if __name__ == "__main__":
    import sys

    from bench.local_stack import standalone

    # ``python -m bench.cooperacao``: the whole section; ``python -m bench.cooperacao ponto``: (a) alone
    sys.exit(standalone(run_time_records if sys.argv[1:] == ["ponto"] else run))
