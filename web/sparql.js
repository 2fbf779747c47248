// The SPARQL page: runs the editor's query against /sparql (the same endpoint
// any client uses) and shows the answer: a table for SELECT, true/false for
// ASK, Turtle for CONSTRUCT and DESCRIBE, the parser's line and column for a
// syntax error. IRIs of articles link to their pages, IRIs of ontology terms to
// the term pages.
const $ = (id) => document.getElementById(id);
const data = JSON.parse($("sparql-data").textContent);
const editor = $("query");
const gutter = $("gutter");
const MAX_SHOWN_ROWS = 1000;
const XSD = "http://www.w3.org/2001/XMLSchema#";
const ARTICLE = data.base + "article/";
// Longest namespace first, so that a CURIE uses the most specific prefix.
const PREFIXES = Object.entries(data.prefixes).sort((a, b) => b[1].length - a[1].length);
const FORMATS = {
  solutions: [["JSON", "json", "results.srj"], ["XML", "xml", "results.srx"], ["CSV", "csv", "results.csv"], ["TSV", "tsv", "results.tsv"]],
  graph: [["Turtle", "turtle", "results.ttl"], ["N-Triples", "ntriples", "results.nt"], ["RDF/XML", "rdfxml", "results.rdf"], ["JSON-LD", "jsonld", "results.jsonld"]],
};

function esc(s) { return String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c])); }

function curie(iri) {
  for (const [prefix, ns] of PREFIXES) {
    if (iri.startsWith(ns) && iri.length > ns.length && /^[\w.-]+$/.test(iri.slice(ns.length))) return prefix + ":" + iri.slice(ns.length);
  }
  return null;
}

// Where an IRI leads: its article page, its term page, or itself on the web.
function href(iri) {
  if (iri.startsWith(ARTICLE) && iri.length > ARTICLE.length) return "/docs/" + iri.slice(ARTICLE.length);
  if (data.termNamespaces.some(ns => iri.startsWith(ns) && iri.length > ns.length)) return "/terms/" + encodeURIComponent(iri);
  return /^https?:\/\//.test(iri) ? iri : null;
}

function cell(term) {
  if (!term) return "";
  if (term.type === "uri") {
    const shown = curie(term.value) || term.value;
    const target = href(term.value);
    const kind = target && target.startsWith("/docs/") ? "article" : target && target.startsWith("/terms/") ? "term" : "iri";
    return target ? `<a class="${kind}" href="${esc(target)}" title="${esc(term.value)}">${esc(shown)}</a>` : esc(shown);
  }
  if (term.type === "bnode") return `<span class="muted">_:${esc(term.value)}</span>`;
  if (term.type === "triple") return `<span class="muted">&lt;&lt; ${cell(term.value.subject)} ${cell(term.value.predicate)} ${cell(term.value.object)} &gt;&gt;</span>`;
  let note = "";
  if (term["xml:lang"]) note = `<span class="muted">@${esc(term["xml:lang"])}</span>`;
  else if (term.datatype && term.datatype !== XSD + "string") note = `<span class="muted">^^${esc(curie(term.datatype) || term.datatype)}</span>`;
  return esc(term.value) + (note ? " " + note : "");
}

function renderGutter() {
  const lines = editor.value.split("\n").length;
  gutter.textContent = Array.from({length: lines}, (_, i) => i + 1).join("\n") + "\n";
  gutter.scrollTop = editor.scrollTop;
}

function downloadLinks(graph) {
  const encoded = new URLSearchParams({query: editor.value}).toString();
  const links = FORMATS[graph ? "graph" : "solutions"].map(([label, format, file]) =>
    encoded.length <= data.maxLinkQuery
      ? `<a href="/sparql?${esc(encoded)}&amp;format=${format}" download="${file}">${label}</a>`
      : `<button type="button" class="link" data-format="${format}" data-file="${file}">${label}</button>`);
  $("downloads").innerHTML = "Download the results: " + links.join(" ");
  $("downloads").hidden = false;
  $("downloads").querySelectorAll("button[data-format]").forEach(b => b.addEventListener("click", () => postDownload(b.dataset.format, b.dataset.file)));
}

// A query too long for a URL is downloaded with a POST.
async function postDownload(format, file) {
  const res = await fetch("/sparql", {method: "POST", body: new URLSearchParams({query: editor.value, format})}).catch(() => null);
  if (!res || !res.ok) { $("status").textContent = "The download failed."; return; }
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement("a"), {href: url, download: file});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function clearResults() {
  $("results").innerHTML = "";
  $("sparql-error").innerHTML = "";
  $("status").textContent = "";
}

