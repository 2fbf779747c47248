"""Linked data, read by tools nobody here wrote: the IRIs a running `eoskb serve`
mints dereference (argv[1] is the server's base URL, which must be its
configured `base_iri`), every RDF syntax parses in rdflib and says the same, and
the JSON-LD embedded in article pages, extracted by extruct and turned into
RDF by pyld, holds the same schema.org statements as the RDF view.

"The same statements": the triples of the RDF view whose predicate is in the
https://schema.org/ namespace, plus its rdf:type triples whose class is, equal
(as sets of triples; the descriptions have no blank nodes) the triples pyld
reads from the page's JSON-LD. The RDF view says more (Dublin Core, DCAT, the
project's vocabulary); the JSON-LD says nothing else.
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

import extruct
import rdflib
from pyld import jsonld
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.compare import isomorphic

BASE = sys.argv[1]
if not BASE.endswith("/"):
    BASE += "/"
SCHEMA = "https://schema.org/"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = {  # media type → rdflib parser
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def fail(message):
    print("FAIL: linked data:", message)
    sys.exit(1)


def check(what, ok, detail=""):
    if not ok:
        fail(f"{what} {detail}"[:2000])
    print("ok:", what)


def get(url, accept):
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode("utf-8"), response.url
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8", "replace"), url


def select(query):
    url = BASE + "sparql?" + urllib.parse.urlencode({"query": query})
    status, _, body, _ = get(url, "application/sparql-results+json")
    check(f"SPARQL answers {query[:60]!r}...", status == 200, body[:300])
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(body)["results"]["bindings"]]


def plain(graph):
    """The graph's triples, `"x"^^xsd:string` written as `"x"` (one literal)."""
    out = set()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def rdf_view(iri):
    """The resource's description in every syntax: each parses, all say the same."""
    graphs = {}
    for media, parser in FORMATS.items():
        status, headers, body, _ = get(iri, media)
        check(f"<{iri}> as {media}", status == 200 and headers.get("Content-Type", "").startswith(media),
              f"{status} {headers.get('Content-Type')} {body[:200]}")
        check(f"<{iri}> as {media} varies by Accept", "accept" in headers.get("Vary", "").lower(), headers.get("Vary"))
        graph = rdflib.Graph()
        graph.parse(data=body, format=parser, publicID=iri)
        graphs[media] = plain(graph)
    turtle = graphs["text/turtle"]
    for media, triples in graphs.items():
        # Blank nodes (a graph's linksets) get new names in each parse.
        check(f"<{iri}>: {media} says what Turtle says", isomorphic(as_graph(triples), as_graph(turtle)),
              str(sorted(map(str, triples ^ turtle))[:6]))
    return turtle


def as_graph(triples):
    graph = rdflib.Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def schema_org(triples):
    return {(s, p, o) for s, p, o in triples
            if str(p).startswith(SCHEMA) or (p == RDF.type and str(o).startswith(SCHEMA))}


def embedded_statements(iri):
    """The JSON-LD of the page a browser reaches from the IRI, as triples."""
    status, headers, html, url = get(iri, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    check(f"<{iri}> leads a browser to its page", status == 200 and "text/html" in headers.get("Content-Type", "")
          and "/docs/" in url, f"{status} {url}")
    blocks = extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=False)["json-ld"]
    check(f"{url} embeds one JSON-LD block", len(blocks) == 1, str(blocks)[:300])
    check(f"{url}: the JSON-LD is about <{iri}>", blocks[0].get("@id") == iri, str(blocks[0].get("@id")))
    nquads = jsonld.to_rdf(blocks[0], {"format": "application/n-quads"})
    graph = rdflib.Graph()
    graph.parse(data=nquads, format="nt")
    return plain(graph)


def main():
    graph_content = BASE + "graph/content"
    articles = [r["a"] for r in select(
        f"PREFIX schema: <{SCHEMA}> SELECT ?a WHERE {{ GRAPH <{graph_content}> {{ ?a a schema:HowTo ; schema:author ?who }} }} ORDER BY ?a LIMIT 3")]
    outputs = [r["a"] for r in select(
        f"PREFIX schema: <{SCHEMA}> SELECT ?a WHERE {{ GRAPH <{graph_content}> {{ ?a schema:sameAs ?doi ; schema:author ?who }} "
        "FILTER(STRSTARTS(STR(?doi), \"https://doi.org/\")) } ORDER BY ?a LIMIT 1")]
    check("the content graph has articles with authors", len(articles) == 3, str(articles))
    check("and an output record with a DOI", len(outputs) == 1, str(outputs))
    for iri in articles + outputs:
        check(f"<{iri}> is under the base IRI", iri.startswith(BASE + "article/"))
        rdf = rdf_view(iri)
        expected = schema_org(rdf)
        check(f"<{iri}>: the RDF view has schema.org statements about it",
              any(s == URIRef(iri) for s, _, _ in expected) and len(expected) >= 6, str(len(expected)))
        embedded = embedded_statements(iri)
        check(f"<{iri}>: the page's JSON-LD holds the RDF view's schema.org statements, no more, no fewer",
              embedded == expected,
              "only in the JSON-LD: " + str(sorted(map(str, embedded - expected))[:5])
              + "; only in the RDF: " + str(sorted(map(str, expected - embedded))[:5]))
        authors = [o for s, p, o in rdf if s == URIRef(iri) and p == URIRef(SCHEMA + "author")]
        for author in authors[:1]:
            if str(author).startswith(BASE):
                rdf_view(str(author))

    status, headers, body, _ = get(articles[0], "image/png")
    check("Accept: image/png is 406 with a JSON body", status == 406 and json.loads(body).get("error") == "not_acceptable",
          f"{status} {body[:200]}")
    check("the 406 varies by Accept too", "accept" in headers.get("Vary", "").lower())
    status, _, body, _ = get(BASE + "article/%FF", "text/turtle")
    check("a path that is not UTF-8 is 400", status == 400 and json.loads(body).get("error") == "invalid_iri", body[:200])

    # The content graph and the SPARQL service description with VoID statistics.
    content = rdf_view(graph_content)
    check("the content graph states its size", any(p == VOID.triples for _, p, _ in content))
    status, headers, body, _ = get(BASE + "sparql", "text/turtle")
    check("GET /sparql for Turtle is the service description", status == 200, f"{status} {body[:200]}")
    sd = rdflib.Graph()
    sd.parse(data=body, format="turtle")
    service = URIRef(BASE + "sparql")
    check("it describes an sd:Service", (service, RDF.type, SD.Service) in sd)
    check("that supports SPARQL 1.1 Query", (service, SD.supportedLanguage, SD.SPARQL11Query) in sd)
    names = set(sd.objects(None, SD.name))
    check("it names the loaded graphs", URIRef(graph_content) in names, str(names))
    panet = URIRef("http://purl.org/pan-science/PaNET/PaNET.owl")
    if panet in names:
        triples = int(sd.value(panet, VOID.triples))
        check("PaNET's void:triples is 4371, as SPARQL counts it", triples == 4371, str(triples))
        status, _, body, _ = get(BASE + "terms/PaNET:PaNET01188", "text/turtle")
        term = rdflib.Graph()
        term.parse(data=body, format="turtle")
        check("a PaNET term page answers its triples by conneg",
              status == 200 and (URIRef("http://purl.org/pan-science/PaNET/PaNET01188"), rdflib.RDFS.label, None) in term,
              body[:200])
    print("linked data: all checks passed")


if __name__ == "__main__":
    main()
