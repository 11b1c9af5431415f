#!/usr/bin/env bash
# What `make test-android` runs: every check of the Android demo that needs no
# Gradle download, Google Maven or Android SDK.
#
#   bash android_demo/scripts/test_jvm.sh
#
# 1. resources: every R.* the app's Kotlin uses and every @type/name in its XML
#    is defined in app/src/main/res, and Debian's aapt2 links the resources
#    against Debian's Android framework resources (check_resources.py; writes
#    aapt2's R.java);
# 2. app compile: the app's Kotlin compiled with kotlinc together with the core
#    module, that R.java, and hand-written stand-ins for the Android, AndroidX,
#    CameraX and LiteRT classes it uses (scripts/standins), so a call to a core
#    function or class that does not exist, or a wrong signature, fails here;
# 3. core tests: golden cases from the Python codec, then the core module and its
#    JUnit 4 tests compiled with kotlinc and run with JUnitCore;
# 4. Gradle: wrapper files, versions stated in the README, LiteRT artifacts, and a
#    run of the committed wrapper against a fake local distribution
#    (check_gradle.sh).
#
# Env: PYTHON (default .venv/bin/python, then python3), KOTLIN_BUILD_DIR
# (default .kotlin-build). Installs Debian's `kotlin`, `junit4`, `aapt` and
# `android-framework-res` packages with apt-get when one of them is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEMO="$ROOT/android_demo"
CORE="$DEMO/core"
APP="$DEMO/app"
SCRIPTS="$DEMO/scripts"
BUILD="${KOTLIN_BUILD_DIR:-$ROOT/.kotlin-build}"
JAVA_LIB=/usr/share/java
JUNIT_JAR="$JAVA_LIB/junit4.jar"
FRAMEWORK_RES=/usr/share/android-framework-res/framework-res.apk

log() { printf '[test-android] %s\n' "$*"; }

# -- toolchain ---------------------------------------------------------------
if ! command -v kotlinc >/dev/null 2>&1 || [ ! -f "$JUNIT_JAR" ] || ! command -v java >/dev/null 2>&1 \
    || ! command -v aapt2 >/dev/null 2>&1 || [ ! -f "$FRAMEWORK_RES" ]; then
  log "installing Debian packages kotlin, junit4, aapt and android-framework-res (apt-get)"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
      log "ERROR: need root or sudo to apt-get install kotlin junit4 aapt android-framework-res"; exit 2; fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq kotlin junit4 aapt android-framework-res >/dev/null
fi
CP_TEST="$JUNIT_JAR"
for jar in hamcrest-core.jar hamcrest.jar; do
  if [ -f "$JAVA_LIB/$jar" ]; then CP_TEST="$CP_TEST:$JAVA_LIB/$jar"; fi
done
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PY="$ROOT/.venv/bin/python"; else PY=python3; fi
fi
export PYTHON="$PY" KOTLIN_BUILD_DIR="$BUILD"
mkdir -p "$BUILD"

# kotlinc prints a JVM flag deprecation notice on new JDKs; drop only that line.
kotlinc_quiet() {
  kotlinc "$@" 2>&1 | { grep -v -e 'Options -Xverify:none and -noverify were deprecated' || true; }
  return "${PIPESTATUS[0]}"
}
log "$(kotlinc -version 2>&1 | grep -o 'kotlinc-jvm [^ ]*' || echo kotlinc)"

# -- 1. resources --------------------------------------------------------------------
GEN="$BUILD/app-generated"
rm -rf "$GEN"
"$PY" "$SCRIPTS/check_resources.py" "$APP" "$GEN"

# -- 2. the app's Kotlin against the core and the stand-ins --------------------------
APP_OUT="$BUILD/app-classes"
rm -rf "$APP_OUT"
APP_SOURCES=$(find "$APP/src/main/java" "$CORE/src/main/kotlin" "$SCRIPTS/standins" "$GEN" \
  \( -name '*.kt' -o -name '*.java' \) | sort)
log "app compile: $(find "$APP/src/main/java" -name '*.kt' | wc -l) app files + core + R.java + $(find "$SCRIPTS/standins" \( -name '*.kt' -o -name '*.java' \) | wc -l) stand-ins"
# shellcheck disable=SC2086
kotlinc_quiet -jvm-target 1.8 -no-reflect -d "$APP_OUT" $APP_SOURCES \
  || { log "ERROR: the app's Kotlin does not compile against the core module and its resources"; exit 1; }
[ -f "$APP_OUT/com/posegate/demo/MainActivity.class" ] || { log "ERROR: app compilation produced no MainActivity"; exit 1; }

# -- 3. golden cases from the Python codec, core tests ----------------------------------
GOLDEN="$BUILD/golden"
rm -rf "$GOLDEN"
log "golden cases: $PY tflite/golden.py"
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" "$PY" "$ROOT/tflite/golden.py" "$GOLDEN"

JAR="$BUILD/posegate-core-tests.jar"
rm -f "$JAR"
# The jar also carries the wrapper probe (org.gradle.launcher.GradleMain) for step 4.
SOURCES=$(find "$CORE/src/main/kotlin" "$CORE/src/test/kotlin" "$SCRIPTS/wrapper_probe" -name '*.kt' | sort)
log "core compile: $(echo "$SOURCES" | wc -l) files"
# shellcheck disable=SC2086
kotlinc_quiet -jvm-target 1.8 -include-runtime -cp "$CP_TEST" -d "$JAR" $SOURCES \
  || { log "ERROR: compilation failed"; exit 1; }
[ -f "$JAR" ] || { log "ERROR: compilation failed"; exit 1; }

# -- 4. Gradle wrapper and build facts -----------------------------------------------
bash "$SCRIPTS/check_gradle.sh" "$JAR"

# -- run the core tests (last: JUnit's summary closes the output) ----------------------
CLASSES=$(find "$CORE/src/test/kotlin" -name '*Test.kt' | sort \
  | sed -e "s#^$CORE/src/test/kotlin/##" -e 's#\.kt$##' -e 's#/#.#g')
log "JUnit: $(echo "$CLASSES" | wc -l) test classes"
# shellcheck disable=SC2086
exec java -Dposegate.golden.dir="$GOLDEN" -Dposegate.golden.required=true \
  -cp "$JAR:$CP_TEST" org.junit.runner.JUnitCore $CLASSES
