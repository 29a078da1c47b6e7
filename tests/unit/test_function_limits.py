"""Each function's limits in the packaged templates (issue 15): its own timeout and memory, Lambda's and API
Gateway's bounds, the queues' visibility against their consumers, and the last measured figures with headroom.

The templates are what ``chalice package --stage prod`` writes (``tests/unit/sam_template.py``: chalice's own
packager, the zip left out); the figures are ``bench/sizing.json``, written by ``python -m bench.sizing``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import cfn_yaml

from bench import sizing
from courtlib.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]
SAM_TEMPLATE = Path(__file__).with_name("sam_template.py")
VISIBILITY_FACTOR = 6  # AWS: an SQS event source's queue stays invisible ≥ 6 × the function's timeout


@pytest.fixture(scope="module")
def packaged() -> dict[str, dict[str, Any]]:
    templates = {}
    for service in SERVICES:
        done = subprocess.run([sys.executable, str(SAM_TEMPLATE), service], capture_output=True, text=True,
                              cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        templates[service] = json.loads(done.stdout)
    return templates


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Function name (the handler's attribute, ``app`` → ``api_handler``) → its properties."""
    out = {}
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            attribute = resource["Properties"]["Handler"].rpartition(".")[2]
            out["api_handler" if attribute == "app" else attribute] = resource["Properties"]
    return out


def infra_queue_visibility(queue_name: str) -> int:
    """The VisibilityTimeout infra/template.yaml gives the queue named ``queue_name`` at stage prod (a parameter's
    default when it is a Ref)."""
    template = cfn_yaml.loads((ROOT / "infra" / "template.yaml").read_text())
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        if resource["Type"] != "AWS::SQS::Queue":
            continue
        name = properties["QueueName"]["Fn::Sub"].replace("${Stage}", "prod")
        if name == queue_name:
            visibility = properties["VisibilityTimeout"]
            if isinstance(visibility, dict):
                visibility = template["Parameters"][visibility["Ref"]]["Default"]
            return int(visibility)
    raise AssertionError(f"infra/template.yaml has no queue {queue_name}")


@pytest.mark.parametrize("service", SERVICES)
def test_every_function_declares_its_own_timeout_and_memory(packaged, service):
    config = json.loads((ROOT / f"{service}-svc" / ".chalice" / "config.json").read_text())
    declared = config.get("lambda_functions", {})
    for name, properties in functions(packaged[service]).items():
        assert set(declared.get(name, {})) >= {"lambda_timeout", "lambda_memory_size"}, \
            f"{service}.{name}: no limits of its own in .chalice/config.json"
        assert (properties["Timeout"], properties["MemorySize"]) == (declared[name]["lambda_timeout"],
                                                                     declared[name]["lambda_memory_size"])
        limits = sizing.declared_limits(service, name)  # what the bench reads is what chalice packages
        assert (limits.timeout_s, limits.memory_mb) == (properties["Timeout"], properties["MemorySize"])


@pytest.mark.parametrize("service", SERVICES)
def test_timeouts_respect_lambda_and_api_gateway(packaged, service):
    for name, properties in functions(packaged[service]).items():
        assert 1 <= properties["Timeout"] <= sizing.MAX_TIMEOUT_S, f"{service}.{name}"
        assert 128 <= properties["MemorySize"] <= 10240, f"{service}.{name}"
        scheduled = any(e["Type"] == "Schedule" for e in properties.get("Events", {}).values())
        if scheduled:
            assert properties["Timeout"] <= sizing.MAX_TIMEOUT_S
    assert functions(packaged[service])["api_handler"]["Timeout"] <= sizing.API_TIMEOUT_S  # API Gateway's 29 s


@pytest.mark.parametrize("service", SERVICES)
def test_each_queue_stays_invisible_six_times_its_consumers_timeout(packaged, service):
    sources = [(name, event["Properties"]) for name, properties in functions(packaged[service]).items()
               for event in properties.get("Events", {}).values() if event["Type"] == "SQS"]
    assert sources, f"{service}: no SQS event source"
    for name, source in sources:
        queue = re.sub(r"^.*:", "", source["Queue"]["Fn::Sub"])
        timeout = functions(packaged[service])[name]["Timeout"]
        assert infra_queue_visibility(queue) >= VISIBILITY_FACTOR * timeout, f"{service}.{name} reads {queue}"


def test_declared_limits_hold_the_measured_figures_with_headroom(packaged):
    """Each measured function, at the design size: timeout ≥ 2 × time × CPU share, memory ≥ 2 × peak RSS; a
    function already at its platform bound that still falls short must be reported by the bench as not met."""
    figures = json.loads(sizing.FIGURES.read_text())
    assert figures["funcoes"], "bench/sizing.json has no figures"
    for name, figure in figures["funcoes"].items():
        service, function = name.split(".")
        properties = functions(packaged[service])[function]
        design = figure["projeto"]
        need_s, need_mb = sizing.required(design["segundos"], design["rss_mb"], properties["MemorySize"])
        bound = sizing.API_TIMEOUT_S if function == "api_handler" else sizing.MAX_TIMEOUT_S
        if need_s > properties["Timeout"]:
            assert properties["Timeout"] == bound and not figure["cumpre_tempo"], \
                f"{name}: needs {need_s:.0f} s, declares {properties['Timeout']} s"
        if need_mb > properties["MemorySize"]:
            assert properties["MemorySize"] == 10240 and not figure["cumpre_memoria"], \
                f"{name}: needs {need_mb:.0f} MB, declares {properties['MemorySize']} MB"


def test_extrapolation_is_the_line_through_the_two_sizes():
    assert sizing.extrapolate(1, 10, 2, 20, 4) == pytest.approx(40)
    assert sizing.extrapolate(1, 100, 2, 110, 4) == pytest.approx(130)  # a fixed part stays fixed
    assert sizing.extrapolate(1, 10, 2, 9, 4) == 9  # never below what was measured


def test_a_function_below_a_whole_vcpu_counts_its_time_slower():
    assert sizing.cpu_share(sizing.FULL_VCPU_MB) == 1.0
    assert sizing.cpu_share(3008) == 1.0
    assert sizing.required(10, 100, 512) == (pytest.approx(20 * 1769 / 512), 200)
