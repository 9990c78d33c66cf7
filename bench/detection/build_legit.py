#!/usr/bin/python3
"""Pack legitimate installed Python code into distributions, as the negative corpus of the upload scan.

    bench/detection/build_legit.py OUT_DIR

Sources (each used when present on the machine):
  debian    /usr/lib/python3/dist-packages      Debian's python3-* packages
  stdlib    /usr/lib/python3.11                 the standard library (a hard negative: it is full of
                                                subprocess, sockets, exec and base64)
  pyenv     /root/.pyenv/versions/*/lib/python3.*/site-packages   packages pip installed from PyPI
  gcloud    /usr/lib/google-cloud-sdk/lib/third_party             libraries the Cloud SDK vendors
  sdists    source trees with a real setup.py (gsutil, LLVM's lit, pluggy's examples)

One distribution per .dist-info/.egg-info (its files, from RECORD, installed-files.txt or top_level.txt)
and one per top-level package or module that no metadata directory claims; each is written as a wheel
(zip) with the installed layout, which is what a wheel unpacks to. Source trees become sdists (.tar.gz).
"""

import glob
import io
import os
import pathlib
import sys
import tarfile
import zipfile

SKIP_DIRS = {"__pycache__"}
SKIP_SUFFIXES = (".pyc", ".pyo")


def files_under(path):
    if path.is_file():
        yield path
        return
    for root, dirs, names in os.walk(path):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith(("site-packages", "dist-packages"))]
        for name in names:
            if not name.endswith(SKIP_SUFFIXES):
                yield pathlib.Path(root) / name


def write_wheel(out, name, base, members):
    path = out / f"{name}.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as whl:
        for member in sorted(set(members)):
            try:
                if member.is_file() and not member.is_symlink():
                    whl.write(member, member.relative_to(base).as_posix())
            except (OSError, ValueError):
                pass
    return path


def site_packages(out, site, label):
    site = pathlib.Path(site)
    if not site.is_dir():
        return 0
    target = out / label
    target.mkdir(parents=True, exist_ok=True)
    claimed = set()
    count = 0
    for info in sorted(site.glob("*.dist-info")) + sorted(site.glob("*.egg-info")):
        tops = set()
        for listing in ("RECORD", "installed-files.txt"):
            f = info / listing
            if f.is_file():
                for line in f.read_text(errors="replace").splitlines():
                    rel = line.split(",")[0]
                    full = (info / rel).resolve() if listing == "installed-files.txt" else (site / rel).resolve()
                    try:
                        top = full.relative_to(site.resolve()).parts[0]
                    except (ValueError, IndexError):
                        continue
                    tops.add(top)
        top_level = info / "top_level.txt"
        if top_level.is_file():
            for name in top_level.read_text().split():
                for candidate in (name, name + ".py"):
                    if (site / candidate).exists():
                        tops.add(candidate)
        tops.discard(info.name)
        tops = {t for t in tops if (site / t).exists() and not t.endswith((".dist-info", ".egg-info")) and t != "__pycache__"}
        members = list(files_under(info)) if info.is_dir() else [info]
        for top in tops:
            members.extend(files_under(site / top))
        claimed.update(tops)
        claimed.add(info.name)
        write_wheel(target, info.name.rsplit(".", 1)[0], site, members)
        count += 1
    for entry in sorted(site.iterdir()):
        if entry.name in claimed or entry.name in SKIP_DIRS or entry.name.endswith((".dist-info", ".egg-info")):
            continue
        if entry.is_dir() or entry.suffix in (".py", ".pth"):
            write_wheel(target, entry.name.replace(".", "_"), site, list(files_under(entry)))
            count += 1
    return count


def stdlib(out, root="/usr/lib/python3.11"):
    root = pathlib.Path(root)
    if not root.is_dir():
        return 0
    target = out / "stdlib"
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for entry in sorted(root.iterdir()):
        if entry.name in SKIP_DIRS or entry.name.endswith(("site-packages", "dist-packages")) or entry.name.startswith("config-"):
            continue
        if entry.is_dir() or entry.suffix == ".py":
            write_wheel(target, "stdlib_" + entry.name.replace(".", "_"), root, list(files_under(entry)))
            count += 1
    return count


def sdists(out):
    target = out / "sdists"
    target.mkdir(parents=True, exist_ok=True)
    trees = [
        "/usr/lib/google-cloud-sdk/platform/gsutil",
        "/usr/lib/llvm-14/build/utils/lit",
        "/usr/share/doc/python3-pluggy/examples/eggsample",
        "/usr/share/doc/python3-pluggy/examples/eggsample-spam",
        "/usr/lib/google-cloud-sdk/platform/gsutil/third_party/apitools",
        "/usr/lib/google-cloud-sdk/platform/gsutil/third_party/httplib2",
    ]
    trees += sorted(glob.glob("/usr/lib/google-cloud-sdk/platform/gsutil/gslib/vendored/*"))
    count = 0
    for tree in trees:
        tree = pathlib.Path(tree)
        if not (tree / "setup.py").is_file():
            continue
        name = f"{tree.name}-1.0"
        with tarfile.open(target / f"{name}.tar.gz", "w:gz") as tar:
            for member in files_under(tree):
                if member.is_file() and not member.is_symlink():
                    tar.add(member, f"{name}/{member.relative_to(tree).as_posix()}")
            data = f"Metadata-Version: 2.1\nName: {tree.name}\nVersion: 1.0\n".encode()
            info = tarfile.TarInfo(f"{name}/PKG-INFO")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        count += 1
    return count


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/detection/legit")
    out.mkdir(parents=True, exist_ok=True)
    counts = {
        "debian": site_packages(out, "/usr/lib/python3/dist-packages", "debian"),
        "stdlib": stdlib(out),
        "gcloud": site_packages(out, "/usr/lib/google-cloud-sdk/lib/third_party", "gcloud"),
        "sdists": sdists(out),
    }
    for site in sorted(glob.glob("/root/.pyenv/versions/3.11.*/lib/python3.11/site-packages")):
        counts["pyenv"] = counts.get("pyenv", 0) + site_packages(out, site, "pyenv")
    print(" ".join(f"{k}={v}" for k, v in counts.items()), "distributions written to", out)


if __name__ == "__main__":
    main()
