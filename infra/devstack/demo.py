"""Demo users and demo data of the local stack: the one list of who can sign in locally, and what exists.

``seed`` runs ``SEED_STEPS`` in order, each a call to a service's HTTP API as the admin demo user:
``(service, method, path, body)``. A step succeeds with any 2xx, or with 409 when what it creates
already exists. Every step carries an ``Idempotency-Key`` derived from the step itself, so running
the seeding twice (or retrying a step) creates nothing twice. Steps for a service that is not
running are skipped. Seeding goes through the public API on purpose: demo data obeys the same
rules and emits the same events as data entered by a person.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from devstack import demo_cooperacao, demo_pagamentos, demo_plantao
from devstack.seeding import SeedStep

__all__ = ["ADMIN", "DEMO_PASSWORD", "SEED_STEPS", "USERS", "DemoUser", "SeedError", "SeedStep", "seed"]

log = logging.getLogger("devstack")

DEMO_PASSWORD = "Tribunal#Demo2026"
ADMIN = "admin.ti"


@dataclass(frozen=True)
class DemoUser:
    username: str  # the matrícula
    name: str
    groups: tuple[str, ...]

    @property
    def email(self) -> str:
        return f"{self.username}@exemplo.jus.br"


USERS: tuple[DemoUser, ...] = (
    DemoUser("admin.ti", "Administração de TI", ("admin",)),
    DemoUser("presidente", "Presidente do Tribunal", ("presidencia",)),
    DemoUser("corregedor", "Corregedor Regional", ("corregedoria",)),
    DemoUser("gestor.vara1", "Gestor da 1ª Vara", ("gestor",)),
    DemoUser("gestor.vara2", "Gestora da 2ª Vara", ("gestor",)),
    DemoUser("gestor.gab3", "Chefe do Gabinete da Cadeira 3", ("gestor",)),
    DemoUser("servidor.ana", "Ana Servidora", ("servidor",)),
    DemoUser("servidor.bruno", "Bruno Servidor", ("servidor",)),
    DemoUser("nucleo.coop", "Núcleo de Cooperação", ("nucleo_cooperacao",)),
    DemoUser("distribuidor", "Setor de Distribuição", ("distribuicao",)),
    DemoUser("dimag.folha", "DIMAG — Folha de Pagamento", ("dimag",)),
)


CUIABA, VARZEA_GRANDE = "5103403", "5108402"  # IBGE codes


def _day(date: str, kind: str, description: str, decreed_on: str, municipality: str | None = None) -> SeedStep:
    body = {"data": date, "tipo": kind, "descricao": description, "decretado_em": decreed_on}
    if municipality:
        body["municipio"] = municipality
    return SeedStep("plantao", "POST", "/calendario/dias", body, batch="calendario")  # one item per day


_PLENO_MEMBERS = [  # (seat, id, name, seniority, president, desembargador)
    ("C1", "des.presidente", "Des. Presidente Carlos Almeida", 1, True, True),
    ("C2", "des.corregedora", "Des.ª Corregedora Lúcia Ferraz", 2, False, True),
    ("C3", "jd.paulo", "Juiz Paulo Henrique Costa", 3, False, False),
    ("C4", "jd.marina", "Juíza Marina Duarte", 4, False, False),
    ("C5", "jf.ricardo", "Juiz Federal Ricardo Tavares", 5, False, False),
    ("C6", "jur.helena", "Jurista Helena Prado", 6, False, False),
    ("C7", "jur.otavio", "Jurista Otávio Nunes", 7, False, False),
]

# The Pleno of the electoral court (DIST-02): seven seats, the President's never drawn.
PLENO = SeedStep("distribuicao", "PUT", "/orgaos/PLENO", {
    "nome": "Pleno do Tribunal Regional Eleitoral",
    "classes": ["RE", "HC", "MS", "PC", "AIJE", "RCED", "ED", "AgR"],
    "cadeiras": [{"id": seat, "rotulo": f"Cadeira {seat[1:]}"} for seat, *_ in _PLENO_MEMBERS],
    "juizes": [{"id": judge, "nome": name, "antiguidade": rank, "cadeira": seat, "presidente": president,
                "desembargador": desembargador}
               for seat, judge, name, rank, president, desembargador in _PLENO_MEMBERS],
})

# The tribunal's own calendar (CAL-01): national and state holidays come from the `holidays` library.
SEED_STEPS: list[SeedStep] = [
    _day("2026-04-08", "feriado_municipal", "Aniversário de Cuiabá", "2025-12-01", CUIABA),
    _day("2027-04-08", "feriado_municipal", "Aniversário de Cuiabá", "2026-11-20", CUIABA),
    _day("2026-05-15", "feriado_municipal", "Aniversário de Várzea Grande", "2025-12-01", VARZEA_GRANDE),
    _day("2027-05-15", "feriado_municipal", "Aniversário de Várzea Grande", "2026-11-20", VARZEA_GRANDE),
    _day("2026-02-16", "ponto_facultativo", "Carnaval", "2026-01-15"),
    _day("2026-02-17", "ponto_facultativo", "Carnaval", "2026-01-15"),
    _day("2026-06-04", "ponto_facultativo", "Corpus Christi", "2026-05-10"),
    _day("2026-10-28", "ponto_facultativo", "Dia do Servidor Público", "2026-10-01"),
    _day("2027-02-08", "ponto_facultativo", "Carnaval", "2026-11-20"),
    _day("2027-02-09", "ponto_facultativo", "Carnaval", "2026-11-20"),
    _day("2027-05-27", "ponto_facultativo", "Corpus Christi", "2026-11-20"),
    PLENO,
    *demo_plantao.SEED_STEPS,
    *demo_cooperacao.SEED_STEPS,
    *demo_pagamentos.SEED_STEPS,
]


class SeedError(RuntimeError):
    pass


def seed(base_urls: Mapping[str, str], tokens: Mapping[str, str], steps: Sequence[SeedStep] | None = None,
         timeout: float = 10.0) -> int:
    """Runs the steps as the admin user; returns how many ran. Raises :class:`SeedError` on failure.

    Each service's steps run in their order, the services side by side: no step reads another
    service's data (what crosses services travels as events), and one request at a time for the
    whole seeding made it most of `make run`'s start.
    """
    by_service: dict[str, list[SeedStep]] = {}
    for step in SEED_STEPS if steps is None else steps:
        if step.service not in base_urls:
            log.warning("dados de demonstração: %s não está rodando, passo %s %s ignorado",
                        step.service, step.method, step.path)
            continue
        by_service.setdefault(step.service, []).append(step)
    if not by_service:
        return 0
    with ThreadPoolExecutor(max_workers=len(by_service), thread_name_prefix="seed") as pool:
        counts = pool.map(lambda service: _seed_service(base_urls[service], tokens, by_service[service], timeout),
                          list(by_service))
        return sum(counts)


def _seed_service(base: str, tokens: Mapping[str, str], steps: Sequence[SeedStep], timeout: float) -> int:
    """The service's steps in order; a run of steps of one batch side by side (on a loaded machine each
    request waits its turn for a CPU, and the batch waits once)."""
    for batch in _batches(steps):
        if len(batch) == 1:
            _run_step(base, tokens, batch[0], timeout)
            continue
        with ThreadPoolExecutor(max_workers=min(len(batch), 8), thread_name_prefix="seed-lote") as pool:
            list(pool.map(lambda step: _run_step(base, tokens, step, timeout), batch))
    return len(steps)


def _batches(steps: Sequence[SeedStep]) -> list[list[SeedStep]]:
    """Consecutive steps of the same ``batch`` together; every other step alone, in order."""
    batches: list[list[SeedStep]] = []
    for step in steps:
        if batches and step.batch is not None and batches[-1][-1].batch == step.batch:
            batches[-1].append(step)
        else:
            batches.append([step])
    return batches


def _run_step(base: str, tokens: Mapping[str, str], step: SeedStep, timeout: float) -> None:
    data = None if step.body is None else json.dumps(step.body).encode("utf-8")
    request = urllib.request.Request(base.rstrip("/") + step.path, data=data, method=step.method, headers={
        "Authorization": f"Bearer {tokens[ADMIN]}", "Content-Type": "application/json",
        "Idempotency-Key": step.idempotency_key,
    })
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
        if status != 409:
            detail = error.read().decode("utf-8", "replace")
            raise SeedError(f"{step.service} {step.method} {step.path} -> {status}: {detail}") from None
    log.debug("seed %s %s %s -> %s", step.service, step.method, step.path, status)
