#!/usr/bin/env bash
# Checks the Android demo's Gradle wrapper and build facts without the network or
# the Android SDK (part of `make test-android`, called by test_jvm.sh):
#
#   bash android_demo/scripts/check_gradle.sh [LAUNCHER_JAR]
#
# 1. gradlew (executable), gradlew.bat and gradle/wrapper/gradle-wrapper.jar exist,
#    and the jar is the official Gradle wrapper jar (pinned SHA-256);
# 2. gradle-wrapper.properties names services.gradle.org's gradle-X-bin.zip with a
#    distributionSha256Sum, and X is the Gradle version the README states;
# 3. app/build.gradle.kts declares litert-gpu-api at litert-gpu's version, and its
#    minSdk is the one the README states;
# 4. with LAUNCHER_JAR (any jar holding org.gradle.launcher.GradleMain and the Kotlin
#    runtime; test_jvm.sh passes the core test jar, which holds the probe in
#    scripts/wrapper_probe), the committed gradlew + jar install a fake
#    distribution from a file: URL, check its checksum, start its launcher with
#    the command-line arguments, and refuse the same zip under a wrong checksum.
#
# Env: PYTHON (for zipping; default python3), KOTLIN_BUILD_DIR (default .kotlin-build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEMO="$ROOT/android_demo"
BUILD="${KOTLIN_BUILD_DIR:-$ROOT/.kotlin-build}"
PY="${PYTHON:-python3}"
PROPS="$DEMO/gradle/wrapper/gradle-wrapper.properties"
WRAPPER_JAR="$DEMO/gradle/wrapper/gradle-wrapper.jar"
# gradle-wrapper.jar as Gradle 8.10.x writes it (the same bytes ship with 8.11 to 8.13).
WRAPPER_JAR_SHA256=2db75c40782f5e8ba1fc278a5574bab070adccb2d21ca5a6e5ed840888448046

log() { printf '[check-gradle] %s\n' "$*"; }
fail() { printf '[check-gradle] FAIL: %s\n' "$*" >&2; exit 1; }
prop() { sed -n "s/^$1=//p" "$PROPS" | tr -d '\r'; }

# -- 1. wrapper files ------------------------------------------------------------
for f in gradlew gradlew.bat gradle/wrapper/gradle-wrapper.jar gradle/wrapper/gradle-wrapper.properties; do
  [ -s "$DEMO/$f" ] || fail "android_demo/$f is missing or empty"
done
[ -x "$DEMO/gradlew" ] || fail "android_demo/gradlew is not executable"
grep -q 'org.gradle.wrapper.GradleWrapperMain' "$DEMO/gradlew" || fail "android_demo/gradlew does not start GradleWrapperMain"
grep -q 'org.gradle.wrapper.GradleWrapperMain' "$DEMO/gradlew.bat" || fail "android_demo/gradlew.bat does not start GradleWrapperMain"
actual_jar=$(sha256sum "$WRAPPER_JAR" | cut -d' ' -f1)
[ "$actual_jar" = "$WRAPPER_JAR_SHA256" ] \
  || fail "gradle-wrapper.jar has SHA-256 $actual_jar, not the official $WRAPPER_JAR_SHA256"

# -- 2. properties vs README -------------------------------------------------------
url=$(prop distributionUrl)
version=$(printf '%s' "$url" | sed -n 's#^https\\://services\.gradle\.org/distributions/gradle-\([0-9][0-9.]*\)-bin\.zip$#\1#p')
[ -n "$version" ] || fail "distributionUrl '$url' is not https\\://services.gradle.org/distributions/gradle-X-bin.zip"
printf '%s' "$(prop distributionSha256Sum)" | grep -Eq '^[0-9a-f]{64}$' \
  || fail "gradle-wrapper.properties has no distributionSha256Sum (64 hex digits)"
README="$DEMO/README.md"
# The README as one line, so that a statement wrapped across lines still counts.
readme_flat=$(tr -s ' \n' '  ' <"$README")
printf '%s' "$readme_flat" | grep -q "Gradle $version\b" \
  || fail "android_demo/README.md does not state Gradle $version (the wrapper's version)"
