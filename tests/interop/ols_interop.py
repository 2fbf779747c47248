"""(Not named ols_client.py: the script would shadow the module it tests.)

The OLS client from PyPI (`ols-client`, module `ols_client`), unmodified,
against eoskb's OLS-compatible API over PaNET, EDAM and NeXus.

Usage: python tests/interop/ols_interop.py http://HOST:PORT/ols4/api

Each check asserts a fact of the ontologies' own files (labels, hierarchy) as
the client parses it; the script exits non-zero at the first failure.
"""

import sys

import requests
from ols_client import Client

BASE = sys.argv[1].rstrip("/")
client = Client(BASE)
PANET = "http://purl.org/pan-science/PaNET/"
SAXS = PANET + "PaNET01188"  # small angle x-ray scattering
SAS = PANET + "PaNET01124"  # small angle scattering, its parent
EDAM_DATA = "http://edamontology.org/data_0006"  # Data
NEXUS = "http://purl.org/nexusformat/definitions/"


def ok(what):
    print("ok: ols-client", what)


def labels(terms):
    return [t["label"] for t in terms]


# The base URL as given, and without `/api` (the client appends it).
assert client.base_url == BASE, client.base_url
assert Client(BASE[: -len("/api")]).base_url == BASE
ok("base URL")

# Search: PaNET's SAXS for "small angle", with its status visible and each term once.
docs = client.search("small angle", params={"ontology": "panet", "rows": 50})
iris = [d["iri"] for d in docs]
assert SAXS in iris, iris
assert len(iris) == len(set(iris)), "a term listed twice"
saxs = next(d for d in docs if d["iri"] == SAXS)
assert saxs["label"] == "small angle x-ray scattering", saxs
assert saxs["ontology_name"] == "panet" and saxs["short_form"] == "PaNET01188", saxs
assert saxs["obo_id"] == "PaNET:PaNET01188" and saxs["type"] == "class", saxs
assert saxs["is_obsolete"] is False and saxs["term_replaced_by"] is None, saxs
assert all(d["ontology_name"] == "panet" for d in docs)
ok(f"search 'small angle' in PaNET: {len(docs)} hits, SAXS among them")

# The synonym, exactly, across every ontology; facets in Solr's shape.
raw = client.get_json("/search", params={"q": "SAXS", "exact": "true"})
exact = raw["response"]["docs"]
assert SAXS in [d["iri"] for d in exact], exact
assert all("saxs" in (d["label"] + d["short_form"]).lower() or d["iri"] == SAXS for d in exact)
facets = raw["facet_counts"]["facet_fields"]
assert "panet" in facets["ontologyId"][0::2], facets
ok("exact search 'SAXS' and facet counts")

# Restricted to a subtree and to leaves.
under = client.search("scattering", params={"allChildrenOf": SAS, "rows": 100})
assert SAXS in [d["iri"] for d in under] and SAS not in [d["iri"] for d in under]
ok(f"search under small angle scattering: {len(under)} hits")

# Suggest and select (autocompletion).
suggested = client.suggest("small angle x", ontology="panet")
words = [d["autosuggest"] for d in suggested["response"]["docs"]]
assert "small angle x-ray scattering" in words, words
selected = client.get_json("/select", params={"q": "small angle x", "ontology": "panet"})
first = selected["response"]["docs"][0]
highlight = selected["highlighting"][first["id"]]
assert "<b>small</b>" in highlight["label_autosuggest"][0], highlight
ok(f"suggest: {words[:3]}; select highlights {highlight['label_autosuggest'][0]!r}")

# A term by IRI, as OLS's paged list of one.
term = client.get_term("panet", SAXS)["_embedded"]["terms"][0]
assert term["label"] == "small angle x-ray scattering" and term["iri"] == SAXS, term
assert term["is_root"] is False and term["has_children"] is True, term
assert term["is_defining_ontology"] is True and term["ontology_prefix"] == "PaNET", term
assert term["_links"]["self"]["href"].startswith(BASE + "/ontologies/panet/terms/http%253A%252F%252F")
by_self = requests.get(term["_links"]["self"]["href"], timeout=5).json()
assert by_self["iri"] == SAXS
ok("term by IRI (and by its own double-encoded link)")

# Ancestors and hierarchical ancestors.
ancestors = list(client.iter_ancestors("panet", SAXS))
assert "small angle scattering" in labels(ancestors), labels(ancestors)
hierarchical = list(client.iter_hierarchical_ancestors("panet", SAXS))
assert {t["iri"] for t in hierarchical} == {t["iri"] for t in ancestors}
assert SAS in [t["iri"] for t in ancestors]
ok(f"ancestors of SAXS: {len(ancestors)}, small angle scattering among them")

