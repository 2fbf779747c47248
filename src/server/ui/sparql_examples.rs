//! The example queries of the SPARQL page. Each is written without its PREFIX
//! lines: the page declares the prefixes a query uses from the generation's
//! prefix table, so an example follows a deployment's `[prefixes]`. They run on
//! the bundled content with PaNET (and EDAM and NeXus where named) loaded.

/// What a query returns, which decides the download formats offered.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ResultShape {
    /// SELECT or ASK: SPARQL results (JSON, XML, CSV, TSV).
    Solutions,
    /// CONSTRUCT or DESCRIBE: a graph (Turtle, N-Triples, RDF/XML, JSON-LD).
    Graph,
}

/// One example query.
pub struct Example {
    /// Its name in `/sparql?example=`.
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub shape: ResultShape,
    /// The query without PREFIX declarations.
    pub body: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        id: "guidance-by-technique",
        title: "Guidance on a technique and the narrower ones",
        description: "Articles annotated with small angle scattering (PaNET01124) or any technique below it in the PaNET hierarchy (rdfs:subClassOf*), such as SAXS, SANS and GISAXS.",
        shape: ResultShape::Solutions,
        body: "SELECT DISTINCT ?article ?title ?technique ?label WHERE {
  ?article dcterms:subject ?technique ;
           dcterms:title ?title .
  ?technique rdfs:subClassOf* PaNET:PaNET01124 ;
             rdfs:label ?label .
}
ORDER BY ?label ?title",
    },
    Example {
        id: "terms-per-ontology",
        title: "Terms per ontology",
        description: "How many classes, properties and SKOS concepts each loaded ontology (one named graph per file) defines.",
        shape: ResultShape::Solutions,
        body: "SELECT ?ontology ?title (COUNT(DISTINCT ?term) AS ?terms) WHERE {
  GRAPH ?ontology {
    ?term a ?type .
    FILTER(isIRI(?term) && ?type IN (owl:Class, rdfs:Class, skos:Concept,
      owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty))
    OPTIONAL { ?ontology dcterms:title ?title }
  }
}
GROUP BY ?ontology ?title
ORDER BY DESC(?terms)",
    },
    Example {
        id: "most-used-terms",
        title: "The terms most articles are annotated with",
        description: "Ontology terms (PaNET, EDAM, NeXus, ...) by the number of articles whose front matter names them.",
        shape: ResultShape::Solutions,
        body: "SELECT ?term ?label (COUNT(DISTINCT ?article) AS ?articles) WHERE {
  ?article dcterms:subject ?term .
  FILTER(isIRI(?term))
  OPTIONAL { ?term rdfs:label ?label }
}
GROUP BY ?term ?label
ORDER BY DESC(?articles) ?term
LIMIT 25",
    },
    Example {
        id: "outputs-with-dois",
        title: "Research outputs with their DOIs and creators",
        description: "Deliverables, reports and other records with a DOI, when they were issued, and who created them.",
        shape: ResultShape::Solutions,
        body: "SELECT ?output ?title ?doi ?issued (GROUP_CONCAT(DISTINCT ?name; separator=\"; \") AS ?creators) WHERE {
  ?output schema:sameAs ?doi ;
          dcterms:title ?title .
  OPTIONAL { ?output dcterms:issued ?issued }
  OPTIONAL { ?output schema:author/schema:name ?name }
}
GROUP BY ?output ?title ?doi ?issued
ORDER BY DESC(?issued) ?title
LIMIT 50",
    },
    Example {
        id: "text-search-joined",
        title: "Full-text search joined with PaNET (SERVICE)",
        description: "Guidance matching the words \"sample data\", ranked by the keyword search (SERVICE <urn:eoskb:search>), with the PaNET techniques the articles are annotated with.",
        shape: ResultShape::Solutions,
        body: "SELECT ?article ?score ?title ?technique WHERE {
  SERVICE <urn:eoskb:search> {
    ?article search:query \"sample data\" ;
             search:kind \"article\" ;
             search:score ?score .
  }
  ?article dcterms:title ?title ;
           dcterms:subject ?t .
  ?t rdfs:label ?technique .
  FILTER(STRSTARTS(STR(?t), STR(PaNET:)))
}
ORDER BY DESC(?score) ?technique",
    },
    Example {
        id: "broader-techniques",
        title: "Broader techniques of small angle X-ray scattering",
        description: "Every technique above PaNET01188 (SAXS) in the PaNET hierarchy, followed through rdfs:subClassOf+.",
        shape: ResultShape::Solutions,
        body: "SELECT DISTINCT ?broader ?label WHERE {
  PaNET:PaNET01188 rdfs:subClassOf+ ?broader .
  ?broader rdfs:label ?label .
}
ORDER BY ?label",
    },
    Example {
        id: "articles-per-kind",
        title: "Articles per kind",
        description: "Guides, FAQs, policies, deliverables, ... as the content declares them (eoskb:kind).",
        shape: ResultShape::Solutions,
        body: "SELECT ?kind ?label (COUNT(DISTINCT ?article) AS ?articles) WHERE {
  ?article eoskb:kind ?kind .
  OPTIONAL { ?kind skos:prefLabel ?label }
}
GROUP BY ?kind ?label
ORDER BY DESC(?articles)",
    },
    Example {
        id: "ask-tomography",
        title: "Is there guidance on tomography?",
        description: "ASK: true if any article is annotated with tomography (PaNET01129) or a narrower technique.",
        shape: ResultShape::Solutions,
        body: "ASK {
  ?article dcterms:subject ?technique .
  ?technique rdfs:subClassOf* PaNET:PaNET01129 .
}",
    },
    Example {
        id: "construct-scattering-guidance",
        title: "A graph of scattering guidance (CONSTRUCT)",
        description: "Articles on small angle scattering techniques with their titles and the techniques' labels, as Turtle.",
        shape: ResultShape::Graph,
        body: "CONSTRUCT {
  ?article dcterms:title ?title ;
           dcterms:subject ?technique .
  ?technique rdfs:label ?label .
} WHERE {
  ?article dcterms:subject ?technique ;
           dcterms:title ?title .
  ?technique rdfs:subClassOf* PaNET:PaNET01124 ;
             rdfs:label ?label .
}",
    },
    Example {
        id: "describe-article",
        title: "Everything about one article (DESCRIBE)",
        description: "The triples of the article \"What is PaNET\" in the content graph.",
        shape: ResultShape::Graph,
        body: "DESCRIBE ?article WHERE {
  ?article dcterms:identifier \"what-is-panet\" .
}",
    },
];

