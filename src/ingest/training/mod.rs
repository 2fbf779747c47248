//! Training material and related outputs: schema.org / Bioschemas JSON-LD files
//! ([`jsonld`]), web pages with embedded JSON-LD ([`html`]), Jupyter notebooks
//! ([`notebook`]) and PaNOSC catalogue records ([`catalogue`]).
//!
//! Each reader has `read(file, bytes) -> Reading` (never panics, never fails as a
//! whole) and, where the extension cannot tell, `sniff(bytes) -> bool`.

pub mod catalogue;
pub mod html;
pub mod jsonld;
pub mod notebook;

mod agents;
mod context;
mod course;
mod json;
mod nesting;
mod page;
mod panet;
mod schema;
mod sections;
mod text;

#[cfg(test)]
mod tests;