// Puts the caret where the parser stopped (line and column count characters).
function showPosition(line, column) {
  const lines = editor.value.split("\n");
  const before = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  const lineText = lines[line - 1] ?? "";
  const at = before + Array.from(lineText).slice(0, column - 1).join("").length;
  editor.focus();
  editor.setSelectionRange(at, Math.min(at + 1, editor.value.length));
  const excerpt = `<pre class="excerpt">${esc(line + " | " + lineText)}\n${" ".repeat(String(line).length + 3 + column - 1)}^</pre>`;
  return excerpt;
}

function showError(status, body) {
  const message = body && body.message ? body.message : `The endpoint answered ${status}.`;
  let where = "";
  let excerpt = "";
  if (body && body.line && body.column) {
    where = `<p>Line ${body.line}, column ${body.column}.</p>`;
    excerpt = showPosition(body.line, body.column);
  }
  $("sparql-error").innerHTML = `<div class="sparql-error" role="alert"><p class="error">${esc(message)}</p>${where}${excerpt}</div>`;
}

function showSolutions(body, took) {
  if ("boolean" in body) {
    $("status").textContent = `ASK answered in ${took} ms.`;
    $("results").innerHTML = `<p class="ask-answer">${body.boolean ? "true" : "false"}</p>`;
    return;
  }
  const vars = body.head.vars || [];
  const rows = body.results.bindings;
  const shown = rows.slice(0, MAX_SHOWN_ROWS);
  $("status").textContent = `${rows.length} ${rows.length === 1 ? "row" : "rows"} in ${took} ms` +
    (rows.length > shown.length ? `; the first ${shown.length} are shown, the downloads have all.` : ".");
  const head = vars.map(v => `<th scope="col">?${esc(v)}</th>`).join("");
  const lines = shown.map(row => "<tr>" + vars.map(v => `<td>${cell(row[v])}</td>`).join("") + "</tr>").join("");
  $("results").innerHTML = `<div class="table-wrap" tabindex="0" role="region" aria-label="Results">
    <table class="sparql-results"><thead><tr>${head}</tr></thead><tbody>${lines}</tbody></table></div>`;
}

function showGraph(text, took) {
  const triples = text.split("\n").filter(l => /[.;,]\s*$/.test(l) && !l.startsWith("@prefix")).length;
  $("status").textContent = `About ${triples} ${triples === 1 ? "statement" : "statements"} of Turtle in ${took} ms.`;
  $("results").innerHTML = `<pre class="turtle" tabindex="0" role="region" aria-label="Results as Turtle">${esc(text)}</pre>`;
}

let running = null;
async function run() {
  if (running) running.abort();
  const controller = new AbortController();
  running = controller;
  clearResults();
  // The links would download another query's results until this one answers.
  $("downloads").hidden = true;
  $("status").textContent = "Running…";
  const started = performance.now();
  let res;
  try {
    res = await fetch("/sparql", {
      method: "POST",
      headers: {"Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: new URLSearchParams({query: editor.value}),
      signal: controller.signal,
    });
  } catch (e) {
    if (controller.signal.aborted) return;
    $("status").textContent = "";
    showError(0, {message: "The server could not be reached."});
    return;
  }
  const took = Math.round(performance.now() - started);
  const type = res.headers.get("content-type") || "";
  if (!res.ok) {
    $("status").textContent = "";
    showError(res.status, await res.json().catch(() => null));
  } else if (type.includes("sparql-results+json")) {
    showSolutions(await res.json(), took);
    downloadLinks(false);
  } else {
    showGraph(await res.text(), took);
    downloadLinks(true);
  }
  if (running === controller) running = null;
}

function loadExample(id) {
  const example = data.examples.find(e => e.id === id);
  if (!example) return;
  editor.value = example.query;
  $("example-description").textContent = example.description;
  renderGutter();
  clearResults();
  downloadLinks(example.graph);
  history.replaceState(null, "", "/sparql?example=" + encodeURIComponent(id));
}

// Declares every known prefix the query does not declare yet.
function addPrefixes() {
  const declared = new Set([...editor.value.matchAll(/PREFIX\s+([\w.-]*):/gi)].map(m => m[1]));
  const lines = Object.entries(data.prefixes).filter(([p]) => !declared.has(p)).map(([p, ns]) => `PREFIX ${p}: <${ns}>`);
  if (lines.length) editor.value = lines.join("\n") + "\n" + editor.value;
  renderGutter();
}

$("load-example").hidden = true;
$("example").addEventListener("change", e => loadExample(e.target.value));
$("sparql-form").addEventListener("submit", e => { e.preventDefault(); run(); });
editor.addEventListener("keydown", e => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
});
editor.addEventListener("input", renderGutter);
editor.addEventListener("scroll", () => { gutter.scrollTop = editor.scrollTop; });
$("add-prefixes").hidden = false;
$("add-prefixes").addEventListener("click", addPrefixes);
renderGutter();
