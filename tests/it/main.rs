//! Integration tests: one binary (each test binary links the whole stack).

mod ask;
mod check;
mod http;
mod indexing;
mod ontology;
mod ontosearch;
mod querylog;
mod rdmkit;
mod semantic;
mod sparql_http;
mod support;
mod watch;
