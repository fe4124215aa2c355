"""The generated Python stubs import under the oldest runtime the project supports.

grpcio-tools stamps its gencode version into every generated module (protobuf's
``ValidateProtobufRuntimeVersion`` and grpc's ``GRPC_GENERATED_VERSION``), and an older
runtime refuses to load that code. So the lower bounds in pyproject.toml must be at least
those versions; this test installs exactly the lower bounds into a throwaway virtualenv
(with uv, from PyPI) and imports every generated ``herald.v1`` module there.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "server" / "herald" / "v1"

# The oldest runtimes the project supports: the lower bounds in pyproject.toml, and the
# versions grpcio-tools stamps into the generated code. Both are asserted below.
OLDEST_PROTOBUF = "6.31.1"
OLDEST_GRPCIO = "1.76.0"


def _lower_bound(name: str) -> str:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for requirement in dependencies:
        match = re.fullmatch(rf"{re.escape(name)}(?:\[[^\]]*\])?\s*(.*)", requirement)
        if match:
            for clause in match.group(1).split(","):
                if clause.strip().startswith(">="):
                    return clause.strip()[2:].strip()
            raise AssertionError(f"pyproject.toml: {requirement!r} has no lower bound")
    raise AssertionError(f"pyproject.toml does not depend on {name}")


def _modules() -> list[str]:
    return sorted(f"herald.v1.{path.stem}" for path in GENERATED.glob("*_pb2*.py"))


def test_oldest_versions_are_the_pyproject_lower_bounds() -> None:
    assert _lower_bound("protobuf") == OLDEST_PROTOBUF
    assert _lower_bound("grpcio") == OLDEST_GRPCIO


def test_oldest_versions_are_the_gencode_versions() -> None:
    major, minor, patch = OLDEST_PROTOBUF.split(".")
    stamp = re.compile(
        rf"ValidateProtobufRuntimeVersion\(\s*_runtime_version\.Domain\.PUBLIC,\s*"
        rf"{major},\s*{minor},\s*{patch},"
    )
    messages = sorted(GENERATED.glob("*_pb2.py"))
    stubs = sorted(GENERATED.glob("*_pb2_grpc.py"))
    assert messages and stubs
    for path in messages:
        assert stamp.search(path.read_text()), (
            f"{path.name} is not protobuf {OLDEST_PROTOBUF} gencode"
        )
    for path in stubs:
        assert f"GRPC_GENERATED_VERSION = '{OLDEST_GRPCIO}'" in path.read_text(), path.name


@pytest.mark.timeout(600)
def test_stubs_import_under_oldest_runtime(tmp_path: Path) -> None:
    uv = Path(sys.executable).parent / "uv"
    assert uv.exists(), f"{uv} is missing: run `make venv`"
    venv = tmp_path / "oldest"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}
    }
    env["UV_PYTHON_DOWNLOADS"] = "never"

    def run(
        *args: str | Path, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in args],
            check=False,
            capture_output=True,
            text=True,
            env={**env, **(extra_env or {})},
            timeout=540,
        )

    created = run(uv, "venv", "-q", "--python", sys.executable, venv)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    installed = run(
        uv,
        "pip",
        "install",
        "-q",
        "--python",
        python,
        f"protobuf=={OLDEST_PROTOBUF}",
        f"grpcio=={OLDEST_GRPCIO}",
        f"googleapis-common-protos=={_lower_bound('googleapis-common-protos')}",
    )
    assert installed.returncode == 0, installed.stderr

    modules = _modules()
    # messages and gRPC stubs of each of protos/herald/v1/*.proto
    assert len(modules) == 2 * len(list((ROOT / "protos" / "herald" / "v1").glob("*.proto")))
    script = textwrap.dedent(
        f"""
        import importlib
        import google.protobuf, grpc
        assert google.protobuf.__version__ == {OLDEST_PROTOBUF!r}, google.protobuf.__version__
        assert grpc.__version__ == {OLDEST_GRPCIO!r}, grpc.__version__
        for name in {modules!r}:
            importlib.import_module(name)
        from herald.v1 import delivery_pb2, options_pb2
        request = delivery_pb2.SendMessageRequest(subject="s", body="b", request_id="r")
        assert delivery_pb2.SendMessageRequest.FromString(request.SerializeToString()) == request
        method = delivery_pb2.DESCRIPTOR.services_by_name["DeliveryService"].methods_by_name[
            "SendMessage"
        ]
        assert method.GetOptions().Extensions[options_pb2.required_scope] == "send_messages"
        print("imported", len({modules!r}), "modules")
        """
    )
    imported = run(python, "-c", script, extra_env={"PYTHONPATH": str(ROOT / "server")})
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert f"imported {len(modules)} modules" in imported.stdout
