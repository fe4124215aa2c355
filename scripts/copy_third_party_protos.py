"""Copy the third-party .proto files Herald imports from the installed
googleapis-common-protos package into third_party/protos (committed, so buf
and every generator see the same files)."""

from __future__ import annotations

import pathlib
import shutil
import sys

import google.api
import google.rpc

FILES = {
    google.api: ["annotations.proto", "http.proto"],
    google.rpc: ["status.proto", "error_details.proto", "code.proto"],
}


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "third_party/protos")
    for package, names in FILES.items():
        src_dir = pathlib.Path(next(iter(package.__path__)))
        dest_dir = root / "google" / src_dir.name
        dest_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copyfile(src_dir / name, dest_dir / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
