# One command each: generate, check-generated, lint, test, run.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO ?= go
SPEC := openapi/applytoken.yaml

.PHONY: help generate check-generated lint test run

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

generate: ## Regenerate gen/ from the spec.
	$(GO) generate ./gen/...

check-generated: generate ## Fail when gen/ differs from what the spec generates.
	@if ! git diff --quiet -- gen/; then \
		git diff --stat -- gen/; \
		echo "check-generated: gen/ does not match $(SPEC); run 'make generate' and commit the result"; exit 1; \
	fi
	@untracked=$$(git ls-files --others --exclude-standard -- gen/); \
	if [ -n "$$untracked" ]; then \
		echo "check-generated: untracked files under gen/: $$untracked"; exit 1; \
	fi
	@echo "check-generated: gen/ matches $(SPEC)"

lint: ## gofmt and go vet (generated code is not linted).
	@unformatted=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go' | grep -v '\.gen\.go$$')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...

test: lint check-generated lint-spec breaking conformance-env ## Everything CI proves.
	$(GO) test -race -count=1 ./...

.PHONY: build
build: ## Build the stub into bin/.
	$(GO) build -o bin/ ./cmd/applytoken-stub

run: build ## Start the stub on 127.0.0.1:8080 with the demo config (RUN_FLAGS adds flags; Ctrl-C stops it).
	./bin/applytoken-stub -config server/demo.yaml $(RUN_FLAGS)

# ---- Independent peers: Spectral and Redocly lint, oasdiff breaking-change check ----
# The npm peers are pinned in contracttests/peers/package-lock.json. Without node and
# npm they skip with a loud message; with CI=true they must run.
PEERS := contracttests/peers
PEERS_BIN := $(PEERS)/node_modules/.bin
PEERS_STAMP := $(PEERS)/node_modules/.applytoken-peers.stamp
BASELINE := openapi/baseline/applytoken.yaml
# oasdiff is built once from its pinned module (go.mod stays free of its dependencies) into
# the untracked bin/, so later runs need no network: `go run module@version` asks the proxy
# for deprecations on every run and fails offline.
OASDIFF_VERSION := v1.37.0
OASDIFF := bin/oasdiff-$(OASDIFF_VERSION)
HAVE_NODE := $(shell command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && echo yes)

# No peer may phone home (the machine reaches package registries only): no telemetry,
# no update or announcement checks, no install-time usage reports.
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true
export REDOCLY_SUPPRESS_NOTIFICATIONS := true
export SCARF_ANALYTICS := false
export DO_NOT_TRACK := 1
export NPM_CONFIG_UPDATE_NOTIFIER := false

.PHONY: peers lint-spec breaking

peers: ## Install the pinned npm peers (npm ci, only when node_modules is missing or the lock changed).
lint-spec: ## Lint the spec with Spectral and Redocly: zero errors and zero warnings.

ifeq ($(HAVE_NODE),yes)
peers: $(PEERS_STAMP)

$(PEERS_STAMP): $(PEERS)/package-lock.json $(PEERS)/package.json $(PEERS)/.npmrc
	cd $(PEERS) && npm ci --no-audit --no-fund
	touch $@

# Redocly's recommended-strict makes every warning an error; the grep also fails on a
# rule someone sets to warn. Its Node 20 end-of-life banner (box lines) is dropped.
lint-spec: peers
	$(PEERS_BIN)/spectral lint --fail-severity=warn --ruleset $(PEERS)/.spectral.yaml $(SPEC)
	@echo "redocly lint --config $(PEERS)/redocly.yaml $(SPEC)"; \
	rc=0; out=$$($(PEERS_BIN)/redocly lint --config $(PEERS)/redocly.yaml --max-problems 1000 $(SPEC) 2>&1) || rc=$$?; \
	printf '%s\n' "$$out" | grep -v '[║╔╚]'; \
	if [ "$$rc" -ne 0 ] || printf '%s\n' "$$out" | grep -Eq 'You have [0-9]+ warnings?'; then \
		echo "lint-spec: Redocly found problems in $(SPEC)"; exit 1; \
	fi
else
peers lint-spec:
	@if [ "$${CI:-}" = true ]; then \
		echo "$@: FAILED: node and npm are required when CI=true (the npm peers must run in CI)" >&2; exit 1; \
	fi; \
	echo "************************************************************************" >&2; \
	echo "*** SKIPPED: $@: node and npm are not installed, so the npm peers" >&2; \
	echo "*** (Spectral, Redocly, Prism) did not run. CI=true makes this a failure." >&2; \
	echo "************************************************************************" >&2
endif

# Checks raised to ERR (the levels file takes no comments): a removed error status breaks
# servers built to the released contract (the suite rejects any status outside the spec);
# oasdiff cannot tell a narrowed pattern from a widened one, so a pattern change needs a release.
breaking: $(OASDIFF) ## Fail on a breaking change against the last released contract (openapi/baseline/).
	$(OASDIFF) breaking --fail-on ERR --severity-levels $(PEERS)/oasdiff-levels.txt \
		--allow-external-refs=false --color never $(BASELINE) $(SPEC)

$(OASDIFF):
	@mkdir -p $(@D)/.oasdiff-install
	GOBIN=$(CURDIR)/$(@D)/.oasdiff-install $(GO) install github.com/oasdiff/oasdiff@$(OASDIFF_VERSION)
	mv $(@D)/.oasdiff-install/oasdiff $@ && rmdir $(@D)/.oasdiff-install

# ---- The conformance suite against a server named in the environment ----
# Runs the README's command for checking your own server, with the built stub
# standing in for it, so the documented way keeps working.
.PHONY: conformance-env
conformance-env: build ## Run `go test ./contracttests -run Server` against a started stub, named by APPLYTOKEN_* variables.
	@out=$$(mktemp); ./bin/applytoken-stub -addr 127.0.0.1:0 -controls >"$$out" 2>/dev/null & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; rm -f "$$out"' EXIT; \
	url=; for _ in $$(seq 100); do url=$$(sed -n 's/^applytoken-stub listening on //p' "$$out"); [ -n "$$url" ] && break; sleep 0.1; done; \
	[ -n "$$url" ] || { echo "conformance-env: the stub did not start"; exit 1; }; \
	echo "APPLYTOKEN_TARGET_URL=$$url ... go test ./contracttests -run Server"; \
	APPLYTOKEN_TARGET_URL=$$url APPLYTOKEN_APP_KEY=demo-app-key APPLYTOKEN_APP_SECRET=demo-app-secret \
	APPLYTOKEN_CHANNEL_ID=demo-channel APPLYTOKEN_DISABLED_CHANNEL_ID=disabled-channel \
	APPLYTOKEN_FAIL_NEXT_URL=$$url/_stub/fail-next \
	$(GO) test -count=1 ./contracttests -run Server -v | grep -v -e '^=== ' -e ' INFO request '
