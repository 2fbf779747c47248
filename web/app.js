// The search page: reads the query, filters and page from the URL (so every
// state is a link), asks /api/search, and for questions /api/ask.
const FACET_PARAMS = {kind: "kind", audience: "audience", fair: "fair", tags: "tag", projects: "project", terms: "term", communities: "community", year: "year", license: "license"};
const FACET_NAMES = {kind: "Kind", audience: "Audience", fair: "FAIR principle", tags: "Tag", projects: "Project", terms: "Term", communities: "Community", year: "Year", license: "Licence"};
const PAGE_SIZE = 10;
// The API's cap on offsets: pages beyond it are not offered.
const MAX_OFFSET = 10000;
const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
$("q").value = params.get("q") || "";
$("mode").value = params.get("mode") || "";

function esc(s) { return String(s ?? "").replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c])); }

// The page asked for (1-based), from `page=` in the URL.
function currentPage() {
  const n = parseInt(params.get("page") || "1", 10);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

// A link to this search with other parameters changed (`null` removes one).
function linkWith(changes) {
  const p = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) { if (v === null) p.delete(k); else p.set(k, v); }
  return "?" + p.toString();
}

// Where a term is described: its CURIE when it has one, else its IRI, encoded.
function termUrl(curieOrIri) { return "/terms/" + encodeURIComponent(curieOrIri); }

// Sends whether a result (`id`) or the answer (no `id`) helped; curators see the
// questions whose results did not (the gaps report).
function feedbackButtons(box, q) {
  box.querySelectorAll("button").forEach(button => button.addEventListener("click", async () => {
    const body = {query: q, helpful: button.dataset.helpful === "true"};
    if (box.dataset.id) body.id = box.dataset.id;
    const sent = await fetch("/api/feedback", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(body),
    }).catch(() => null);
    box.textContent = sent && sent.ok ? "Thank you." : "Feedback could not be sent.";
  }));
}

// A quoted answer above the results, only for questions and only when the
// knowledge base has one: every passage is verbatim from the cited section.
async function answer(q) {
  const res = await fetch("/api/ask?" + new URLSearchParams({q}).toString()).catch(() => null);
  if (!res || !res.ok) return;
  const body = await res.json();
  if (!body.answered) return;
  $("answer").innerHTML = `<section class="answer" aria-label="Answer">
    ${body.answer.map(p => `<blockquote><p>${esc(p.text)}</p>
      <cite><a href="${esc(p.citation.url)}">${esc(p.citation.title)}</a>${p.citation.section ? " · § " + esc(p.citation.section) : ""}</cite></blockquote>`).join("")}
    <div class="feedback">Did this answer your question? <button type="button" data-helpful="true">yes</button> <button type="button" data-helpful="false">no</button></div>
  </section>`;
  feedbackButtons($("answer").querySelector(".feedback"), q);
}

// For a query that is a term's name (`SAXS`): the term itself, before the
// articles about it.
async function termCard(term) {
  const res = await fetch("/api/terms/lookup?" + new URLSearchParams({iri: term.iri}).toString()).catch(() => null);
  const details = res && res.ok ? await res.json() : null;
  const t = details || {};
  const definition = ((t.definitions || [])[0] || {}).value;
  const synonyms = (t.synonyms || []).map(s => s.value).slice(0, 6);
  $("answer").innerHTML = `<section class="answer term-card" aria-label="Term">
    <h2><a href="${esc(termUrl(term.curie || term.iri))}">${esc(term.label)}</a> <span class="curie">${esc(term.curie || term.iri)}</span></h2>
    ${definition ? `<p>${esc(definition)}</p>` : ""}
    ${synonyms.length ? `<p class="meta">Also: ${synonyms.map(esc).join(", ")}</p>` : ""}
    <p class="meta">${term.articles} article${term.articles === 1 ? "" : "s"} use this term or a narrower one · <a href="${esc(termUrl(term.curie || term.iri))}">term page</a></p>
  </section>`;
}

