"""Benchmark of the infrastructure definition. Prints figures; asserts nothing.

1. The Lambda bundle (`infra/bundle.py`, with the arm64 wheels): files, size, zipped size
   (Lambda's limit is 50 MB zipped, 250 MB unzipped), and the time to make it.
2. The template: resources before and after the SAM transform, and the time of each
   offline validation (cfn-lint, the transform, checkov).
3. The edge: CSP length against CloudFront's 1,783-character limit and its hashes; the
   CloudFront Function's size against its 10 KB limit (as deployed: build/infra/template.yaml),
   and its run time in Node per request and for an 8 KB address to encode (CloudFront
   Functions allow about 1 ms of compute).

    .venv/bin/python tests/benchmarks/bench_infra.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "infra"))

from infra_template import (  # noqa: E402 - the helpers live beside the infra tests
    CFN_LINT,
    CHECKOV,
    CHECKOV_CONFIG,
    TEMPLATE,
    content_security_policy,
    infra_module,
    template,
)

NODE_LOOP = """
const vm = require("vm");
const sandbox = {}; vm.createContext(sandbox); vm.runInContext(process.argv[1], sandbox);
const event = (uri, lang) => ({request: {method: "GET", uri, querystring: {},
  headers: lang ? {"accept-language": {value: lang}} : {}}});
const events = [event("/", "en-CA,en;q=0.9,fr;q=0.8"), event("/inscription"),
  event("/fr/programme/"), event("/fr/assets/vnb.css")];
const time = (list, n) => { const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sandbox.handler(list[i % list.length]);
  return Number(process.hrtime.bigint() - start) / n / 1000; };
// CloudFront's longest address (8 KB), every character one the Location must encode.
const hostile = [event("/" + "\t\\é%".repeat(2000))];
console.log(time(events, 100000), time(hostile, 2000));
"""


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def bundle_figures() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "lambda"
        start = time.perf_counter()
        bundle = infra_module("bundle")
        shell = bundle.SHELL if (bundle.SHELL / "fr.html").is_file() else None
        bundle.bundle(dest, shell=shell)
        seconds = time.perf_counter() - start
        files = [p for p in dest.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        archive = Path(tmp) / "lambda.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in files:
                zipped.write(path, path.relative_to(dest))
        zipped_mb = archive.stat().st_size / 1e6
        print(
            f"bundle: {len(files)} files, {size / 1e6:.2f} MB, zipped {zipped_mb:.2f} MB,"
            f" made in {seconds:.1f} s"
        )


def template_figures() -> None:
    test_template = infra_module("test_template", REPO / "tests" / "infra")
    start = time.perf_counter()
    output: dict[str, Any] = test_template.transformed()
    transform_seconds = time.perf_counter() - start
    before, after = len(template()["Resources"]), len(output["Resources"])
    print(
        f"template: {before} resources, {after} after the SAM transform ({transform_seconds:.2f} s)"
    )
    seconds, _ = timed([str(CFN_LINT), "--", str(TEMPLATE)])
    print(f"cfn-lint: {seconds:.1f} s")
    seconds, done = timed([str(CHECKOV), "--config-file", str(CHECKOV_CONFIG), "-f", str(TEMPLATE)])
    summary = next((line for line in done.stdout.splitlines() if "Passed checks" in line), "?")
    print(f"checkov: {summary.strip()} ({seconds:.1f} s)")


def edge_figures() -> None:
    csp = content_security_policy()
    hashes = csp.count("'sha256-")
    print(f"CSP: {len(csp)} of 1783 characters, {hashes} hashes")
    code: str = template()["Resources"]["EdgeRequestFunction"]["Properties"]["FunctionCode"]
    node = shutil.which("node")
    per_request = "no node"
    if node:
        done = subprocess.run(
            [node, "-e", NODE_LOOP, code], capture_output=True, text=True, check=True
        )
        typical, hostile = (float(word) for word in done.stdout.split())
        per_request = (
            f"{typical:.2f} µs per request in Node (100,000 requests),"
            f" {hostile:.0f} µs for an 8 KB hostile address"
        )
    print(f"edge function: {len(code.encode())} of 10240 bytes, {per_request}")


def main() -> int:
    bundle_figures()
    template_figures()
    edge_figures()
    return 0


if __name__ == "__main__":
    sys.exit(main())
