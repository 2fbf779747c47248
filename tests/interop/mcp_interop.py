"""The official Model Context Protocol SDK from PyPI (`mcp`), unmodified,
against eoskb: its streamable-HTTP client on a running server's `/mcp`, and
its stdio client launching `eoskb mcp` on the same data directory.

Usage: python tests/interop/mcp_interop.py http://HOST:PORT/mcp EOSKB DATA_DIR

Each client lists the tools and calls every one on the bundled content and
PaNET, checking real answers (the article a question is answered from, the
label of a PaNET term, ...), a bad argument as a tool error, and the articles
as resources; the script exits non-zero at the first failure.
"""

import asyncio
import sys

from mcp import Client, StdioServerParameters

URL, EOSKB, DATA = sys.argv[1], sys.argv[2], sys.argv[3]
SAXS = "http://purl.org/pan-science/PaNET/PaNET01188"
TOOLS = {"search", "ask", "search_terms", "lookup_term", "sparql", "read_article"}


def ok(how, what):
    print(f"ok: mcp ({how})", what)


def text(result):
    return "".join(block.text for block in result.content if getattr(block, "text", None))


async def check(client, how):
    tools = (await client.list_tools()).tools
    assert {t.name for t in tools} == TOOLS, [t.name for t in tools]
    search = next(t for t in tools if t.name == "search")
    assert search.input_schema["properties"]["limit"]["maximum"] == 50, search.input_schema
    ok(how, f"lists {len(tools)} tools")

    result = await client.call_tool("search", {"query": "data management plan", "limit": 5})
    assert not result.is_error, text(result)
    hits = result.structured_content["hits"]
    assert hits and all(h["url"].startswith("http") for h in hits), hits
    assert hits[0]["title"] in text(result)
    ok(how, f"search: {[h['id'] for h in hits]}")

    result = await client.call_tool("ask", {"question": "How can I obtain a DOI for data collected during my beamtime?"})
    answer = result.structured_content
    assert answer["answered"] is True, text(result)
    citation = answer["answer"][0]["citation"]
    assert citation["id"] == "doi-for-beamtime-data", citation
    assert "/docs/doi-for-beamtime-data#" in citation["url"], citation
    quoted = answer["answer"][0]["text"]
    article = await client.call_tool("read_article", {"id": citation["id"]})
    assert not article.is_error
    assert " ".join(quoted.split()) in " ".join(text(article).split()), quoted
    ok(how, f"ask: answered from {citation['id']}, the quote is in the article (read_article)")

    result = await client.call_tool("ask", {"question": "what is the boiling point of tungsten"})
    assert result.structured_content["answered"] is False, text(result)
    assert result.structured_content["sources"], result.structured_content
    assert text(result).startswith("No answer"), text(result)
    ok(how, "ask: refuses an off-topic question, with the nearest pages")

    result = await client.call_tool("search_terms", {"query": "SAXS", "ontology": "panet"})
    hit = result.structured_content["hits"][0]
    assert hit["iri"] == SAXS and hit["label"] == "small angle x-ray scattering", hit
    ok(how, "search_terms: SAXS is PaNET01188")

    result = await client.call_tool("lookup_term", {"curie": "PaNET:PaNET01188"})
    term = result.structured_content
    assert term["label"] == "small angle x-ray scattering", term
    assert term["children"]["total"] > 0 and term["articles"], term
    ok(how, f"lookup_term: {term['children']['total']} children, {len(term['articles'])} articles")

    query = f"SELECT ?label WHERE {{ <{SAXS}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
    result = await client.call_tool("sparql", {"query": query})
    assert not result.is_error, text(result)
    bindings = result.structured_content["results"]["results"]["bindings"]
    assert bindings[0]["label"]["value"] == "small angle x-ray scattering", bindings
    ok(how, "sparql: the label from the graph")

    result = await client.call_tool("search", {"query": "x", "limit": 500})
    assert result.is_error and "`limit` is 500" in text(result), text(result)
    result = await client.call_tool("sparql", {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"})
    assert result.is_error and "read-only" in text(result), text(result)
    ok(how, "bad arguments are tool errors")

    uris = []
    cursor = None
    while True:
        page = await client.list_resources(cursor=cursor)
        uris += [str(r.uri) for r in page.resources]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(uris) == len(set(uris)) and len(uris) >= 50, len(uris)
    uri = next(u for u in uris if u.endswith("/article/doi-for-beamtime-data"))
    contents = (await client.read_resource(uri)).contents[0]
    assert contents.mime_type == "text/markdown" and contents.text.startswith("# "), contents
    assert " ".join(quoted.split()) in " ".join(contents.text.split())
    ok(how, f"{len(uris)} articles as resources, one read")


async def main():
    for mode in ("auto", "legacy"):
        async with Client(URL, mode=mode) as client:
            await check(client, f"streamable HTTP, {mode}")
    stdio = StdioServerParameters(command=EOSKB, args=["--data", DATA, "mcp"])
    async with Client(stdio) as client:
        await check(client, "stdio, eoskb mcp")


asyncio.run(main())
print("mcp interop: all checks passed")