others=$(printf '%s' "$readme_flat" | grep -o 'Gradle [0-9][0-9.]*[0-9]' | sort -u | grep -v "^Gradle $version\$" || true)
[ -z "$others" ] || fail "android_demo/README.md also states $(echo "$others" | tr '\n' ' ')but the wrapper pins Gradle $version"
log "wrapper: gradlew, gradlew.bat, official gradle-wrapper.jar; Gradle $version (-bin, SHA-256 pinned), as the README states"

# -- 3. build facts ----------------------------------------------------------------
APP_GRADLE="$DEMO/app/build.gradle.kts"
litert=$(sed -n 's/^ *val litert = "\([^"]*\)".*/\1/p' "$APP_GRADLE")
[ -n "$litert" ] || fail "app/build.gradle.kts has no 'val litert = \"...\"'"
for artifact in litert litert-gpu litert-gpu-api; do
  grep -q "implementation(\"com.google.ai.edge.litert:$artifact:\$litert\")" "$APP_GRADLE" \
    || fail "app/build.gradle.kts does not declare com.google.ai.edge.litert:$artifact at \$litert ($litert)"
done
min_sdk=$(sed -n 's/^ *minSdk = \([0-9]*\).*/\1/p' "$APP_GRADLE")
printf '%s' "$readme_flat" | grep -q "min SDK $min_sdk\b" || fail "android_demo/README.md does not state min SDK $min_sdk (app/build.gradle.kts)"
log "build: LiteRT $litert (litert, litert-gpu, litert-gpu-api), min SDK $min_sdk, as the README states"

# -- 4. the wrapper runs ---------------------------------------------------------------
LAUNCHER="${1:-}"
[ -n "$LAUNCHER" ] || exit 0
[ -f "$LAUNCHER" ] || fail "launcher jar $LAUNCHER does not exist"
WORK="$BUILD/wrapper-check"
rm -rf "$WORK"
mkdir -p "$WORK/dist/gradle-$version/lib" "$WORK/dist/gradle-$version/bin" "$WORK/project/gradle/wrapper"
cp "$LAUNCHER" "$WORK/dist/gradle-$version/lib/gradle-launcher-$version.jar"
printf '#!/bin/sh\nexit 0\n' >"$WORK/dist/gradle-$version/bin/gradle"
ZIP="$WORK/fake-gradle-$version-bin.zip"
(cd "$WORK/dist" && "$PY" -m zipfile -c "$ZIP" "gradle-$version")
zip_sum=$(sha256sum "$ZIP" | cut -d' ' -f1)
cp "$DEMO/gradlew" "$WORK/project/"
cp "$WRAPPER_JAR" "$WORK/project/gradle/wrapper/"
write_props() {
  sed -e "s#^distributionUrl=.*#distributionUrl=file\\\\:$ZIP#" \
      -e "s#^distributionSha256Sum=.*#distributionSha256Sum=$1#" "$PROPS" >"$WORK/project/gradle/wrapper/gradle-wrapper.properties"
}
run_wrapper() {
  (cd "$WORK/project" && GRADLE_USER_HOME="$WORK/gradle-home" ./gradlew "$@" >"$WORK/out.txt" 2>&1)
}
write_props "$zip_sum"
run_wrapper assembleDebug --offline || { cat "$WORK/out.txt" >&2; fail "gradlew did not start the (fake) distribution"; }
grep -q '^fake-gradle-launcher args=assembleDebug --offline$' "$WORK/out.txt" \
  || { cat "$WORK/out.txt" >&2; fail "gradlew did not pass the arguments to the distribution's launcher"; }
rm -rf "$WORK/gradle-home"
write_props "$(printf '0%.0s' $(seq 64))"
if run_wrapper help; then fail "gradlew accepted a distribution whose SHA-256 does not match distributionSha256Sum"; fi
grep -q 'Verification of Gradle distribution failed' "$WORK/out.txt" \
  || { cat "$WORK/out.txt" >&2; fail "gradlew failed on a bad checksum, but not with the checksum message"; }
log "wrapper run: installs a distribution from distributionUrl, checks distributionSha256Sum, starts its launcher; refuses a wrong checksum"
