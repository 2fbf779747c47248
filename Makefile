# Everyday commands; README and CI use these same targets.
CARGO ?= cargo
ADDR ?= 127.0.0.1:8080
EOSKB = ./target/release/eoskb

.PHONY: run setup build index serve test lint bench clean

## Build, index the bundled content and serve it on http://$(ADDR)
run: setup build index serve

## Everything a fresh machine needs before building (nothing yet beyond cargo).
setup:
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install Rust from rustup.rs"; exit 1; }

build:
	$(CARGO) build --release --locked

index: build
	$(EOSKB) index --content content --ontology ontologies

serve: build
	$(EOSKB) serve --addr $(ADDR)

## All tests (unit, integration on ../shared data when present), then SPARQL
## clients we did not write (SPARQLWrapper, rdflib, curl) against a running server
test:
	$(CARGO) test --locked && bash scripts/sparql-interop.sh

## Formatting and lints, as CI runs them
lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

## Benchmarks (criterion); reports land in target/criterion
bench:
	$(CARGO) bench --locked

clean:
	rm -rf data target