function facetsHtml(body) {
  const labels = body.facet_labels || {};
  return Object.entries(body.facets).filter(([, v]) => Object.keys(v).length).map(([name, values]) => {
    const param = FACET_PARAMS[name];
    const chosen = params.getAll(param);
    const items = Object.entries(values).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([value, count]) => {
      const label = (labels[name] || {})[value];
      // FAIR principles read best as "F1 · (Meta)data have persistent identifiers".
      const text = label ? (name === "fair" ? `${value} · ${label}` : label) : value;
      const link = name === "terms" ? ` <a class="term-link" href="${esc(termUrl(value))}" title="About ${esc(text)}" aria-label="About ${esc(text)}">↗</a>` : "";
      return `<label title="${esc(label ? `${text} (${value})` : value)}"><input type="checkbox" data-param="${esc(param)}" value="${esc(value)}" ${chosen.includes(value) ? "checked" : ""}> <span class="value">${esc(text)}</span>${link} <span class="count">${count}</span></label>`;
    }).join("");
    return `<h2>${esc(FACET_NAMES[name] || name)}</h2>${items}`;
  }).join("");
}

function hitsHtml(body) {
  return body.hits.map(h => `
    <article class="hit">
      <h2><a href="${esc(h.url)}${h.section.anchor ? "#" + esc(h.section.anchor) : ""}">${esc(h.title)}</a></h2>
      <div class="meta">${esc(h.kind || "")}${h.doi ? ` · <a href="https://doi.org/${esc(h.doi)}">doi:${esc(h.doi)}</a>` : ""}${h.issued ? " · " + esc(h.issued) : ""} · ${esc(h.source)}/${esc(h.path)}${h.section.anchor ? " · § " + esc(h.section.heading) : ""}${h.matched_term ? ` · <a class="term" href="${esc(termUrl(h.matched_term.curie || h.matched_term.iri))}">about ${esc(h.matched_term.label)}</a>` : ""}</div>
      <p>${h.snippet}</p>
      <div class="feedback" data-id="${esc(h.id)}">Helpful? <button type="button" data-helpful="true">yes</button> <button type="button" data-helpful="false">no</button></div>
    </article>`).join("");
}

// Previous, a window of page numbers, next: plain links, so each page is bookmarkable.
function pagerHtml(total, page) {
  const pages = Math.min(Math.ceil(total / PAGE_SIZE), Math.floor(MAX_OFFSET / PAGE_SIZE) + 1);
  if (pages <= 1) return "";
  const link = (n, text, rel) => `<a href="${esc(linkWith({page: n === 1 ? null : String(n)}))}"${rel ? ` rel="${rel}"` : ""}${n === page ? ' aria-current="page"' : ""}>${text}</a>`;
  const first = Math.max(1, Math.min(page - 2, pages - 4));
  const numbers = [];
  for (let n = first; n <= Math.min(pages, first + 4); n++) numbers.push(link(n, String(n)));
  return `<nav class="pager" aria-label="Pages">
    ${page > 1 ? link(page - 1, "← Previous", "prev") : ""}
    ${numbers.join("")}
    ${page < pages ? link(page + 1, "Next →", "next") : ""}
  </nav>`;
}

async function fetchSearch(apiParams) {
  const res = await fetch("/api/search?" + apiParams.toString());
  return [res, await res.json()];
}

