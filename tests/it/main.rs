//! Integration tests: one binary (each test binary links the whole stack).

mod ask;
mod catalogue;
mod check;
mod curators;
mod hardening;
mod harvest;
mod http;
mod indexing;
mod lifecycle;
mod linked_data;
mod ols;
mod ontology;
mod ontosearch;
mod openapi;
mod options;
mod outputs;
mod querylog;
mod question_words;
mod rdmkit;
mod semantic;
mod sparql_http;
mod sparql_page;
mod support;
mod terms_pages;
mod versions;
mod watch;
