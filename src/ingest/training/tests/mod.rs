//! The readers on the real files of `../shared/data` (facts from its MANIFEST.md,
//! "EOSC project outputs") and on hostile inputs.

mod catalogue;
mod html;
mod jsonld;
mod notebook;
mod smoke;