async function run() {
  const q = params.get("q");
  if (!q) { $("status").textContent = "Type a question or a few keywords."; return; }
  const page = currentPage();
  const apiParams = new URLSearchParams(params);
  apiParams.delete("page");
  apiParams.set("limit", String(PAGE_SIZE));
  if (page > 1) apiParams.set("offset", String(Math.min((page - 1) * PAGE_SIZE, MAX_OFFSET)));
  const [res, body] = await fetchSearch(apiParams);
  // Without the embedding model the server searches by keywords unless a mode
  // was chosen, and questions get no answer.
  const keywordsOnly = !params.get("mode") && body.mode === "keyword";
  const notice = keywordsOnly ? " · keyword search only: the embedding model is not loaded" : "";
  if (keywordsOnly) {
    // The default choice is what ran; the modes that need the model are off.
    const select = $("mode");
    select.options[0].textContent = "keyword";
    [...select.options].slice(1).forEach(o => { o.disabled = o.value !== "keyword"; });
  }
  if (!res.ok) { $("status").innerHTML = '<span class="error">' + esc(body.message) + "</span>"; return; }
  // A term the whole query names gets its card; a question may get an answer.
  const named = (body.terms || []).find(t => t.matched && t.matched.toLowerCase() === q.trim().toLowerCase());
  if (page === 1) {
    if (body.question && body.mode !== "keyword") answer(q).catch(() => {});
    else if (named) termCard(named).catch(() => {});
  }
  // Terms the query names: their articles (and those of narrower terms) rank higher.
  const terms = (body.terms || []).filter(t => t.articles > 0).map(t => {
    const prefix = t.curie && t.curie.includes(":") ? t.curie.split(":")[0] + ": " : "";
    return `<a class="term" href="${esc(termUrl(t.curie || t.iri))}" title="${esc(t.iri)}">${esc(prefix + t.label)}</a>`;
  });
  const from = body.total ? (page - 1) * PAGE_SIZE + 1 : 0;
  const range = body.total > PAGE_SIZE ? `${from}–${from + body.hits.length - 1} of ` : "";
  $("status").innerHTML = esc(`${range}${body.total} article${body.total === 1 ? "" : "s"} · ${body.mode} · ${body.took_ms} ms${notice}`) +
    (terms.length ? ` · also searching for ${terms.join(", ")}` : "");
  $("hits").innerHTML = (hitsHtml(body) || "<p>Nothing found. Try fewer or other words.</p>") + pagerHtml(body.total, page);
  // When the first results showed, for the browser tests' timings.
  performance.mark("results-shown");
  document.querySelectorAll("#hits .feedback").forEach(box => feedbackButtons(box, q));
  $("facets").innerHTML = facetsHtml(body);
  document.querySelectorAll("#facets input").forEach(box => box.addEventListener("change", () => {
    const p = new URLSearchParams(location.search);
    const values = p.getAll(box.dataset.param).filter(v => v !== box.value);
    p.delete(box.dataset.param);
    values.forEach(v => p.append(box.dataset.param, v));
    if (box.checked) p.append(box.dataset.param, box.value);
    p.delete("page");
    location.search = p.toString();
  }));
}

// Keyboard: "/" goes to the search box; ↓/↑ (or j/k) move between results;
// Escape goes back to the box.
document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
  if (e.key === "/" && !typing) { e.preventDefault(); $("q").focus(); $("q").select(); return; }
  if (e.key === "Escape") { $("q").focus(); return; }
  const links = [...document.querySelectorAll("#hits article.hit h2 a")];
  if (!links.length || (typing && document.activeElement !== $("q"))) return;
  const at = links.indexOf(document.activeElement);
  const down = e.key === "ArrowDown" || (e.key === "j" && !typing);
  const up = e.key === "ArrowUp" || (e.key === "k" && !typing);
  if (down) { e.preventDefault(); links[Math.min(at + 1, links.length - 1)].focus(); }
  else if (up && at >= 0) { e.preventDefault(); if (at === 0) $("q").focus(); else links[at - 1].focus(); }
});

$("search-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const p = new URLSearchParams();
  p.set("q", $("q").value);
  if ($("mode").value) p.set("mode", $("mode").value);
  location.search = p.toString();
});
run().catch(err => { $("status").innerHTML = '<span class="error">' + esc(err) + "</span>"; });
