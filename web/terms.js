// Term and ontology pages. The server renders everything a reader needs; this
// adds suggestions as you type on /terms, and loads the narrower terms of a
// tree node when it is opened (and further pages of long lists).
"use strict";

(() => {
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  // The server's URL scheme: /terms/{curie}, or /terms/{percent-encoded IRI}.
  const termUrl = (t) => "/terms/" + encodeURIComponent(t.curie || t.iri).replace(/%3A/gi, ":");
  const PAGE = 100;

  // ---- the tree -------------------------------------------------------------
  // A node with children is `li.branch` (`.open` when its list is shown); this
  // gives it a disclosure button, and loads its children when first opened.

  // The same markup as the server's (src/server/ui/terms.rs, node_html), closed.
  function nodeHtml(n) {
    const text = esc(n.label || n.curie || n.iri);
    const curie = n.curie && n.label ? ` <span class="curie">${esc(n.curie)}</span>` : "";
    const cls = "term-node" + (n.deprecated ? " deprecated" : "");
    const name = !n.known ? `<span class="${cls}">${text}</span>`
      : `<a class="${cls}" href="${esc(termUrl(n))}">${text}</a>`;
    const flag = n.deprecated ? ' <span class="badge deprecated">deprecated</span>' : "";
    const kind = n.has_children ? "branch" : "leaf";
    return `<li class="${kind}" data-iri="${esc(n.iri)}">${name}${curie}${flag}</li>`;
  }

  async function fetchPage(url) {
    const res = await fetch(url);
    const body = await res.json();
    if (!res.ok) throw new Error(body.message || res.statusText);
    return body;
  }

  // Appends `page.items` to `list`, and a button for the next page if any.
  function appendPage(list, page, nextUrl) {
    list.insertAdjacentHTML("beforeend", page.items.map(nodeHtml).join(""));
    list.querySelectorAll(":scope > li.branch").forEach(wire);
    addPager(list, page.offset + page.items.length, page.total, nextUrl);
  }

  function addPager(list, shown, total, nextUrl) {
    if (shown >= total) return;
    const li = document.createElement("li");
    li.className = "tree-pager";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "more";
    button.textContent = `show ${Math.min(PAGE, total - shown)} more (${total - shown} not shown)`;
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const next = await fetchPage(nextUrl(shown));
        li.remove();
        appendPage(list, next, nextUrl);
      } catch (e) {
        button.disabled = false;
        button.textContent = "could not load: " + e.message;
      }
    });
    li.appendChild(button);
    list.appendChild(li);
  }

  const childrenUrl = (iri) => (offset) => "/api/terms/children?" + new URLSearchParams({iri, offset, limit: PAGE});

  // Loads every child of `li` into its list, keeping the nodes already open
  // (a path down to the term) in their places.
  async function loadChildren(li) {
    let list = li.querySelector(":scope > ul");
    const link = li.querySelector(":scope > .tree-more");
    const button = li.querySelector(":scope > button.twisty");
    li.setAttribute("aria-busy", "true");
    try {
      const page = await fetchPage(childrenUrl(li.dataset.iri)(0));
      const keep = new Map(list ? [...list.querySelectorAll(":scope > li")]
        .filter(c => c.classList.contains("open") || c.querySelector(".current"))
        .map(c => [c.dataset.iri, c]) : []);
      if (!list) {
        list = document.createElement("ul");
        list.id = "tree-" + Math.random().toString(36).slice(2);
        li.appendChild(list);
        button.setAttribute("aria-controls", list.id);
      }
      list.innerHTML = "";
      appendPage(list, page, childrenUrl(li.dataset.iri));
      list.querySelectorAll(":scope > li[data-iri]").forEach(c => {
        const old = keep.get(c.dataset.iri);
        if (old) c.replaceWith(old);
      });
      li.dataset.loaded = "1";
      if (link) link.remove();
      if (!page.total) { button.remove(); li.classList.replace("branch", "leaf"); }
    } catch (e) {
      li.classList.remove("open");
      button.setAttribute("aria-expanded", "false");
      button.title = "could not load the narrower terms: " + e.message;
    } finally {
      li.removeAttribute("aria-busy");
    }
  }

  function toggle(li, button) {
    const open = !li.classList.contains("open");
    li.classList.toggle("open", open);
    button.setAttribute("aria-expanded", String(open));
    if (open && !li.querySelector(":scope > ul")) loadChildren(li);
  }

  function wire(li) {
    if (li.querySelector(":scope > button.twisty")) return;
    const name = li.querySelector(":scope > .term-node");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "twisty";
    const open = li.classList.contains("open");
    button.setAttribute("aria-expanded", String(open));
    button.setAttribute("aria-label", "narrower terms of " + (name ? name.textContent : li.dataset.iri));
    const list = li.querySelector(":scope > ul");
    if (list) {
      list.id = list.id || "tree-" + Math.random().toString(36).slice(2);
      button.setAttribute("aria-controls", list.id);
    }
    button.addEventListener("click", () => toggle(li, button));
    li.prepend(button);
    // A node open on a path shows only the way down: its link loads the rest here.
    const link = li.querySelector(":scope > .tree-more");
    if (link) {
      const more = document.createElement("button");
      more.type = "button";
      more.className = "more";
      more.textContent = "show all " + li.dataset.total + " narrower terms";
      more.addEventListener("click", () => { more.remove(); loadChildren(li); });
      link.replaceWith(more);
    }
  }

  document.querySelectorAll("ul.tree").forEach(tree => tree.classList.add("enhanced"));
  document.querySelectorAll("ul.tree li.branch").forEach(wire);
  // Roots of an ontology: further pages.
  document.querySelectorAll("ul.tree[data-ontology]").forEach(list => {
    const shown = list.querySelectorAll(":scope > li").length;
    const total = Number(list.dataset.total);
    const url = (offset) => "/api/terms/roots?" + new URLSearchParams({ontology: list.dataset.ontology, type: list.dataset.type, offset, limit: PAGE});
    const note = list.nextElementSibling;
    if (shown < total && note && note.classList.contains("tree-note")) note.remove();
    addPager(list, shown, total, url);
  });
  if (document.querySelector("ul.tree")) performance.mark("eoskb:tree-ready");

  // ---- suggestions as you type ------------------------------------------------

  const input = document.getElementById("term-q");
  const box = document.getElementById("term-suggestions");
  if (!input || !box) return;
  const ontology = document.getElementById("term-ontology");
  const type = document.getElementById("term-type");
  let active = -1;
  let hits = [];
  let timer = 0;
  let asked = 0;

  function close() {
    box.hidden = true;
    box.innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(i) {
    const options = box.querySelectorAll("[role=option]");
    options.forEach((o, j) => o.setAttribute("aria-selected", String(j === i)));
    active = i;
    if (i >= 0 && options[i]) {
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(list) {
    hits = list;
    if (!list.length) { close(); return; }
    box.innerHTML = list.map((h, i) => {
      const synonym = h.matched && h.matched.field !== "label" && h.matched.field !== "iri"
        ? ` <span class="muted">(${esc(h.matched.value)})</span>` : "";
      const flag = h.deprecated ? ' <span class="badge deprecated">deprecated</span>' : "";
      return `<li role="option" id="term-option-${i}" aria-selected="false" data-url="${esc(termUrl(h))}">` +
        `<span class="label">${esc(h.label || h.curie || h.iri)}</span>${synonym}${flag} <span class="curie">${esc(h.curie || "")}</span></li>`;
    }).join("");
    box.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  async function suggest() {
    const q = input.value.trim();
    if (q.length < 2) { close(); return; }
    const ask = ++asked;
    const params = new URLSearchParams({q, limit: 8});
    if (ontology && ontology.value) params.set("ontology", ontology.value);
    if (type && type.value) params.set("type", type.value);
    const res = await fetch("/api/terms?" + params).catch(() => null);
    if (ask !== asked) return; // a newer keystroke has asked since
    if (!res || !res.ok) { close(); return; }
    show((await res.json()).hits);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 120);
  });
  [ontology, type].forEach(el => el && el.addEventListener("change", suggest));
  input.addEventListener("keydown", (e) => {
    if (box.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, hits.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, -1)); }
    else if (e.key === "Escape") { close(); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); location.href = termUrl(hits[active]); }
  });
  // mousedown, not click: it comes before the input loses focus and closes the list.
  box.addEventListener("mousedown", (e) => {
    const option = e.target.closest("[role=option]");
    if (!option) return;
    e.preventDefault();
    location.href = option.dataset.url;
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
})();
