"""The SAM template ``chalice package --stage prod --merge-template infra/merge/sqs-and-stream.json`` writes for one
service, without building deployment.zip (no pip, no wheels): chalice's own packager with its deployment-package
step swapped for one that names the zip. Printed as JSON.

    python tests/unit/sam_template.py <service>

Run in its own process (the app reads its settings from the environment on import, as in ``infra/package.sh``,
whose placeholders it uses).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
REGION = "sa-east-1"


def _environment(service: str) -> None:
    """The prod stage's names, whatever the parent process had (a test session's local stack sets its own)."""
    prefix = service.upper()
    os.environ["AWS_DEFAULT_REGION"] = REGION
    os.environ[f"{prefix}_TABLE_NAME"] = f"tribunal-prod-{service}"
    os.environ[f"{prefix}_QUEUE_NAME"] = f"tribunal-prod-{service}-eventos.fifo"
    os.environ[f"{prefix}_STREAM_ARN"] = (
        f"arn:aws:dynamodb:{REGION}:000000000000:table/tribunal-prod-{service}/stream/placeholder")
    os.environ.setdefault("PAGINATION_SECRET", "placeholder")


def sam_template(service: str) -> dict[str, Any]:
    from chalice.cli.factory import CLIFactory
    from chalice.deploy import deployer, models
    from chalice.package import create_app_packager

    _environment(service)
    project = ROOT / f"{service}-svc"
    sys.path[:0] = [str(project), str(ROOT / "shared" / "src")]
    factory = CLIFactory(str(project))
    config = factory.create_config_obj(chalice_stage_name="prod")

    scratch = tempfile.TemporaryDirectory()
    empty_zip = Path(scratch.name) / "deployment.zip"
    empty_zip.write_bytes(b"")

    class NamedZip(deployer.BaseDeployStep):
        def handle_deploymentpackage(self, config: Any, resource: Any) -> None:
            if isinstance(resource.filename, models.Placeholder):
                resource.filename = str(empty_zip)

    real = deployer.create_build_stage

    def build_stage(*args: Any) -> Any:
        stage = real(*args)
        stage._steps[1] = NamedZip()  # the deployment packager (pip + zip)
        return stage

    deployer.create_build_stage = build_stage
    import chalice.package

    chalice.package.create_build_stage = build_stage
    merge = str(ROOT / "infra" / "merge" / "sqs-and-stream.json")
    packager = create_app_packager(config, factory.create_package_options(), "cloudformation",
                                   "json", merge_template=merge)
    with scratch, tempfile.TemporaryDirectory() as out:
        packager.package_app(config, out, "prod")
        return json.loads((Path(out) / "sam.json").read_text())


if __name__ == "__main__":
    print(json.dumps(sam_template(sys.argv[1])))
