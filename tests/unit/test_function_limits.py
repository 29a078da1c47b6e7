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
from courtlib.messaging.redelivery import retry_schedule
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


def infra_template() -> dict[str, Any]:
    return cfn_yaml.loads((ROOT / "infra" / "template.yaml").read_text())


def infra_queues(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Queue name at stage prod → its properties, in infra/template.yaml."""
    return {resource["Properties"]["QueueName"]["Fn::Sub"].replace("${Stage}", "prod"): resource["Properties"]
            for resource in template["Resources"].values() if resource["Type"] == "AWS::SQS::Queue"}


def default_of(template: dict[str, Any], value: Any) -> int:
    """A property's value at stage prod: the parameter's default when it is a Ref."""
    if isinstance(value, dict):
        value = template["Parameters"][value["Ref"]]["Default"]
    return int(value)


def infra_queue_visibility(queue_name: str) -> int:
    """The VisibilityTimeout infra/template.yaml gives the queue named ``queue_name`` at stage prod (a parameter's
    default when it is a Ref)."""
    template = infra_template()
    queues = infra_queues(template)
    if queue_name not in queues:
        raise AssertionError(f"infra/template.yaml has no queue {queue_name}")
    return default_of(template, queues[queue_name]["VisibilityTimeout"])


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
def test_each_queue_stays_invisible_six_times_its_own_consumers_timeout(packaged, service):
    """Derived, not just enough: each queue's visibility is its own parameter, whose default is exactly 6 × the
    timeout of the one function reading it (a longer one would only delay a crashed invocation's retry)."""
    sources = [(name, event["Properties"]) for name, properties in functions(packaged[service]).items()
               for event in properties.get("Events", {}).values() if event["Type"] == "SQS"]
    assert [name for name, _ in sources] == ["consume_events"], f"{service}: one SQS consumer, its own queue"
    template = infra_template()
    for name, source in sources:
        queue = re.sub(r"^.*:", "", source["Queue"]["Fn::Sub"])
        assert queue == f"tribunal-prod-{service}-eventos.fifo"
        timeout = functions(packaged[service])[name]["Timeout"]
        assert infra_queue_visibility(queue) == VISIBILITY_FACTOR * timeout, \
            f"{service}.{name} ({timeout} s) reads {queue}: its visibility parameter → {VISIBILITY_FACTOR * timeout}"
        reference = infra_queues(template)[queue]["VisibilityTimeout"]
        assert reference == {"Ref": f"{service.capitalize()}QueueVisibilityTimeout"}, "a parameter of its own"


@pytest.mark.parametrize("service", SERVICES)
def test_each_queue_dead_letters_to_its_own_dlq_after_retries_that_make_sense(service):
    """The redrive: the queue's own FIFO DLQ, which accepts only it and keeps messages as long; maxReceiveCount ≥ 5
    (AWS's advice for Lambda's SQS event sources); the consumer's backoff retries a failure within a minute, waits
    longer each time, and the retries before the DLQ fit well inside the retention."""
    template = infra_template()
    queues = infra_queues(template)
    name = f"tribunal-prod-{service}-eventos.fifo"
    queue, dlq = queues[name], queues[f"tribunal-prod-{service}-eventos-dlq.fifo"]
    dlq_logical = next(key for key, resource in template["Resources"].items()
                       if resource["Type"] == "AWS::SQS::Queue" and resource["Properties"] is dlq)
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq_logical, "Arn"]}
    assert queue["FifoQueue"] and dlq["FifoQueue"] and "RedrivePolicy" not in dlq
    allowed = [arn["Fn::Sub"] for arn in dlq["RedriveAllowPolicy"]["sourceQueueArns"]]
    assert [arn.rsplit(":", 1)[-1].replace("${Stage}", "prod") for arn in allowed] == [name]
    assert int(dlq["MessageRetentionPeriod"]) >= int(queue["MessageRetentionPeriod"])
    receives = default_of(template, queue["RedrivePolicy"]["maxReceiveCount"])
    assert receives >= 5
    visibility = default_of(template, queue["VisibilityTimeout"])
    waits = retry_schedule(receives, visibility)
    assert waits[0] <= 60, "a failed record is retried within a minute, not after the queue's visibility"
    assert waits == sorted(waits) and all(wait <= visibility for wait in waits)
    assert sum(waits) + receives * visibility < int(queue["MessageRetentionPeriod"])


def test_the_local_stack_gives_every_queue_its_one_short_visibility():
    """The devstack sets each queue's visibility parameter to its own few seconds, and says why (its consumers run
    one poller thread per queue in process, so a message is never handled twice at once)."""
    from devstack.stack import DEFAULT_PARAMETERS, local_queue_visibilities

    template = infra_template()
    declared = {name for name in template["Parameters"] if name.endswith("QueueVisibilityTimeout")}
    referenced = {properties["VisibilityTimeout"]["Ref"] for properties in infra_queues(template).values()
                  if isinstance(properties.get("VisibilityTimeout"), dict)}
    assert referenced == declared == {f"{service.capitalize()}QueueVisibilityTimeout" for service in SERVICES}
    local = local_queue_visibilities((ROOT / "infra" / "template.yaml").read_text(), DEFAULT_PARAMETERS)
    short = DEFAULT_PARAMETERS["QueueVisibilityTimeout"]
    assert {name: local[name] for name in declared} == dict.fromkeys(declared, short)
    tests = local_queue_visibilities((ROOT / "infra" / "template.yaml").read_text(),
                                     {**DEFAULT_PARAMETERS, "QueueVisibilityTimeout": "1",
                                      "PagamentosQueueVisibilityTimeout": "30"})
    assert (tests["PlantaoQueueVisibilityTimeout"], tests["PagamentosQueueVisibilityTimeout"]) == ("1", "30")


def test_declared_limits_hold_the_measured_figures_with_headroom(packaged):
    """Each measured function, at the design size: timeout ≥ 2 × time × CPU share, memory ≥ 2 × peak RSS; a
    function already at its platform bound that still falls short must be reported by the bench as not met."""
    figures = json.loads(sizing.FIGURES.read_text())
    assert figures["funcoes"], "bench/sizing.json has no figures"
    for name, figure in figures["funcoes"].items():
        service, function = name.split(".")
        properties = functions(packaged[service])[function]
        design = figure["projeto"]
        need_s, need_mb = sizing.required(sizing.seconds_to_fit(design), design["rss_mb"], properties["MemorySize"])
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
