#!/usr/bin/python3
"""Pack the malicious samples of tests/Bulwark.Core.Tests/Moderation/Samples/malicious into real distributions.

    bench/detection/build_samples.py OUT_DIR

Each sample directory holds SAMPLE ("kind: sdist|wheel" and the attack it reproduces, with where it was
described) and files/, the tree as it sits inside the distribution. An sdist becomes NAME-1.0.tar.gz with one
top-level directory and a PKG-INFO; a wheel becomes NAME-1.0-py3-none-any.whl with a .dist-info directory
(METADATA, WHEEL, RECORD). Nothing in a sample is ever run. The unit tests build the same archives in memory.
"""

import base64
import hashlib
import io
import pathlib
import sys
import tarfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests/Bulwark.Core.Tests/Moderation/Samples/malicious"


def read_sample(directory):
    kind = "sdist"
    for line in (directory / "SAMPLE").read_text().splitlines():
        if line.startswith("kind:"):
            kind = line.split(":", 1)[1].strip()
    files = {}
    base = directory / "files"
    for path in sorted(base.rglob("*")):
        if path.is_file():
            files[path.relative_to(base).as_posix()] = path.read_bytes()
    return kind, files


def dist_name(sample_id):
    return "s_" + sample_id.replace("-", "_")


def metadata(name):
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\nSummary: sample\n".encode()


def build_sdist(out, name, files):
    top = f"{name}-1.0"
    path = out / f"{top}.tar.gz"
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        entries = dict(files)
        entries["PKG-INFO"] = metadata(name)
        for rel, data in sorted(entries.items()):
            info = tarfile.TarInfo(f"{top}/{rel}")
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    return path


def build_wheel(out, name, files):
    info_dir = f"{name}-1.0.dist-info"
    entries = dict(files)
    entries[f"{info_dir}/METADATA"] = metadata(name)
    entries[f"{info_dir}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: bulwark-samples\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for rel, data in sorted(entries.items()):
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{rel},sha256={digest},{len(data)}")
    record.append(f"{info_dir}/RECORD,,")
    entries[f"{info_dir}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = out / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as whl:
        for rel, data in sorted(entries.items()):
            whl.writestr(zipfile.ZipInfo(rel, date_time=(2023, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return path


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/detection/malicious")
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for directory in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        kind, files = read_sample(directory)
        name = dist_name(directory.name)
        (build_wheel if kind == "wheel" else build_sdist)(out, name, files)
        count += 1
    print(f"{count} samples written to {out}")


if __name__ == "__main__":
    main()
