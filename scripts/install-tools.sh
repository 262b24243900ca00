#!/usr/bin/env bash
# Builds the deployment tools the tests and CI use, with `go install` from the Go module proxy,
# into $(go env GOPATH)/bin (~/go/bin). Idempotent: a tool already at the pinned version is kept.
#
#   scripts/install-tools.sh          install what is missing, print where the tools are
#
# Versions (bump together with a run of the deploy tests):
HELM_VERSION="v3.22.0"        # helm.sh/helm/v3
KUBECONFORM_VERSION="v0.8.0"  # github.com/yannh/kubeconform
ACTIONLINT_VERSION="v1.7.12"  # github.com/rhysd/actionlint
set -euo pipefail

say() { echo "install-tools.sh: $*" >&2; }

command -v go >/dev/null 2>&1 || {
  say "Go is needed to build helm, kubeconform and actionlint (https://go.dev/doc/install, or apt-get install golang)"
  exit 1
}
BIN="$(go env GOBIN)"
[[ -n "$BIN" ]] || BIN="$(go env GOPATH)/bin"
mkdir -p "$BIN"

# Prints the module version a Go binary was built from ("" when it is missing or not a Go binary).
built_version() {
  [[ -x "$1" ]] || return 0
  go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'
}

install() {
  local name="$1" pkg="$2" version="$3"
  local have
  have="$(built_version "$BIN/$name")"
  if [[ "$have" == "$version" ]]; then
    say "$name $version is installed ($BIN/$name)"
    return 0
  fi
  say "building $name $version (go install $pkg@$version)"
  GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "$pkg@$version"
  [[ "$(built_version "$BIN/$name")" == "$version" ]] || {
    say "$name did not install as $version"
    exit 1
  }
}

install helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
install kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"
install actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION"

echo "HELM=$BIN/helm"
echo "KUBECONFORM=$BIN/kubeconform"
echo "ACTIONLINT=$BIN/actionlint"
