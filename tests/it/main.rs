//! Integration tests: one binary (each test binary links the whole stack).

mod http;
mod indexing;
mod rdmkit;
mod semantic;
mod support;
