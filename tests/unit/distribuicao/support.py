"""Builders shared by the distribuicao domain tests (an órgão like the TRE-MT Pleno, seeds, cases)."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from chalicelib.distribuicao.domain.cnj import CnjNumber
from chalicelib.distribuicao.domain.draw import CaseData, Decision, DistributionRequest, OrgaoState, distribute
from chalicelib.distribuicao.domain.judges import Absence, Judge, Orgao, Role, Seat
from chalicelib.distribuicao.domain.log import DrawRecord, public_export
from chalicelib.distribuicao.domain.randomness import DailySeed

TZ = ZoneInfo("America/Sao_Paulo")
DAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=TZ)
ROOT = Path(__file__).resolve().parents[3]
VERIFIER = ROOT / "distribuicao-svc" / "scripts" / "verify_draws.py"


def at(day: date, hour: int = 14, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def seed_for(day: date, salt: str = "") -> DailySeed:
    """Deterministic seeds keep the tests reproducible (the service uses ``new_seed``)."""
    return DailySeed(day, hashlib.sha256(f"semente-teste|{day.isoformat()}|{salt}".encode()).digest())


def cnj(seq: int, year: int = 2026, origin: int = 0) -> CnjNumber:
    return CnjNumber.build(seq, year, 6, 11, origin)


def case(seq: int, classe: str = "RE", **kw) -> CaseData:
    kw.setdefault("parties", (f"Recorrente {seq}", f"Recorrido {seq}"))
    kw.setdefault("lawyers", (f"Advogada {seq} OAB/MT {1000 + seq}",))
    return CaseData(cnj(seq), classe, **kw)


def pleno(*, substitutes: tuple[str, ...] = ("C2", "C3"), president_seat: str = "C1", **changes) -> Orgao:
    """Seven seats C1..C7; titular Jn in Cn with seniority n (J1 most senior); J1 presides.
    ``substitutes``: seats with a substitute Sn (seniority 10+n). ``changes``: judge id → Judge fields."""
    judges = []
    for n in range(1, 8):
        seat = f"C{n}"
        judges.append(Judge(f"J{n}", f"Juiz {n}", n, seat, Role.TITULAR, president=(seat == president_seat)))
        if seat in substitutes:
            judges.append(Judge(f"S{n}", f"Substituto {n}", 10 + n, seat, Role.SUBSTITUTO))
    judges = [replace(j, **changes[j.id]) if j.id in changes else j for j in judges]
    return Orgao("TRE-MT:PLENO", tuple(Seat(f"C{n}") for n in range(1, 8)), tuple(judges))


def absent(start: date, end: date | None = None) -> dict:
    return {"absences": (Absence(start, end),)}


def thread(state: OrgaoState, decisions: list[Decision], decision: Decision) -> OrgaoState:
    decisions.append(decision)
    return state.apply(decision)


def draw_many(
    state: OrgaoState, classes: list[str], *, day: date = DAY, first: int = 1
) -> tuple[OrgaoState, list[Decision]]:
    decisions: list[Decision] = []
    for i, classe in enumerate(classes):
        decision = distribute(
            state,
            DistributionRequest(case(first + i, classe)),
            seed=seed_for(day),
            now=at(day, 9) + timedelta(minutes=i),
        )
        state = thread(state, decisions, decision)
    return state, decisions


def export(
    decisions: list[Decision], *, today: date, seeds_days: list[date] | None = None, log_id: str = "TRE-MT:PLENO"
) -> dict:
    records: list[DrawRecord] = [d.record for d in decisions]
    days = sorted({date.fromisoformat(r.recorded_at[:10]) for r in records}) if seeds_days is None else seeds_days
    seeds = [seed_for(d) for d in days]
    details = {d.record.seq: d.details for d in decisions if d.details is not None}
    return public_export(
        tribunal="TRE-MT", log_id=log_id, records=records, details=details, seeds=seeds,
        commitments={s.day: s.commitment for s in seeds}, today=today, generated_at=at(today, 8),
    )


def load_verifier():
    """The standalone script as a module (it is not a package of the project)."""
    name = "verify_draws_under_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, VERIFIER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
