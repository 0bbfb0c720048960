# feedpub's tasks. `make demo` publishes the example site; `make test` runs
# every test, installing what they need (a local S3 server, media tools)
# on first use.
GO       ?= go
BIN      := bin/feedpub
EXAMPLE  := examples/reelverdicts
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 10s

.PHONY: all build demo test test-s3 deps golden fuzz lint tidy-check bench clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/feedpub

# Publish the example site into $(EXAMPLE)/public with the default
# local-folder target.
demo: build
	./$(BIN) publish --config $(EXAMPLE)/feedpub.yaml
	@echo "feeds and media are in $(EXAMPLE)/public"

# Everything the tests need: a real S3-compatible server (versitygw), and,
# when run as root on Debian, ffmpeg and the independent feed parsers.
deps:
	@bash .ci/deps

test: deps
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

test-s3: deps
	FEEDPUB_TEST_REQUIRE_S3=1 $(GO) test -race -count=1 ./media/store/... ./media/publish/... ./cmd/...

golden:
	$(GO) test ./feeds/podcast ./feeds/syndication ./cmd/feedpub -update

# Each fuzz target for FUZZTIME (go test -fuzz takes one target at a time).
fuzz:
	@bash .ci/fuzz $(FUZZTIME)

bench:
	@bash bench/run

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1)
	$(GO) vet ./...

tidy-check:
	$(GO) mod tidy -diff

clean:
	rm -rf bin $(EXAMPLE)/public $(EXAMPLE)/.feedpub
