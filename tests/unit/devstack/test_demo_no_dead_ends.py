"""The demo data has no dead ends: every unit that takes cooperators has a manager who can sign in (COOP-10)."""

from __future__ import annotations

from devstack import demo, demo_cooperacao


def _units_taking_cooperators() -> set[str]:
    units: set[str] = set()
    for step in demo_cooperacao.SEED_STEPS:
        if step.path.startswith(("/anexos/", "/portarias/")):
            units |= set(step.body["unidades"])
    return units


def test_coop_10_every_unit_that_takes_cooperators_has_a_demo_manager():
    managers = {step.path.rsplit("/", 1)[1]: step.body.get("gestor") for step in demo_cooperacao.SEED_STEPS
                if step.path.startswith("/unidades/")}
    gestores = {user.username for user in demo.USERS if "gestor" in user.groups}
    units = _units_taking_cooperators()
    assert units, "the demo seeds annexes and portarias"
    missing = {unit: managers.get(unit) for unit in units if managers.get(unit) not in gestores}
    assert not missing, f"units nobody can decide for: {missing}"
