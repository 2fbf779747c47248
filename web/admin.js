// The curators' page: signs in with the admin token (kept in sessionStorage for
// this browser session, sent as a bearer token, never put in a URL) and shows
// the reports of /api/admin/: gaps, negative feedback, the content check and
// what is indexed. A wrong token shows a message and no data.
const $ = (id) => document.getElementById(id);
const KEY = "eoskb-admin-token";

function esc(s) { return String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c])); }
const when = (t) => t ? esc(String(t).replace("T", " ").replace(/(:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/, "$1 UTC")) : "";
const plural = (n, one, many) => `${n} ${n === 1 ? one : many || one + "s"}`;
const table = (label, head, rows) => `<div class="table-wrap" tabindex="0" role="region" aria-label="${esc(label)}">
  <table><thead><tr>${head.map(h => `<th scope="col">${h}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;

async function api(path, token) {
  const res = await fetch(path, {headers: {"Authorization": "Bearer " + token}}).catch(() => null);
  if (!res) return {status: 0, body: {message: "The server could not be reached."}};
  return {status: res.status, body: await res.json().catch(() => null)};
}

function failed(box, reply) {
  box.innerHTML = `<p class="error">${esc(reply.body && reply.body.message ? reply.body.message : "The report failed (" + reply.status + ").")}</p>`;
}

function renderGaps(report) {
  const summary = `<p>Since ${when(report.since)}: ${plural(report.searches, "search", "searches")}, ${plural(report.asks, "question")} asked, ` +
    `${report.unanswered} answered badly in ${plural(report.gap_groups, "group")}` +
    ` (grouped by ${report.grouping === "embedding" ? "meaning" : "identical text"}).</p>` +
    (report.note ? `<p class="muted">${esc(report.note)}</p>` : "");
  if (!report.gaps.length) {
    $("gaps-body").innerHTML = summary + "<p>No gaps: every question found something.</p>";
  } else {
    const rows = report.gaps.map(g => {
      const reasons = [["not answered", g.reasons.unanswered], ["no results", g.reasons.no_hits], ["low score", g.reasons.low_score]]
        .filter(([, n]) => n).map(([label, n]) => `${label}: ${n}`).join(", ");
      const variants = g.variants.map(v => `<li>${esc(v.query)} <span class="muted">×${v.count}</span></li>`).join("");
      return `<tr><td><a href="/?q=${encodeURIComponent(g.question)}">${esc(g.question)}</a></td><td class="num">${g.count}</td>` +
        `<td>${esc(reasons)}</td><td>${when(g.last_seen)}</td><td><ul class="variants">${variants}</ul></td></tr>`;
    });
    $("gaps-body").innerHTML = summary + table("Gaps", ["Question", "Count", "Why", "Last asked", "Phrasings"], rows);
  }
  if (!report.negative_feedback.length) {
    $("feedback-body").innerHTML = "<p>No result was marked unhelpful in this period.</p>";
    return;
  }
  const rows = report.negative_feedback.map(f => {
    const results = f.results.filter(r => r.negative).map(r => (r.id
      ? `<li><a href="/docs/${esc(r.id.split("/").map(encodeURIComponent).join("/"))}">${esc(r.id)}</a>`
      : "<li>the answer") + ` <span class="muted">−${r.negative} +${r.positive}</span></li>`).join("");
    return `<tr><td><a href="/?q=${encodeURIComponent(f.question)}">${esc(f.question)}</a></td>` +
      `<td class="num">${f.negative}</td><td class="num">${f.positive}</td><td><ul class="variants">${results}</ul></td><td>${when(f.last_seen)}</td></tr>`;
  });
  $("feedback-body").innerHTML = table("Negative feedback", ["Question", "Not helpful", "Helpful", "Results disliked", "Last"], rows);
}

function renderCheck(report) {
  const missing = report.missing_roots.length
    ? `<p class="error">Not found from where the server runs: ${report.missing_roots.map(r => `<code>${esc(r)}</code>`).join(", ")}; their files are not checked.</p>` : "";
  const rules = Object.entries(report.rules).map(([rule, n]) => `<span class="chip">${esc(rule)} ${n}</span>`).join(" ");
  const summary = `<p>${plural(report.files, "file")} of ${report.roots.map(r => `<code>${esc(r)}</code>`).join(", ")} checked at ${when(report.checked_at)}` +
    ` (${report.took_ms} ms): ${plural(report.errors, "error")}, ${plural(report.warnings, "warning")}.</p>${missing}<p>${rules}</p>`;
  if (!report.findings.length) { $("check-body").innerHTML = summary + "<p>No findings: the served content passes every rule.</p>"; return; }
  const rows = report.findings.map(f => `<tr><td><code>${esc(f.path)}:${f.line}${f.column ? ":" + f.column : ""}</code></td>` +
    `<td class="${f.severity === "error" ? "error" : ""}">${esc(f.severity)}</td><td>${esc(f.rule)}</td><td>${esc(f.message)}</td></tr>`);
  const more = report.more ? `<p class="muted">${report.more} more; run <code>eoskb check</code> for all.</p>` : "";
  $("check-body").innerHTML = summary + table("Check findings", ["Where", "Severity", "Rule", "Finding"], rows) + more;
}

function renderIndex(s) {
  const facts = `<p>Serving <code>${esc(s.generation)}</code>, written ${when(s.indexed_at)}: ${plural(s.articles, "item")}, ` +
    `${plural(s.sections, "section")}, ${plural(s.passages, "quotable passage")}; embedding model ${s.model ? `<code>${esc(s.model)}</code>` : "none"}` +
    `${s.semantic_unavailable ? ` <span class="muted">(semantic search and ask are off: ${esc(s.semantic_unavailable.replace(/^semantic search is unavailable: /, ""))})</span>` : ""}.</p>`;
  const generations = table("Generations", ["Generation", "Written", "Items", ""], s.generations.map(g =>
    `<tr><td><code>${esc(g.name)}</code></td><td>${g.indexed_at ? when(g.indexed_at) : "unfinished run"}</td>` +
    `<td class="num">${g.articles ?? ""}</td><td>${g.live ? "served" : ""}</td></tr>`));
  const folders = [];
  for (const root of s.roots) {
    folders.push(`<tr class="root"><th scope="row"><code>${esc(root.root)}</code></th><td class="num">${root.files}</td><td class="num">${root.items}</td><td class="num">${root.sections}</td></tr>`);
    for (const [name, c] of Object.entries(root.folders)) {
      folders.push(`<tr><td class="folder"><code>${esc(name)}</code></td><td class="num">${c.files}</td><td class="num">${c.items}</td><td class="num">${c.sections}</td></tr>`);
    }
  }
  const ontologies = table("Ontologies", ["Ontology", "Version", "Terms", "Classes", "Triples", "File"], s.ontologies.map(o =>
    `<tr><td>${esc(o.title || o.iri || o.graph)}<br><span class="muted">${esc(o.graph)}</span></td><td>${esc(o.version_info || "")}</td>` +
    `<td class="num">${o.counts.terms}</td><td class="num">${o.counts.classes}</td><td class="num">${o.counts.triples}</td><td><code>${esc(o.source)}</code></td></tr>`));
  $("index-body").innerHTML = facts + "<h3>Generations</h3>" + generations +
    "<h3>Content folders</h3>" + table("Content folders", ["Folder", "Files", "Items", "Sections"], folders) +
    "<h3>Ontologies</h3>" + ontologies;
}

async function loadGaps(token) {
  $("gaps-body").innerHTML = '<p class="muted">Building the gaps report…</p>';
  const reply = await api("/api/admin/gaps?" + new URLSearchParams({since: $("since").value, limit: "50"}), token);
  if (reply.status === 200) renderGaps(reply.body);
  else { failed($("gaps-body"), reply); $("feedback-body").innerHTML = ""; }
}

async function loadCheck(token) {
  $("check-body").innerHTML = '<p class="muted">Checking the served content…</p>';
  const reply = await api("/api/admin/check", token);
  if (reply.status === 200) renderCheck(reply.body); else failed($("check-body"), reply);
}

function signedOut(message) {
  sessionStorage.removeItem(KEY);
  $("reports").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-message").textContent = message || "";
  for (const id of ["gaps-body", "feedback-body", "check-body", "index-body"]) $(id).innerHTML = "";
}

// The index report doubles as the token's test: nothing is shown before it passes.
async function signIn(token) {
  const reply = await api("/api/admin/index", token);
  if (reply.status === 401) {
    signedOut("That token is not the server's admin token: nothing is shown. Check it and try again.");
    return;
  }
  sessionStorage.setItem(KEY, token);
  $("sign-in").hidden = true;
  $("sign-in-message").textContent = "";
  $("token").value = "";
  $("reports").hidden = false;
  if (reply.status === 200) renderIndex(reply.body); else failed($("index-body"), reply);
  loadGaps(token);
  loadCheck(token);
}

$("sign-in").addEventListener("submit", e => {
  e.preventDefault();
  const token = $("token").value.trim();
  if (token) signIn(token);
});
$("sign-out").addEventListener("click", () => signedOut("Signed out."));
$("gaps-form").addEventListener("submit", e => {
  e.preventDefault();
  const token = sessionStorage.getItem(KEY);
  if (token) loadGaps(token);
});
const saved = sessionStorage.getItem(KEY);
if (saved) signIn(saved);
