//! Readers on the real files in `../shared/data/outputs/` (facts from its MANIFEST.md).
