# Rendezvous Messenger. `make run` opens the app; `make test` runs what CI runs.
# Both install the Debian/Ubuntu packages they need first (scripts/deps.sh).

export PATH := /usr/local/go/bin:$(PATH)
GO ?= go
BIN := bin
TEST_TIMEOUT ?= 25m

.PHONY: help deps run test check unit smoke build release package rvpd bench clean

help:
	@echo "make run      build and start the desktop app (ARGS=\"--profile bob\" for a second one)"
	@echo "make test     everything CI runs: gofmt, vet, staticcheck, go test -race, GUI smoke run"
	@echo "make build    bin/rendezvous and bin/rvpd"
	@echo "make release  stripped build with -tags migrated_fynedo"
	@echo "make package  desktop package in dist/ via 'go tool fyne package -os linux'"
	@echo "make rvpd     the server alone: bin/rvpd"
	@echo "make bench    benchmarks (not part of make test), written to docs/BENCHMARKS.md"

deps:
	@bash scripts/deps.sh

run: deps
	$(GO) build -o $(BIN)/rendezvous .
	./$(BIN)/rendezvous $(ARGS)

# The steps run in order; the last line names the step that failed, or says
# that all passed.
TEST_STEPS := check unit smoke
test: deps
	@start=$$(date +%s); for step in $(TEST_STEPS); do \
		$(MAKE) --no-print-directory $$step || { echo "make test: FAILED in step '$$step' after $$(( $$(date +%s) - start )) s (output above)"; exit 1; }; \
	done; echo "make test: PASSED: gofmt, go vet, staticcheck, go test -race, GUI smoke run ($$(( $$(date +%s) - start )) s)"

check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

# -count=1: every run executes the tests; several drive real processes
# (rvpd, Pidgin, squid, Xvfb) that Go's test cache cannot see change.
unit:
	RVP_ARTIFACTS=$(CURDIR)/test-out bash scripts/with-session.sh $(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...

smoke: build
	bash scripts/with-session.sh bash scripts/smoke.sh $(BIN)/rendezvous

build:
	$(GO) build -o $(BIN)/rendezvous .
	$(GO) build -o $(BIN)/rvpd ./cmd/rvpd

release:
	$(GO) build -tags migrated_fynedo -ldflags "-s -w" -trimpath -o $(BIN)/rendezvous .
	$(GO) build -ldflags "-s -w" -trimpath -o $(BIN)/rvpd ./cmd/rvpd

package: deps
	GO=$(GO) bash scripts/package.sh

rvpd:
	$(GO) build -o $(BIN)/rvpd ./cmd/rvpd

# The harness is its own module (bench/go.mod), so NATS and the other
# comparison-only modules stay out of the product. About 15 minutes, loopback
# only; rewrites docs/BENCHMARKS.md. ngircd (Debian) is the IRC server Pidgin
# signs in to for the desktop comparison.
bench: deps
	@command -v ngircd >/dev/null || { [ "$$(id -u)" -eq 0 ] && apt-get install -y -qq --no-install-recommends ngircd >/dev/null; } || echo "bench: ngircd missing; the Pidgin comparison will say not measured"
	cd bench && RVPBENCH_COMMAND="make bench" $(GO) run ./cmd/rvpbench -root .. -out ../docs/BENCHMARKS.md all

clean:
	rm -rf $(BIN) dist smoke-out test-out
