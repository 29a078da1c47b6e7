#!/usr/bin/env bash
# Package one service for Lambda and prove the artifact imports on its own.
#
#   infra/package.sh <cooperacao|plantao|distribuicao|pagamentos> <outdir>
#
# 1. courtlib (shared/) is installed into <svc>-svc/vendor/, which chalice copies to the zip's
#    root; the service's requirements.txt is chalice's business (it fetches manylinux wheels for
#    python3.11 x86_64, the Lambda runtime, whatever this machine is).
# 2. `chalice package --stage prod` with infra/merge/sqs-and-stream.json (or $MERGE_TEMPLATE)
#    writes <outdir>/sam.json (a SAM template) and <outdir>/deployment.zip; vendor/ is removed
#    afterwards. sam.json must pass cfn-lint.
# 3. The zip is unpacked and every function's Handler is imported and looked up, as Lambda
#    does, in an isolated interpreter that sees only the zip, the standard library and what the
#    Lambda runtime itself provides (boto3 & co.).
#
# chalice imports app.py to find the handlers, and the app wires its queue and stream from its
# settings, so <SVC>_TABLE_NAME, <SVC>_QUEUE_NAME and <SVC>_STREAM_ARN should be set (deploy.sh
# sets them from the stack outputs). Unset, they get placeholders from the naming convention:
# good for checking the artifact (make package), not for deploying it.
#
# Needs: Python 3.11 with chalice (the project's .venv; `make package` puts it first on PATH)
# and access to PyPI (pip and chalice download wheels).
set -euo pipefail

usage() {
  echo "usage: infra/package.sh <cooperacao|plantao|distribuicao|pagamentos> <outdir>" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
svc=$1
case "$svc" in cooperacao | plantao | distribuicao | pagamentos) ;; *) usage ;; esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
svc_dir="$root/$svc-svc"
mkdir -p "$2"
outdir=$(cd "$2" && pwd) # absolute, so it still means the same after the cd below
merge_template=${MERGE_TEMPLATE:-$root/infra/merge/sqs-and-stream.json}
python=$(command -v "${PYTHON:-python}") || { echo "package.sh: no python on PATH" >&2; exit 1; }
chalice=${CHALICE:-chalice}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-sa-east-1}
region=$AWS_DEFAULT_REGION

[[ -f "$svc_dir/app.py" ]] || { echo "package.sh: $svc_dir/app.py not found" >&2; exit 1; }
"$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' ||
  { echo "package.sh: $python is not Python 3.11 (the Lambda runtime); use the project's .venv" >&2; exit 1; }

# ---- the environment the app reads while chalice imports it
prefix=${svc^^}
placeholders=()
default_env() { # default_env NAME VALUE: export NAME=VALUE unless NAME is already set
  if [[ -z "${!1:-}" ]]; then
    export "$1=$2"
    placeholders+=("$1")
  fi
}
default_env "${prefix}_TABLE_NAME" "tribunal-prod-$svc"
default_env "${prefix}_QUEUE_NAME" "tribunal-prod-$svc-eventos.fifo"
default_env "${prefix}_STREAM_ARN" "arn:aws:dynamodb:$region:000000000000:table/tribunal-prod-$svc/stream/placeholder"
default_env PAGINATION_SECRET "placeholder-pagination-secret-for-the-import-check"
if ((${#placeholders[@]})); then
  echo "package.sh: placeholder values for ${placeholders[*]}: this artifact is for checking, not for deploying" >&2
fi

# ---- vendor courtlib, package, clean up
vendor="$svc_dir/vendor"
scratch=$(mktemp -d)
cleanup() { rm -rf "$vendor" "$scratch" "$svc_dir/.chalice/deployments"; }  # deployments/: chalice's wheel cache, 23 MB
trap cleanup EXIT
rm -rf "$vendor" "$outdir/sam.json" "$outdir/deployment.zip"

# Built from a copy of shared/ (sources only): setuptools builds in the source tree, and a
# build/lib left there would carry modules deleted since into the next artifact.
mkdir -p "$scratch/shared"
cp "$root/shared/pyproject.toml" "$scratch/shared/"
cp -R "$root/shared/src" "$scratch/shared/src"
find "$scratch/shared" \( -name '*.egg-info' -o -name __pycache__ \) -prune -exec rm -rf {} +
"$python" -m pip install --quiet --disable-pip-version-check --no-deps --target "$vendor" "$scratch/shared"

# chalice imports app.py to find the handlers; vendor/ first on the path makes that the courtlib
# going into the zip, not whichever one the venv has installed.
(cd "$svc_dir" && PYTHONPATH="$vendor${PYTHONPATH:+:$PYTHONPATH}" \
  "$chalice" package --stage prod --merge-template "$merge_template" "$outdir") |
  tee "$scratch/chalice.log"
# chalice only warns when a requirement has no Lambda-compatible wheel and cannot be built.
if grep -q "Could not install dependencies" "$scratch/chalice.log"; then
  echo "package.sh: chalice could not package every dependency of $svc (see above)" >&2
  exit 1
fi
[[ -f "$outdir/deployment.zip" && -f "$outdir/sam.json" ]] ||
  { echo "package.sh: chalice produced no deployment.zip/sam.json in $outdir" >&2; exit 1; }

# The packaged SAM template, merged keys included, must lint clean (cfn-lint knows SAM's schema).
cfn_lint=$(dirname "$python")/cfn-lint
[[ -x "$cfn_lint" ]] || cfn_lint=$(command -v cfn-lint || true)
if [[ -n "$cfn_lint" ]]; then
  "$cfn_lint" "$outdir/sam.json" || { echo "package.sh: cfn-lint rejects $outdir/sam.json" >&2; exit 1; }
else
  echo "package.sh: cfn-lint not found, $outdir/sam.json not linted" >&2
fi

# ---- the artifact must import with nothing but itself
"$python" -m zipfile -e "$outdir/deployment.zip" "$scratch/task"

# The Lambda python3.11 runtime provides boto3 and its dependencies outside the zip; lend them
# from this interpreter, after the zip on sys.path as in Lambda.
mkdir -p "$scratch/runtime"
"$python" - "$scratch/runtime" <<'PY'
import importlib.util
import os
import sys

for name in ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six"):
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        continue
    source = os.path.dirname(spec.origin) if spec.submodule_search_locations else spec.origin
    os.symlink(source, os.path.join(sys.argv[1], os.path.basename(source)))
PY

# Each function is started as Lambda does it: a fresh interpreter imports the module of its
# Handler ("module.attribute" in sam.json) and looks the attribute up; app.py is imported only if
# it is that module. -I: no PYTHON* variables, no user site, no current directory; -S: no
# site-packages at all, so whatever the zip lacks is missing here too.
"$python" -c '
import json, sys
functions = [r["Properties"] for r in json.load(open(sys.argv[1]))["Resources"].values()
             if r["Type"] == "AWS::Serverless::Function"]
print("\n".join(sorted({f["Handler"] for f in functions})))
' "$outdir/sam.json" >"$scratch/handlers"
[[ -s "$scratch/handlers" ]] || { echo "package.sh: sam.json declares no function" >&2; exit 1; }

failed=0
while IFS= read -r handler; do
  if ! (cd "$scratch" && env -i PATH="/usr/bin:/bin" LANG=C.UTF-8 \
    AWS_REGION="$region" AWS_DEFAULT_REGION="$region" \
    AWS_ACCESS_KEY_ID=placeholder AWS_SECRET_ACCESS_KEY=placeholder \
    STAGE=prod TRIBUNAL_ID=TRE-MT POWERTOOLS_SERVICE_NAME="$svc" \
    POWERTOOLS_METRICS_NAMESPACE=TribunalBackOffice POWERTOOLS_TRACE_DISABLED=true \
    "${prefix}_TABLE_NAME=tribunal-prod-$svc" PAGINATION_SECRET=placeholder \
    "${prefix}_QUEUE_NAME=tribunal-prod-$svc-eventos.fifo" \
    "${prefix}_STREAM_ARN=arn:aws:dynamodb:$region:000000000000:table/tribunal-prod-$svc/stream/placeholder" \
    "$python" -I -S -c '
import importlib, sys
task, runtime, handler = sys.argv[1:4]
sys.path[:0] = [task]
sys.path.append(runtime)
module_name, _, attribute = handler.rpartition(".")
function = getattr(importlib.import_module(module_name), attribute, None)
if not callable(function):
    sys.exit(f"Lambda would fail: module {module_name!r} has no handler {attribute!r}")
' "$scratch/task" "$scratch/runtime" "$handler"); then
    echo "package.sh: handler $handler does not start from deployment.zip (see above)" >&2
    failed=1
  fi
done <"$scratch/handlers"
if ((failed)); then
  echo "package.sh: $outdir/deployment.zip is not deployable" >&2
  exit 1
fi
echo "package.sh: every handler starts from deployment.zip alone: $(paste -sd ' ' "$scratch/handlers")"
echo "package.sh: $svc packaged into $outdir"
