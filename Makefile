# Tern: `make run` builds and starts a broker; `make test` runs the whole suite.
SHELL := /bin/bash
SWIFT ?= swift
DATA ?= ./data
SYSTEM_PACKAGES := libmicrohttpd-dev libyajl-dev pkg-config zlib1g-dev
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: deps build release run test test-swift test-conformance test-gateway bench soak format

## Installs the C libraries Tern links against, when they are missing.
deps:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then missing="$$missing python3-venv"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build --product tern

## Static Swift runtime and Foundation: only the pages the process touches are resident (idle RSS 26.6 MB instead of
## 30.3 MB with the shared libraries, bench/RESULTS.md) and start-up binds fewer symbols. Same flag as docker/Dockerfile.
release: deps
	$(SWIFT) build -c release --product tern --static-swift-stdlib

## Starts nameserver (9876), broker (10911) and gateway (8080) in one process, store under $(DATA).
run: release
	.build/release/tern start --store-path "$(DATA)"

test: deps test-swift test-conformance test-gateway

# Every broker the tests start uses 64 MiB commit log segments instead of 1 GiB: each start reserves two segments
# with fallocate, and dozens of starts would otherwise reserve tens of GiB.
test test-swift test-conformance test-gateway: export TERN_MAPPED_FILE_SIZE_COMMIT_LOG := 67108864

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel

test-conformance: build
	bash Tests/conformance/run.sh

## Curl-level HTTP tests and schemathesis against the gateway of the built binary (Tests/gateway).
test-gateway: build
	bash Tests/gateway/run.sh

bench: release
	bash bench/run.sh

## The 10-minute soak (issue 16) against the release binary: native and HTTP sends, push consumer and HTTP pop/ack;
## prints the broker's RSS every 5 s. `make test` runs the same test for 75 s on the debug build.
soak: release
	TERN_BIN="$(CURDIR)/.build/release/tern" TERN_SOAK_SECONDS=$${TERN_SOAK_SECONDS:-600} \
	  TERN_CONFORMANCE_ARGS="-k soak -s" bash Tests/conformance/run.sh

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift
