# One command each: generate, check-generated, lint, test, run.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO ?= go
SPEC := openapi/applytoken.yaml

.PHONY: help generate check-generated lint test run

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

generate: ## Regenerate gen/ from the spec.
	$(GO) generate ./gen/...

check-generated: generate docs ## Fail when gen/ or docs/api.html differs from what the spec generates.
	@if ! git diff --quiet -- gen/; then \
		git diff --stat -- gen/; \
		echo "check-generated: gen/ does not match $(SPEC); run 'make generate' and commit the result"; exit 1; \
	fi
	@untracked=$$(git ls-files --others --exclude-standard -- gen/); \
	if [ -n "$$untracked" ]; then \
		echo "check-generated: untracked files under gen/: $$untracked"; exit 1; \
	fi
	@if ! git diff --quiet -- $(API_HTML); then \
		echo "check-generated: $(API_HTML) does not match $(SPEC); run 'make docs' and commit the result"; exit 1; \
	fi
	@echo "check-generated: gen/ and $(API_HTML) match $(SPEC)"

lint: ## gofmt and go vet (generated code is not linted).
	@unformatted=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go' | grep -v '\.gen\.go$$')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...

test: lint check-generated lint-spec breaking conformance-env browser-test ## Everything CI proves (uses node, npm and Chromium; about 3 minutes the first time, 1 after).
	$(GO) test -race -count=1 ./...

.PHONY: build
build: ## Build the stub into bin/.
	$(GO) build -o bin/ ./cmd/applytoken-stub

run: build ## Start the stub on 127.0.0.1:8080 with the demo config (RUN_FLAGS adds flags; Ctrl-C stops it).
	./bin/applytoken-stub -config cmd/applytoken-stub/demo.yaml $(RUN_FLAGS)

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
# standing in for it, so the documented way keeps working. A second stub, with its
# own signing key, is the peer (APPLYTOKEN_PEER_URL), so every case is driven.
.PHONY: conformance-env
conformance-env: build ## Start a stub and a peer, then run `go test ./contracttests -run Server` against them, named by APPLYTOKEN_* variables.
	@out=$$(mktemp); peerout=$$(mktemp); \
	./bin/applytoken-stub -addr 127.0.0.1:0 -controls >"$$out" 2>/dev/null & pid=$$!; \
	./bin/applytoken-stub -addr 127.0.0.1:0 >"$$peerout" 2>/dev/null & peerpid=$$!; \
	trap 'kill $$pid $$peerpid 2>/dev/null; rm -f "$$out" "$$peerout"' EXIT; \
	url=; peer=; for _ in $$(seq 100); do \
		url=$$(sed -n 's/^applytoken-stub listening on //p' "$$out"); peer=$$(sed -n 's/^applytoken-stub listening on //p' "$$peerout"); \
		[ -n "$$url" ] && [ -n "$$peer" ] && break; sleep 0.1; done; \
	[ -n "$$url" ] && [ -n "$$peer" ] || { echo "conformance-env: the stubs did not start"; exit 1; }; \
	echo "APPLYTOKEN_TARGET_URL=$$url APPLYTOKEN_PEER_URL=$$peer ... go test ./contracttests -run Server"; \
	APPLYTOKEN_TARGET_URL=$$url APPLYTOKEN_APP_KEY=demo-app-key APPLYTOKEN_APP_SECRET=demo-app-secret \
	APPLYTOKEN_CHANNEL_ID=demo-channel APPLYTOKEN_DISABLED_CHANNEL_ID=disabled-channel \
	APPLYTOKEN_FAIL_NEXT_URL=$$url/_stub/fail-next APPLYTOKEN_ADVANCE_URL=$$url/_stub/advance \
	APPLYTOKEN_PEER_URL=$$peer \
	$(GO) test -count=1 ./contracttests -run Server -v | grep -v -e '^=== ' -e ' INFO request '

# ---- The API reference page: docs/api.html, built from the spec, committed, served at /docs ----
# Redocly (pinned in the peers) inlines its scripts (--inlineBundle), so the page works
# offline. It is built twice and compared, so a Redocly that stamps a date or a random id
# fails here rather than in every later check-generated. One fix-up after the build: the
# "API docs by Redocly" badge loads its logo from Redocly's CDN, so both logo URLs become an
# inline SVG of the word; the build fails if Redocly stops using exactly those URLs.
API_HTML := docs/api.html
REDOCLY_LOGO_URLS := https://cdn.redoc.ly/redoc/logo-mini-full.svg https://cdn.redoc.ly/redoc/logo-mini.svg
REDOCLY_LOGO_INLINE := data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22%20width=%2252%22%20height=%2216%22%3E%3Ctext%20x=%220%22%20y=%2212%22%20font-family=%22sans-serif%22%20font-size=%2212%22%20font-weight=%22600%22%20fill=%22%23444%22%3ERedocly%3C/text%3E%3C/svg%3E

.PHONY: docs
docs: ## Rebuild docs/api.html, the API reference page, from the spec (Redocly build-docs).

