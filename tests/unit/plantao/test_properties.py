"""PLAN-02 (with PLAN-05 and PLAN-06): over 24 generated months, per rotation, nobody is skipped or doubled
across month boundaries and counts differ by at most 1 — swaps and impediments included.

The *turn ledger* of a rotation lists the turns in the order they were given: each month's turns, then
the turns an impediment anticipated (PLAN-06) at the end of that month. It must be a contiguous walk
of the rotation's cyclic order. A swap (PLAN-05) moves no turn and keeps each magistrate's count; an
impediment takes one shift from the impeded and gives the substitute the turn it would have had next month.
"""

from collections import Counter
from datetime import datetime, timedelta
from itertools import pairwise

from chalicelib.plantao.domain.reference import Comarca, Juizo, Magistrate, NightGroup, Region
from chalicelib.plantao.domain.scales import Kind, Month, _next_index, generate, impediment, rotation_plans, swap
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.plantao.support import CONFIG, TZ, calendar, reference

KINDS = (Kind.ESTADUAL, Kind.NOTURNO, Kind.SEGUNDO_GRAU)


def world(sizes: list[int]):
    """Two regions; comarca n has ``sizes[n]`` juízos, each with its own judge."""
    comarcas, juizos, magistrates = [], [], []
    for n, size in enumerate(sizes):
        comarca = Comarca(f"C{n}", f"Comarca {n}", f"51{n:05d}", "R1" if n % 2 == 0 else "R2", n)
        comarcas.append(comarca)
        for k in range(size):
            judge = f"jz.{n}.{k}"
            juizos.append(Juizo(f"V{k}-C{n}", f"{k + 1}ª Vara da Comarca {n}", comarca.id, k, judge))
            magistrates.append(Magistrate(judge, f"Juiz {n}.{k}" + "x" * k, 100 + len(magistrates), juizo=f"V{k}-C{n}"))
    base = reference()
    night = tuple(m.id for m in magistrates[:4])
    return reference(
        regions=(Region("R1", "Região 1", 1), Region("R2", "Região 2", 2)),
        comarcas=tuple(comarcas),
        juizos=tuple(juizos),
        magistrates=(*magistrates, *[m for m in base.magistrates if m.desembargador]),
        zones=(),
        night_groups=tuple(NightGroup(y, q, night) for y in range(2026, 2031) for q in (1, 2, 3)),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
       start=st.sampled_from([Month(2026, 11), Month(2027, 1), Month(2027, 6)]),
       kind=st.sampled_from(KINDS), rng=st.randoms(use_true_random=False))
def test_plan_02_property_24_months_nobody_skipped_or_doubled_counts_within_one(sizes, start, kind, rng):
    ref, cal = world(sizes), calendar(entries=[])
    positions: dict = {}
    ledger: dict[str, list[str]] = {}  # rotation -> turn keys in order
    owner: dict[str, dict[str, str]] = {}  # rotation -> turn key -> judge of that member
    served: dict[str, Counter] = {}
    impeded: dict[str, Counter] = {}
    month = start
    for _ in range(24):
        scale = generate(kind, month, ref, cal, CONFIG, positions)
        assert scale.start == positions  # PLAN-02: continues where the previous month ended
        plans = {p.key: p for p in rotation_plans(kind, month, ref, cal, CONFIG)}
        for rotation, plan in plans.items():
            owner.setdefault(rotation, {}).update({m.key: m.judge for m in plan.members})
            ledger.setdefault(rotation, []).extend(p.turn for p in scale.plantoes if p.rotation == rotation)
        now = datetime.combine(month.first - timedelta(days=1), datetime.min.time(), tzinfo=TZ)
        # PLAN-05: a few swaps inside one rotation
        for _ in range(rng.randrange(3)):
            rotation = rng.choice(sorted(plans))
            mine = [p for p in scale.plantoes if p.rotation == rotation]
            a, b = rng.sample(mine, 2) if len(mine) >= 2 else (None, None)
            if a is not None and a.magistrado != b.magistrado:
                scale = swap(scale, a.id, a.magistrado, b.id, b.magistrado, ref, now)
        # PLAN-06: maybe an impediment
        if rng.random() < 0.6:
            target = rng.choice(scale.plantoes)
            members = plans[target.rotation].members
            following = members[_next_index(members, scale.end.get(target.rotation))]
            if len(members) >= 2 and following.judge != target.magistrado:
                scale, new = impediment(scale, target.id, ref, cal, CONFIG, now)
                ledger[target.rotation].append(new.turn)
                impeded.setdefault(target.rotation, Counter())[target.magistrado] += 1
        for p in scale.plantoes:
            served.setdefault(p.rotation, Counter())[p.magistrado] += 1
        positions = dict(scale.end)
        month = month.next()

    for rotation, turns in ledger.items():
        keys = sorted(owner[rotation])
        # contiguous cyclic walk: nobody skipped, nobody doubled (also across month boundaries)
        for before, after in pairwise(turns):
            assert keys[(keys.index(before) + 1) % len(keys)] == after, (rotation, before, after)
        holders = Counter(owner[rotation][t] for t in turns)
        everyone = {owner[rotation][k] for k in keys}
        counts = [holders.get(j, 0) for j in everyone]
        if len(turns) >= len(keys):
            assert max(counts) - min(counts) <= 1, (rotation, holders)
        # what was served = the turns held, minus the shifts lost to an impediment (swaps change no count)
        lost = impeded.get(rotation, Counter())
        for judge in everyone:
            assert served[rotation][judge] == holders[judge] - lost[judge], (rotation, judge)
