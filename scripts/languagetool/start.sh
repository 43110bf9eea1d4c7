#!/usr/bin/env bash
# Start the assembled LanguageTool HTTP server in the foreground, reachable from this machine only.
#
# Usage: scripts/languagetool/start.sh [--port PORT] [other HTTPServer options, e.g. --config FILE]
#   Runs setup.sh first (instant when already assembled). The java process replaces this shell
#   (exec), so `start.sh --port 8081 & pid=$!` gives the server's own PID; stop it with kill $pid.
#   --public is refused: without it LanguageTool binds to the loopback interface only.
#   The server answers GET /v2/languages and POST /v2/check once ready (about 1-2 s).
#
# Environment:
#   TEXTSIEVE_LT_PORT       port when --port is not given (default 8081)
#   TEXTSIEVE_LT_HOME       where setup.sh put the server (default <repo>/.languagetool)
#   TEXTSIEVE_LT_JAVA_OPTS  extra JVM options, e.g. -Xmx512m (default: none)
#   JAVA                    java command (default: $JAVA_HOME/bin/java if JAVA_HOME is set, else java); needs Java >= 17
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${TEXTSIEVE_LT_PORT:-8081}"
if [ -z "${JAVA:-}" ]; then
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
fi

extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --port|-p) PORT="${2:?start.sh: $1 needs a value}"; shift 2 ;;
    --port=*) PORT="${1#--port=}"; shift ;;
    --public) echo "start.sh: refusing --public; the server must stay on loopback" >&2; exit 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) extra+=("$1"); shift ;;
  esac
done
case "$PORT" in ''|*[!0-9]*) echo "start.sh: bad port: $PORT" >&2; exit 2 ;; esac

major="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
if [ -z "$major" ] || [ "$major" -lt 17 ]; then
  echo "start.sh: LanguageTool 6.x needs Java >= 17; '$JAVA' reports: ${major:-unknown}" >&2
  exit 1
fi

LT_DIR="$("$HERE/setup.sh" --print-dir)"

# shellcheck disable=SC2086  # TEXTSIEVE_LT_JAVA_OPTS is a list of options
exec "$JAVA" ${TEXTSIEVE_LT_JAVA_OPTS:-} -cp "$LT_DIR/languagetool-server.jar" \
  org.languagetool.server.HTTPServer --port "$PORT" --allow-origin '*' ${extra[@]+"${extra[@]}"}