ifeq ($(HAVE_NODE),yes)
docs: peers
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for n in 1 2; do \
		rc=0; out=$$($(PEERS_BIN)/redocly build-docs --config $(PEERS)/redocly.yaml --inlineBundle \
			-o "$$tmp/$$n.html" $(SPEC) 2>&1) || rc=$$?; \
		if [ "$$rc" -ne 0 ]; then printf '%s\n' "$$out" | grep -v '[║╔╚]' >&2; echo "docs: redocly build-docs failed" >&2; exit 1; fi; \
	done; \
	cmp -s "$$tmp/1.html" "$$tmp/2.html" || { echo "docs: two builds of $(API_HTML) differ: the page is not deterministic" >&2; exit 1; }; \
	for url in $(REDOCLY_LOGO_URLS); do \
		[ "$$(grep -oF "$$url" "$$tmp/1.html" | wc -l)" -eq 1 ] || { echo "docs: $$url is not in the page exactly once; revisit the logo fix-up" >&2; exit 1; }; \
		sed -i "s|$$url|$(REDOCLY_LOGO_INLINE)|" "$$tmp/1.html"; \
	done; \
	mv "$$tmp/1.html" $(API_HTML); \
	echo "docs: built $(API_HTML) from $(SPEC) ($$(wc -c <$(API_HTML)) bytes, two builds identical)"
else
docs:
	@if [ "$${CI:-}" = true ]; then \
		echo "$@: FAILED: node and npm are required when CI=true (Redocly builds the page)" >&2; exit 1; \
	fi; \
	echo "************************************************************************" >&2; \
	echo "*** SKIPPED: $@: node and npm are not installed, so $(API_HTML) was not" >&2; \
	echo "*** rebuilt. CI=true makes this a failure." >&2; \
	echo "************************************************************************" >&2
endif

# ---- The browser test: the stub's /docs in headless Chromium (Debian's chromium and
# chromium-driver; .ci/run installs them). It skips loudly without them; CI=true fails instead.
.PHONY: browser-test
browser-test: ## Open the stub's /docs in headless Chromium, check both operations and every status code, save a screenshot.
	$(GO) test -count=1 -run '^TestAPIReferenceInBrowser$$' -v ./docs | grep -v -e '^=== '

# ---- The drill: a spec change flows through `make generate` alone ----
# `make test` runs its fast form (every change at once, in one copy of the module);
# this runs each change alone and the client, server, rules, battery and CLI tests in the copy.
.PHONY: drill
drill: ## Apply each kind of vendor spec change to a copy of the module, regenerate, prove client, stub and suite follow.
	APPLYTOKEN_DRILL=each $(GO) test -count=1 -v -timeout 30m -run '^TestDrill$$' ./internal/drill | grep -v -e '^=== ' -e ' INFO request '

# ---- Hostile input and load: fuzzing and the soak (neither is part of `make test`) ----
# The fuzz targets take their seeds from the malformed-input battery at run time and
# `make test` runs them as ordinary tests; `make fuzz` explores beyond them. A crasher
# lands in server/testdata/fuzz, which `go test` runs from then on.
FUZZTIME ?= 60s

.PHONY: fuzz soak
fuzz: ## Fuzz both operations (raw body and header values), each for FUZZTIME (default 60s).
	$(GO) test -run '^$$' -fuzz '^FuzzApplyToken$$' -fuzztime $(FUZZTIME) ./server
	$(GO) test -run '^$$' -fuzz '^FuzzTokenByAkSk$$' -fuzztime $(FUZZTIME) ./server

soak: ## 60s at 256 connections of valid requests against the built stub on 127.0.0.1 (SOAK_DURATION, SOAK_CONNS).
	$(GO) test -tags soak -run '^TestSoak$$' -count=1 -v -timeout 45m ./cmd/applytoken-stub | grep -v -e '^=== '

# ---- Performance (issue 7): `make bench`, not part of `make test` (it takes about three minutes) ----
# It builds the stub and the bare baseline handler (internal/bench/cmd/baseline), pins each
# server to CPU 0 and its own load generator to CPU 1 where taskset exists, runs interleaved
# rounds at 1 and 32 connections (Prism's mock as a third server when the peers are
# installed), checks memory over a million issued tokens, then runs the Go benchmarks.
# BENCH_FLAGS passes flags to it, e.g. BENCH_FLAGS='-rounds 5 -duration 10s'.
BENCH_FLAGS ?=

.PHONY: bench bench-smoke fuzz-differential
bench: build ## Measure the stub against a bare handler and Prism: req/s, p50, p99, ratios (about 3 minutes).
	$(GO) build -o bin/bench-baseline ./internal/bench/cmd/baseline
	$(GO) build -o bin/bench ./internal/bench/cmd/bench
	./bin/bench -stub bin/applytoken-stub -baseline bin/bench-baseline $(BENCH_FLAGS)

# Each Go benchmark once, so a benchmark that no longer runs fails `make test` rather than
# the next `make bench`; a few seconds.
test: bench-smoke
bench-smoke: ## Run every Go benchmark once (part of `make test`).
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 1x ./server/ ./client/ | grep -v -e '^Benchmark' -e '^goos:' -e '^goarch:' -e '^pkg:' -e '^cpu:'

# internal/rules against kin-openapi beyond its seeds (generated at run time; `make test`
# runs them), for FUZZTIME. (The stub's own compiled validator and 200 writers are gone:
# it runs the rules and the generated Visit methods.)
fuzz-differential: ## Fuzz internal/rules against kin-openapi, its oracle, for FUZZTIME.
	$(GO) test -run '^$$' -fuzz '^FuzzRulesMatchKin$$' -fuzztime $(FUZZTIME) ./internal/rules
