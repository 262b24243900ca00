#!/usr/bin/env bash
# Builds a real Dapr sidecar (daprd) once, from the Go module proxy, with only the components
# Taskwire uses, and prints the binary's path as the last line of stdout. Later runs reuse the
# cached binary (a second or so). Progress goes to stderr.
#
#   scripts/daprd.sh            build when missing, print /path/to/daprd
#   scripts/daprd.sh --rebuild  build again even when a cached binary exists
#
# Why not `go install github.com/dapr/dapr/cmd/daprd@vX`: dapr's go.mod carries replace
# directives (go install refuses them), and its components register only under the build tags
# allcomponents/stablecomponents, which pull in every cloud SDK (a 20-40 min build on two cores).
# Instead a scratch module copies dapr's replace directives, its daprd main (cmd/daprd/app) and
# the registration files of the components below, unchanged but for their build line. A first
# build needs ~10 CPU-minutes: 3-5 min on two idle cores (~1.6 GB module cache, ~1.2 GB build
# cache, 1.3-1.5 GB peak RSS).
#
# Environment: DAPRD_CACHE_DIR (${XDG_CACHE_HOME:-$HOME/.cache}/taskwire), GO (go on PATH, else
# /usr/local/go/bin/go). The cache key is the dapr and components-contrib versions, the component
# list and this recipe's revision: changing any of them builds a new binary (and removes the old).
set -euo pipefail

DAPR_VERSION="1.16.5"            # github.com/dapr/dapr
CONTRIB_VERSION="1.16.5"         # github.com/dapr/components-contrib (the one dapr 1.16.5 requires)
RECIPE=1                         # bump when the build recipe below changes
# cmd/daprd/components/<name>.go registration files to compile in.
COMPONENTS=(
  pubsub_kafka          # the event bus (Kafka brokers)
  pubsub_in-memory      # quick local runs without Kafka
  state_postgres        # state.postgresql (v1 and v2): conversations
  state_in-memory
  bindings_cron         # the reminder tick
  secretstores_local_file
  secretstores_local_env
  nameresolution_mdns   # the standalone default name resolver (announces apps by multicast)
  nameresolution_kubernetes # no I/O at start: what scripts/start-dapr.ts configures (no invocation)
)

say() { echo "daprd.sh: $*" >&2; }
die() {
  say "$*"
  exit 1
}

rebuild=false
case "${1:-}" in
"") ;;
--rebuild) rebuild=true ;;
-h | --help)
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
  ;;
*) die "unknown argument: $1 (try --help)" ;;
esac

GO="${GO:-}"
if [[ -z "$GO" ]]; then
  if command -v go >/dev/null 2>&1; then GO="$(command -v go)"; elif [[ -x /usr/local/go/bin/go ]]; then
    GO=/usr/local/go/bin/go
  else die "Go is needed to build daprd (https://go.dev/doc/install, or apt-get install golang)"; fi
fi

key="$(printf '%s\n' "dapr=$DAPR_VERSION" "contrib=$CONTRIB_VERSION" "recipe=$RECIPE" "${COMPONENTS[@]}" |
  sha256sum | cut -c1-12)"
CACHE="${DAPRD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/taskwire}"
HOME_DIR="$CACHE/daprd-$DAPR_VERSION-$key"
BIN="$HOME_DIR/daprd"
mkdir -p "$HOME_DIR"

works() { [[ -x "$BIN" ]] && [[ "$("$BIN" --version 2>/dev/null)" == "$DAPR_VERSION" ]]; }

# One build at a time per cache entry: a second caller waits, then reuses the first one's binary.
exec 9>"$HOME_DIR/.lock"
if ! flock -n 9; then
  say "another build of daprd $DAPR_VERSION is running; waiting for it"
  flock 9
fi

if ! $rebuild && works; then
  say "daprd $DAPR_VERSION is cached ($BIN)"
  echo "$BIN"
  exit 0
fi

started=$(date +%s)
SRC="$HOME_DIR/src"
rm -rf "$SRC"
mkdir -p "$SRC/components"
cd "$SRC"

say "fetching github.com/dapr/dapr@v$DAPR_VERSION"
info="$("$GO" mod download -json "github.com/dapr/dapr@v$DAPR_VERSION")" ||
  die "go mod download github.com/dapr/dapr@v$DAPR_VERSION failed"
dapr_dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$info" | head -1)"
commit="$(sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]*\)",*$/\1/p' <<<"$info" | head -1)"
[[ -d "$dapr_dir/cmd/daprd/app" ]] || die "no cmd/daprd/app in $dapr_dir"

# go.mod: the two requirements plus dapr's replace blocks, verbatim (comments included).
{
  echo "module taskwire.local/daprd"
  echo
  sed -n 's/^go \(.*\)$/go \1/p' "$dapr_dir/go.mod" | head -1
  echo
  echo "require ("
  echo "	github.com/dapr/dapr v$DAPR_VERSION"
  echo "	github.com/dapr/components-contrib v$CONTRIB_VERSION"
  echo ")"
  echo
  awk '/^replace \($/ { on = 1 } on { print } on && /^\)$/ { on = 0; print "" }
       /^replace [^(]/ { print }' "$dapr_dir/go.mod"
} >go.mod
grep -q '^replace' go.mod || die "found no replace directives in dapr's go.mod (recipe needs review)"

# main.go: daprd's app package as package main, registering our components package instead of
# the upstream one (whose files all sit behind the allcomponents/stablecomponents tags).
sed -e 's/^package app$/package main/' \
  -e 's#"github.com/dapr/dapr/cmd/daprd/components"#"taskwire.local/daprd/components"#' \
  -e 's/^func Run() {$/func main() {/' \
  "$dapr_dir/cmd/daprd/app/app.go" >main.go
grep -q '^func main() {$' main.go && grep -q 'taskwire.local/daprd/components' main.go ||
  die "cmd/daprd/app/app.go changed shape (recipe needs review)"

for name in "${COMPONENTS[@]}"; do
  file="$dapr_dir/cmd/daprd/components/$name.go"
  [[ -f "$file" ]] || die "no component registration $name.go in dapr v$DAPR_VERSION"
  grep -v '^//go:build' "$file" >"components/$name.go"
done

say "resolving modules (first run downloads ~1.6 GB into $("$GO" env GOMODCACHE))"
GOFLAGS=-mod=mod "$GO" mod tidy >&2

say "compiling daprd $DAPR_VERSION with ${#COMPONENTS[@]} components (first run: 3-5 min on two idle cores)"
pkg=github.com/dapr/dapr/pkg/buildinfo
CGO_ENABLED=0 GOFLAGS=-buildvcs=false "$GO" build -trimpath \
  -ldflags "-s -w -X $pkg.version=$DAPR_VERSION -X $pkg.gitversion=v$DAPR_VERSION -X $pkg.gitcommit=$commit" \
  -o "$BIN.tmp" . >&2
mv -f "$BIN.tmp" "$BIN"
works || die "built $BIN, but '$BIN --version' does not print $DAPR_VERSION"
# Builds of other versions or component lists are not used any more (84 MB each).
for old in "$CACHE"/daprd-*; do
  [[ "$old" != "$HOME_DIR" && -d "$old" ]] && rm -rf "$old"
done
say "built daprd $DAPR_VERSION in $(($(date +%s) - started)) s ($BIN)"
echo "$BIN"