# Hierarchical children and descendants, following the links a term gives.
sas = client.get_term("panet", SAS)["_embedded"]["terms"][0]
children = client.get_json(sas["_links"]["hierarchicalChildren"]["href"])["_embedded"]["terms"]
assert SAXS in [t["iri"] for t in children], labels(children)
descendants = client.get_json(sas["_links"]["hierarchicalDescendants"]["href"], params={"size": 500})
descendant_iris = [t["iri"] for t in descendants["_embedded"]["terms"]]
assert set(t["iri"] for t in children) <= set(descendant_iris)
grandchildren = client.get_json(term["_links"]["hierarchicalChildren"]["href"])["_embedded"]["terms"]
assert grandchildren and all(g["iri"] in descendant_iris for g in grandchildren)
assert len(descendant_iris) > len(children), (len(descendant_iris), len(children))
ok(f"small angle scattering: {len(children)} children, {len(descendant_iris)} descendants")

# The tree the OLS web page draws.
tree = client.get_json(term["_links"]["jstree"]["href"])
assert any(n["iri"] == SAXS and n["state"].get("selected") for n in tree)
assert any(n["parent"] == "#" for n in tree)
ok(f"jstree: {len(tree)} nodes")

# EDAM and NeXus.
data = client.get_term("edam", EDAM_DATA)["_embedded"]["terms"][0]
assert data["label"] == "Data" and data["ontology_name"] == "edam", data
edam_hits = client.search("sequence alignment", params={"ontology": "edam"})
assert edam_hits and all(d["ontology_name"] == "edam" for d in edam_hits)
assert any(d["label"].lower() == "sequence alignment" for d in edam_hits), labels(edam_hits)
ok(f"EDAM: Data by IRI; 'sequence alignment' finds {edam_hits[0]['label']!r} first")
nexus_hits = client.search("NXmonochromator", params={"ontology": "nexus"})
assert nexus_hits, "no NeXus hit"
nx = nexus_hits[0]
assert nx["iri"].startswith(NEXUS) and "NXmonochromator" in nx["iri"], nx
nx_term = client.get_term("nexus", nx["iri"])["_embedded"]["terms"][0]
assert nx_term["iri"] == nx["iri"] and nx_term["label"] == nx["label"]
nx_ancestors = list(client.iter_ancestors("nexus", nx["iri"]))
assert nx_ancestors, "NXmonochromator has no ancestors"
ok(f"NeXus: {nx['label']!r} by search and IRI, {len(nx_ancestors)} ancestors")

# Roots (what tree widgets start from) and properties, apart from terms.
edam_roots = [t["label"] for t in client.get_paged("/ontologies/edam/terms/roots", key="terms")]
assert edam_roots == ["Data", "Format", "Operation", "Topic"], edam_roots
has_input = client.get_json("/properties", params={"iri": "http://edamontology.org/has_input"})
assert [p["label"] for p in has_input["_embedded"]["properties"]] == ["has input"], has_input
edam = client.get_ontology("edam")
assert edam["numberOfProperties"] == len(list(client.get_paged("/ontologies/edam/properties", key="properties")))
ok(f"EDAM roots {edam_roots}; {edam['numberOfProperties']} properties apart from {edam['numberOfTerms']} terms")

# The ontologies, all at once and a page of one at a time.
everything = list(client.get_ontologies())
ids = [o["ontologyId"] for o in everything]
assert {"panet", "edam", "nexus"} <= set(ids), ids
page = client.get_json("/ontologies", params={"size": 1})
visited = []
while True:
    assert len(page["_embedded"]["ontologies"]) == 1
    visited.append(page["_embedded"]["ontologies"][0]["ontologyId"])
    if "next" not in page["_links"]:
        break
    page = client.get_json(page["_links"]["next"]["href"])
assert visited == ids and page["page"]["totalElements"] == len(ids), (visited, ids)
assert client.get_ontology("panet")["config"]["title"] == "The Photon and Neutron Experimental Techniques Ontology"
assert client.get_description("panet"), "PaNET has no description"
# EDAM's header has a title and no description: the client reads null.
assert client.get_ontology("edam")["config"]["title"].startswith("Bioinformatics operations")
assert client.get_description("edam") is None
ok(f"ontologies: {len(ids)} listed, the same {len(visited)} visited a page of one at a time")

# Missing things are 404s with OLS's error body; bad input is a 400.
for path in ("/ontologies/no-such-ontology", "/ontologies/panet/terms?iri=http://example.org/none"):
    r = client.get_response(path, raise_for_status=False)
    body = r.json()
    assert r.status_code == 404 and body["status"] == 404 and body["message"], (path, r.text)
try:
    client.get_term("panet", "http://example.org/none")
    raise AssertionError("a missing term did not raise")
except requests.HTTPError as e:
    assert e.response.status_code == 404
r = client.get_response("/ontologies/panet/terms/not%2520an%2520iri", raise_for_status=False)
assert r.status_code == 400 and r.json()["status"] == 400, r.text
# requests repairs a malformed escape before sending it: send it raw.
import http.client
import json
import urllib.parse

url = urllib.parse.urlsplit(BASE)
for path in ("/search?q=%zz", "/ontologies/panet/terms/http%25zz", "/suggest?q=%E0%A4"):
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    connection.request("GET", url.path + path)
    response = connection.getresponse()
    body = json.loads(response.read())
    assert response.status == 400 and body["status"] == 400 and body["path"], (path, body)
ok("404s and 400s with OLS's error body")

print("ols-client: all checks passed")
