"""Checks the Android app's resources without the Android SDK.

    python3 android_demo/scripts/check_resources.py APP_DIR OUT_DIR

1. Reads APP_DIR/src/main/res and the manifest the way aapt2 names things
   (values entries by name, other resources by file name, ids from ``@+id/``)
   and checks that every ``R.type.name`` in the app's Kotlin and every
   ``@type/name`` in the XML is defined, one line per problem (file:line).
2. Links the resources with Debian's aapt2 (Android 10) against Debian's
   Android framework resources (framework-res.apk, API 29) plus stand-ins for
   the few AppCompat attributes and the theme parent the XML uses
   (scripts/standins/res), which checks every attribute name and reference as a
   real build would, and writes aapt2's R.java to OUT_DIR for test_jvm.sh to
   compile the app's Kotlin against. The linked copy of the manifest gets the
   ``package`` AGP would inject and loses the elements Android 10's aapt2 does
   not know (``uses-native-library``, API 31).

Exits 1 on any problem (aapt2 missing included), 2 on bad usage.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

# values/ elements -> R type (aapt2's naming)
VALUE_TYPES = {
    "string": "string",
    "color": "color",
    "dimen": "dimen",
    "style": "style",
    "bool": "bool",
    "integer": "integer",
    "plurals": "plurals",
    "string-array": "array",
    "integer-array": "array",
    "array": "array",
    "attr": "attr",
    "declare-styleable": "styleable",
    "fraction": "fraction",
}
FRAMEWORK_RES = Path("/usr/share/android-framework-res/framework-res.apk")
STANDIN_RES = Path(__file__).resolve().parent / "standins" / "res"
# Manifest elements newer than Debian's aapt2 (Android 10): left out of the copy it links.
TOO_NEW = re.compile(r"\s*<uses-native-library\b[^>]*/>")
XML_REF = re.compile(r"^@(\+?)([a-z]+)/([A-Za-z0-9_.]+)$")
KOTLIN_REF = re.compile(r"(?<![\w.])R\.([a-z]+)\.([A-Za-z_][A-Za-z0-9_]*)")


def java_name(name: str) -> str:
    return name.replace(".", "_")


def collect_definitions(res: Path) -> tuple[dict[str, set[str]], list[str]]:
    """Resources defined under ``res``, by R type, and the problems found reading them."""
    defined: dict[str, set[str]] = {}
    problems: list[str] = []
    for folder in sorted(p for p in res.iterdir() if p.is_dir()):
        kind = folder.name.split("-")[0]
        for f in sorted(folder.iterdir()):
            if kind != "values":
                defined.setdefault(kind, set()).add(f.name.split(".")[0])
            if f.suffix != ".xml":
                continue
            try:
                root = ET.parse(f).getroot()
            except ET.ParseError as e:
                problems.append(f"{f}: not well-formed XML: {e}")
                continue
            if kind == "values":
                for el in root:
                    tag = (
                        "id" if el.tag == "item" and el.get("type") == "id" else el.tag
                    )
                    r_type = "id" if tag == "id" else VALUE_TYPES.get(tag)
                    if r_type and el.get("name"):
                        defined.setdefault(r_type, set()).add(java_name(el.get("name")))
            for el in root.iter():
                for value in el.attrib.values():
                    m = XML_REF.match(value.strip())
                    if m and m.group(1) == "+":
                        defined.setdefault(m.group(2), set()).add(java_name(m.group(3)))
    return defined, problems


def xml_references(path: Path) -> list[tuple[int, str, str]]:
    """(line, type, name) of every ``@type/name`` in attributes and element text."""
    found = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for token in re.findall(
            r'"(@\+?[a-z]+/[A-Za-z0-9_.]+)"|>\s*(@[a-z]+/[A-Za-z0-9_.]+)\s*<', line
        ):
            m = XML_REF.match(token[0] or token[1])
            if m:
                found.append((lineno, m.group(2), java_name(m.group(3))))
    return found


def gradle_value(app: Path, pattern: str) -> str:
    path = app / "build.gradle.kts"
    m = re.search(pattern, path.read_text(encoding="utf-8"))
    if not m:
        raise SystemExit(f"{path}: no line matching {pattern}")
    return m.group(1)


def link_with_aapt2(app: Path, out: Path) -> list[str]:
    """Links the app's res with aapt2, writing R.java under ``out``; returns the errors."""
    aapt2 = shutil.which("aapt2")
    if aapt2 is None or not FRAMEWORK_RES.is_file():
        return [
            "aapt2 or framework-res.apk is missing: apt-get install aapt android-framework-res"
        ]
    package = gradle_value(app, r'namespace\s*=\s*"([^"]+)"')
    min_sdk = gradle_value(app, r"minSdk\s*=\s*(\d+)")
    work = out / "aapt2"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    manifest = (app / "src/main/AndroidManifest.xml").read_text(encoding="utf-8")
    manifest = TOO_NEW.sub("", manifest).replace(
        "<manifest ", f'<manifest package="{package}" ', 1
    )
    (work / "AndroidManifest.xml").write_text(manifest, encoding="utf-8")
    steps = [
        [aapt2, "compile", "--dir", str(app / "src/main/res"), "-o", str(work / "app.zip")],
        [aapt2, "compile", "--dir", str(STANDIN_RES), "-o", str(work / "standins.zip")],
        [aapt2, "link", "-I", str(FRAMEWORK_RES), "--manifest", str(work / "AndroidManifest.xml"),
         "--min-sdk-version", min_sdk, "--target-sdk-version", "29", "--java", str(out),
         "-o", str(work / "app.apk"), str(work / "app.zip"), str(work / "standins.zip")],
    ]  # fmt: skip
    for cmd in steps:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            lines = (done.stderr + done.stdout).strip().splitlines()
            return [f"aapt2 {cmd[1]}: {line}" for line in lines] or [
                f"aapt2 {cmd[1]} failed"
            ]
    return []


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: check_resources.py APP_DIR OUT_DIR", file=sys.stderr)
        return 2
    app, out = Path(argv[1]), Path(argv[2])
    main_dir = app / "src" / "main"
    res = main_dir / "res"
    if not res.is_dir():
        print(f"{res}: no res folder", file=sys.stderr)
        return 2
    defined, problems = collect_definitions(res)
    xml_files = sorted(res.rglob("*.xml")) + [main_dir / "AndroidManifest.xml"]
    for path in xml_files:
        for lineno, r_type, name in xml_references(path):
            if name not in defined.get(r_type, set()):
                problems.append(
                    f"{path}:{lineno}: @{r_type}/{name} is not defined in {res}"
                )
    kotlin = sorted(
        p
        for d in ("java", "kotlin")
        if (main_dir / d).is_dir()
        for p in (main_dir / d).rglob("*.kt")
    )
    uses = 0
    for path in kotlin:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for r_type, name in KOTLIN_REF.findall(line):
                uses += 1
                if name not in defined.get(r_type, set()):
                    problems.append(
                        f"{path}:{lineno}: R.{r_type}.{name} is not defined in {res}"
                    )
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"check_resources: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    problems = link_with_aapt2(app, out)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    counts = ", ".join(f"{len(v)} {k}" for k, v in sorted(defined.items()))
    print(
        f"check_resources: {uses} R.* uses in {len(kotlin)} Kotlin files and the XML"
        f" references are defined ({counts}); aapt2 linked them against the"
        f" framework (API 29) and wrote R.java to {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
