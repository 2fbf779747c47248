const FACET_PARAMS = {kind: "kind", audience: "audience", fair: "fair", tags: "tag", projects: "project", terms: "term", communities: "community", year: "year", license: "license"};
const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
$("q").value = params.get("q") || "";
$("mode").value = params.get("mode") || "";

function esc(s) { return String(s ?? "").replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c])); }

// Sends whether a result (`id`) or the answer (no `id`) helped; curators see the
// questions whose results did not (eoskb gaps).
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

// A quoted answer above the results, only when the knowledge base has one: every
// passage is verbatim from the cited section. No answer shows nothing, since the
// results below are already the nearest pages.
async function answer(q) {
  if (params.get("offset") || params.get("mode") === "keyword") return;
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

async function run() {
  const q = params.get("q");
  if (!q) { $("status").textContent = "Type a question or a few keywords."; return; }
  answer(q).catch(() => {});
  let res = await fetch("/api/search?" + params.toString());
  let body = await res.json();
  let notice = "";
  if (body.error === "semantic_unavailable" && !params.get("mode")) {
    // Without the embedding model the default (hybrid) cannot run: fall back to keywords.
    notice = " · keyword search only: " + body.message;
    params.set("mode", "keyword");
    res = await fetch("/api/search?" + params.toString());
    body = await res.json();
    params.delete("mode");
  }
  if (!res.ok) { $("status").innerHTML = '<span class="error">' + esc(body.message) + "</span>"; return; }
  // Terms the query names: their articles (and those of narrower terms) rank higher.
  const terms = (body.terms || []).filter(t => t.articles > 0).map(t => {
    const prefix = t.curie && t.curie.includes(":") ? t.curie.split(":")[0] + ": " : "";
    return `<span class="term" title="${esc(t.iri)}">${esc(prefix + t.label)}</span>`;
  });
  $("status").innerHTML = esc(`${body.total} article${body.total === 1 ? "" : "s"} · ${body.mode} · ${body.took_ms} ms${notice}`) +
    (terms.length ? ` · also searching for ${terms.join(", ")}` : "");
  $("hits").innerHTML = body.hits.map(h => `
    <article class="hit">
      <h2><a href="${esc(h.url)}${h.section.anchor ? "#" + esc(h.section.anchor) : ""}">${esc(h.title)}</a></h2>
      <div class="meta">${esc(h.kind || "")}${h.doi ? ` · <a href="https://doi.org/${esc(h.doi)}">doi:${esc(h.doi)}</a>` : ""}${h.issued ? " · " + esc(h.issued) : ""} · ${esc(h.source)}/${esc(h.path)}${h.section.anchor ? " · § " + esc(h.section.heading) : ""}${h.matched_term ? ` · <span class="term" title="${esc(h.matched_term.iri)}">about ${esc(h.matched_term.label)}</span>` : ""}</div>
      <p>${h.snippet}</p>
      <div class="feedback" data-id="${esc(h.id)}">Helpful? <button type="button" data-helpful="true">yes</button> <button type="button" data-helpful="false">no</button></div>
    </article>`).join("") || "<p>Nothing found. Try fewer or other words.</p>";
  document.querySelectorAll("#hits .feedback").forEach(box => feedbackButtons(box, q));
  $("facets").innerHTML = Object.entries(body.facets).filter(([, v]) => Object.keys(v).length).map(([name, values]) => {
    const param = FACET_PARAMS[name];
    const chosen = params.getAll(param);
    const items = Object.entries(values).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([value, count]) =>
      `<label><input type="checkbox" data-param="${esc(param)}" value="${esc(value)}" ${chosen.includes(value) ? "checked" : ""}> ${esc(value)} <span class="count">${count}</span></label>`).join("");
    return `<h3>${esc(name)}</h3>${items}`;
  }).join("");
  document.querySelectorAll("#facets input").forEach(box => box.addEventListener("change", () => {
    const p = new URLSearchParams(location.search);
    const values = p.getAll(box.dataset.param).filter(v => v !== box.value);
    p.delete(box.dataset.param);
    values.forEach(v => p.append(box.dataset.param, v));
    if (box.checked) p.append(box.dataset.param, box.value);
    p.delete("offset");
    location.search = p.toString();
  }));
}
$("search-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const p = new URLSearchParams();
  p.set("q", $("q").value);
  if ($("mode").value) p.set("mode", $("mode").value);
  location.search = p.toString();
});
run().catch(err => { $("status").innerHTML = '<span class="error">' + esc(err) + "</span>"; });
