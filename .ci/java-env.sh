# Sourced by ./rebill and .ci/run: exports JAVA_HOME as a JDK >= 21 (JAVA_HOME if it qualifies, else the newest
# under /usr/lib/jvm). The machine's default java may be older; Rebill builds for Java 21 and runs on 21+.
java_major() {
  # the JDK's release file names its version (JAVA_VERSION="25.0.1"; "1.8.0_x" reads as 1); asking java itself
  # starts a JVM (about 0.3 s on every ./rebill command), so only when there is no such file
  local v=""
  [ -r "$1/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -1)
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1)
  fi
  echo "$v"
}
pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    local v; v=$(java_major "$JAVA_HOME")
    if [ "${v:-0}" -ge 21 ] 2>/dev/null; then echo "$JAVA_HOME"; return 0; fi
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d")
    if [ "${v:-0}" -ge 21 ] 2>/dev/null && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  [ -n "$best" ] && echo "$best"
}
JAVA_HOME="$(pick_jdk || true)"
if [ -z "$JAVA_HOME" ]; then
  echo "rebill: no JDK 21 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*); install one, e.g. apt-get install openjdk-21-jdk" >&2
  exit 1
fi
export JAVA_HOME