/// The example named `id`, else the first.
pub fn example(id: Option<&str>) -> &'static Example {
    id.and_then(|id| EXAMPLES.iter().find(|e| e.id == id))
        .unwrap_or(&EXAMPLES[0])
}

/// `body` with PREFIX declarations for the prefixes of `prefixes` it uses.
pub fn with_prefixes<'a>(
    body: &str,
    prefixes: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> String {
    let code = without_iris_and_strings(body);
    let mut text: String = prefixes
        .into_iter()
        .filter(|(prefix, _)| uses(&code, prefix))
        .map(|(prefix, namespace)| format!("PREFIX {prefix}: <{namespace}>\n"))
        .collect();
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(body);
    text
}

/// Whether `code` writes a CURIE with `prefix` (`name:` after a character that
/// cannot be part of a prefix name).
fn uses(code: &str, prefix: &str) -> bool {
    let needle = format!("{prefix}:");
    code.match_indices(&needle).any(|(at, _)| {
        code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || "_-.:".contains(c)))
    })
}

/// `text` with IRIs (`<...>` without spaces) and string literals blanked out, so
/// that a `name:` inside them is not taken for a CURIE.
fn without_iris_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let end = match c {
            '<' => chars[i + 1..]
                .iter()
                .position(|&d| d == '>' || d.is_whitespace())
                .filter(|&n| chars[i + 1 + n] == '>')
                .map(|n| i + 1 + n),
            '"' | '\'' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j] != c {
                    j += if chars[j] == '\\' { 2 } else { 1 };
                }
                Some(j.min(chars.len() - 1))
            }
            _ => None,
        };
        match end {
            Some(end) => {
                out.extend(std::iter::repeat_n(' ', end + 1 - i));
                i = end + 1;
            }
            None => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn examples_declare_exactly_the_prefixes_they_use() {
        let map = Config::default().prefix_map().map;
        let query = with_prefixes(example(Some("guidance-by-technique")).body, &map);
        assert!(query.starts_with("PREFIX PaNET: <http://purl.org/pan-science/PaNET/>\n"));
        assert!(query.contains("PREFIX dcterms: <http://purl.org/dc/terms/>\n"));
        assert!(query.contains("PREFIX rdfs: <"));
        assert!(!query.contains("PREFIX owl:"), "{query}");
        // A path names two prefixes; an IRI or a string holds no CURIE.
        let query = with_prefixes(
            "SELECT * { ?a schema:author/foaf:name <https://x.org/dcterms:y> ; rdfs:label \"owl:x\" FILTER(?a < 3) }",
            &map,
        );
        let declared: Vec<&str> = query
            .lines()
            .filter_map(|l| l.strip_prefix("PREFIX "))
            .filter_map(|l| l.split(':').next())
            .collect();
        assert_eq!(declared, ["foaf", "rdfs", "schema"], "{query}");
        assert_eq!(example(Some("nope")).id, EXAMPLES[0].id);
        let mut ids: Vec<&str> = EXAMPLES.iter().map(|e| e.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), EXAMPLES.len());
    }
}
