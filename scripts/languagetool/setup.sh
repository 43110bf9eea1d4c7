#!/usr/bin/env bash
# Assemble an English LanguageTool HTTP server from Maven Central (see pom.xml beside this file).
#
# Usage: scripts/languagetool/setup.sh [--force] [--print-dir]
#   --force      re-assemble even if a complete assembly for this pom.xml is present
#   --print-dir  print only the server directory on stdout (for scripts)
#
# Environment:
#   TEXTSIEVE_LT_HOME  where to put the server (default: <repo>/.languagetool, git-ignored)
#   MVN                Maven command (default: mvn); ~/.m2 caches downloads between runs
#
# Layout written (VERSION is languagetool.version in pom.xml):
#   $TEXTSIEVE_LT_HOME/LanguageTool-VERSION/
#     libs/*.jar                the jars Maven resolved (versioned file names)
#     languagetool-server.jar   manifest-only launcher: Main-Class org.languagetool.server.HTTPServer,
#                               Class-Path "./ libs/..." (so `java -cp languagetool-server.jar
#                               org.languagetool.server.HTTPServer` works, as language-tool-python runs it)
#     org/languagetool/resource/en/hunspell/spelling.txt
#                               copied out of language-en so language-tool-python's new_spellings can
#                               edit it; the "./" Class-Path entry makes it shadow the jar's copy
#     classpath                 the full classpath (absolute), one line
#     .complete                 stamp: sha256 of pom.xml + setup.sh; when it matches, Maven is skipped
# The directory is named LanguageTool-VERSION so that language-tool-python, with
# LTP_PATH=$TEXTSIEVE_LT_HOME, takes it for an installed LanguageTool and downloads nothing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
POM="$HERE/pom.xml"
LT_HOME="${TEXTSIEVE_LT_HOME:-$REPO/.languagetool}"
MVN="${MVN:-mvn}"

force=0
print_dir=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --print-dir) print_dir=1 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

VERSION="$(sed -n 's:.*<languagetool.version>\(.*\)</languagetool.version>.*:\1:p' "$POM" | head -n1)"
if [ -z "$VERSION" ]; then
  echo "setup.sh: cannot read languagetool.version from $POM" >&2
  exit 1
fi
LT_DIR="$LT_HOME/LanguageTool-$VERSION"
STAMP="$(cat "$POM" "$HERE/setup.sh" | sha256sum | cut -d' ' -f1)"

report() {
  if [ "$print_dir" = 1 ]; then
    echo "$LT_DIR"
    return
  fi
  local n
  n="$(find "$LT_DIR/libs" -name '*.jar' | wc -l)"
  cat <<EOF
LanguageTool $VERSION server assembled in: $LT_DIR ($n jars in libs/)
Start it (loopback only, foreground):
  $HERE/start.sh --port 8081
or directly:
  java -cp '$LT_DIR/languagetool-server.jar' org.languagetool.server.HTTPServer --port 8081 --allow-origin '*'
From Python, with a running server (nothing is downloaded):
  language_tool_python.LanguageTool('en-US', remote_server='http://127.0.0.1:8081')
From Python, local mode (language-tool-python starts this server itself, nothing is downloaded):
  export LTP_PATH='$LT_HOME' LTP_JAR_DIR_PATH='$LT_DIR'
  language_tool_python.LanguageTool('en-US', language_tool_download_version='$VERSION')
EOF
}

if [ "$force" = 0 ] && [ -f "$LT_DIR/.complete" ] && [ "$(cat "$LT_DIR/.complete")" = "$STAMP" ] \
   && [ -f "$LT_DIR/languagetool-server.jar" ] && [ -f "$LT_DIR/libs/languagetool-server-$VERSION.jar" ]; then
  report
  exit 0
fi

command -v "$MVN" >/dev/null 2>&1 || { echo "setup.sh: Maven ('$MVN') not found" >&2; exit 1; }
command -v java >/dev/null 2>&1 || { echo "setup.sh: java not found" >&2; exit 1; }

mkdir -p "$LT_HOME"
TMP="$(mktemp -d "$LT_HOME/.assemble.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

[ "$print_dir" = 1 ] || echo "Resolving LanguageTool $VERSION with Maven (first run downloads ~100 MB into ~/.m2) ..."
# Maven's output is kept in a log and shown only on failure (Debian's mvn prints colour resets even with -B -q).
if ! "$MVN" -B -q -f "$POM" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$TMP/libs" > "$TMP/mvn.log" 2>&1; then
  cat "$TMP/mvn.log" >&2
  echo "setup.sh: Maven failed (log above)" >&2
  exit 1
fi
rm -f "$TMP/mvn.log"

if [ ! -f "$TMP/libs/languagetool-server-$VERSION.jar" ] || [ ! -f "$TMP/libs/language-en-$VERSION.jar" ]; then
  echo "setup.sh: Maven did not produce languagetool-server-$VERSION.jar and language-en-$VERSION.jar" >&2
  exit 1
fi

# Launcher jar: manifest only. Class-Path entries are relative to the jar's own directory.
# Manifest lines are limited to 72 bytes; continuation lines start with one space.
{
  echo "Manifest-Version: 1.0"
  echo "Main-Class: org.languagetool.server.HTTPServer"
  cp_line="Class-Path: ./"
  for j in $(cd "$TMP/libs" && ls -1 *.jar | LC_ALL=C sort); do
    cp_line="$cp_line libs/$j"
  done
  first=1
  while [ -n "$cp_line" ]; do
    if [ "$first" = 1 ]; then
      echo "${cp_line:0:72}"; cp_line="${cp_line:72}"; first=0
    else
      echo " ${cp_line:0:71}"; cp_line="${cp_line:71}"
    fi
  done
  echo "Implementation-Title: textsieve LanguageTool $VERSION launcher"
  echo
} > "$TMP/MANIFEST.MF"
python3 - "$TMP/MANIFEST.MF" "$TMP/languagetool-server.jar" <<'PY'
import sys, zipfile
manifest, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/", b"")
    z.write(manifest, "META-INF/MANIFEST.MF")
PY
rm -f "$TMP/MANIFEST.MF"

# Editable copy of the English spelling list (language-tool-python's new_spellings writes here).
(cd "$TMP" && python3 - "libs/language-en-$VERSION.jar" <<'PY'
import sys, zipfile, os
name = "org/languagetool/resource/en/hunspell/spelling.txt"
with zipfile.ZipFile(sys.argv[1]) as z:
    data = z.read(name)
os.makedirs(os.path.dirname(name), exist_ok=True)
with open(name, "wb") as f:
    f.write(data)
PY
)

{
  printf '%s' "$LT_DIR"
  for j in $(cd "$TMP/libs" && ls -1 *.jar | LC_ALL=C sort); do printf ':%s' "$LT_DIR/libs/$j"; done
  echo
} > "$TMP/classpath"
echo "$STAMP" > "$TMP/.complete"

# Swap into place (a previous, possibly partial, assembly is replaced).
rm -rf "$LT_DIR"
mv "$TMP" "$LT_DIR"
trap - EXIT
chmod 755 "$LT_DIR"

report
