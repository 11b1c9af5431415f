#!/usr/bin/env bash
# JVM tests of the Android demo's plain-Kotlin core (android_demo/core), without
# Gradle or the Android SDK: generate the golden cases with the Python codec,
# compile the core and its JUnit 4 tests with kotlinc, run them with JUnitCore.
#
#   bash android_demo/scripts/test_jvm.sh        (what `make test-android` runs)
#
# Env: PYTHON (default .venv/bin/python, then python3), KOTLIN_BUILD_DIR
# (default .kotlin-build). Installs Debian's `kotlin` and `junit4` packages with
# apt-get when kotlinc or the JUnit jar is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CORE="$ROOT/android_demo/core"
BUILD="${KOTLIN_BUILD_DIR:-$ROOT/.kotlin-build}"
JAVA_LIB=/usr/share/java
JUNIT_JAR="$JAVA_LIB/junit4.jar"

log() { printf '[test-android] %s\n' "$*"; }

# -- toolchain ---------------------------------------------------------------
if ! command -v kotlinc >/dev/null 2>&1 || [ ! -f "$JUNIT_JAR" ] || ! command -v java >/dev/null 2>&1; then
  log "installing Debian packages kotlin and junit4 (apt-get)"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
      log "ERROR: need root or sudo to apt-get install kotlin junit4"; exit 2; fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq kotlin junit4 >/dev/null
fi
CP_TEST="$JUNIT_JAR"
for jar in hamcrest-core.jar hamcrest.jar; do
  if [ -f "$JAVA_LIB/$jar" ]; then CP_TEST="$CP_TEST:$JAVA_LIB/$jar"; fi
done

# -- golden cases from the Python codec ----------------------------------------
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PY="$ROOT/.venv/bin/python"; else PY=python3; fi
fi
GOLDEN="$BUILD/golden"
rm -rf "$GOLDEN"
log "golden cases: $PY tflite/golden.py"
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" "$PY" "$ROOT/tflite/golden.py" "$GOLDEN"

# -- compile ---------------------------------------------------------------------
mkdir -p "$BUILD"
JAR="$BUILD/posegate-core-tests.jar"
rm -f "$JAR"
SOURCES=$(find "$CORE/src/main/kotlin" "$CORE/src/test/kotlin" -name '*.kt' | sort)
log "kotlinc: $(echo "$SOURCES" | wc -l) files ($(kotlinc -version 2>&1 | grep -o 'kotlinc-jvm [^ ]*' || echo kotlinc))"
# kotlinc prints a JVM flag deprecation notice on new JDKs; drop only that line.
# shellcheck disable=SC2086
kotlinc -jvm-target 1.8 -include-runtime -cp "$CP_TEST" -d "$JAR" $SOURCES 2>&1 \
  | { grep -v -e 'Options -Xverify:none and -noverify were deprecated' || true; }
[ -f "$JAR" ] || { log "ERROR: compilation failed"; exit 1; }

# -- run -------------------------------------------------------------------------
CLASSES=$(find "$CORE/src/test/kotlin" -name '*Test.kt' | sort \
  | sed -e "s#^$CORE/src/test/kotlin/##" -e 's#\.kt$##' -e 's#/#.#g')
log "JUnit: $(echo "$CLASSES" | wc -l) test classes"
# shellcheck disable=SC2086
exec java -Dposegate.golden.dir="$GOLDEN" -Dposegate.golden.required=true \
  -cp "$JAR:$CP_TEST" org.junit.runner.JUnitCore $CLASSES
