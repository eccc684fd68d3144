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

test: lint check-generated ## Everything CI proves.
	$(GO) test -race -count=1 ./...
