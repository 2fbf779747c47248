//! The ontology side of answering: term search and look-up, which articles use
//! a term, and how the terms a query names lift and filter its results.

pub mod boost;
pub mod browse;
pub mod filter;
pub mod list;
pub mod lookup;
pub mod namespaces;
pub mod ols;
pub mod recognise;
pub mod search;
pub mod usage;
