//! Vocabulary more than one reader needs: the terms CodeMeta defines outside
//! schema.org. The CodeMeta reader accepts them as CodeMeta terms; the JSON-LD
//! context resolver maps them into CodeMeta's namespace.

/// Where CodeMeta's own terms (not in schema.org) live.
pub const CODEMETA_TERMS: &str = "https://codemeta.github.io/terms/";

/// Terms the CodeMeta 2 and 3 contexts define outside schema.org.
pub const CODEMETA_ONLY: [&str; 14] = [
    "softwareSuggestions",
    "contIntegration",
    "continuousIntegration",
    "buildInstructions",
    "developmentStatus",
    "embargoDate",
    "embargoEndDate",
    "funding",
    "issueTracker",
    "referencePublication",
    "readme",
    "hasSourceCode",
    "isSourceCodeOf",
    "maintainer",
];
