/* The search page (/fr/recherche/, /en/search/): reads ?q=, loads this language's Pagefind
   bundle on first use (focus or a query) and lists the results. Pagefind fetches only the
   index chunks a query needs. Without JavaScript the page says so and links the main pages.
   Strings come from the form's data attributes (content/data/i18n, site.search). */
(() => {
  "use strict";
  const form = document.querySelector("[data-vnb-search]");
  if (!form) return;
  form.closest(".vnb-search").hidden = false;
  const input = form.querySelector("input[name=q]");
  const status = document.getElementById("vnb-search-status");
  const list = document.getElementById("vnb-search-results");
  const more = document.querySelector(".vnb-search__more");
  const moreButton = more.querySelector("button");
  // The main pages: shown without JavaScript, and again when a query finds nothing (the
  // class, for the stylesheet that hides them before this script runs; `hidden`, for the
  // browsers that lack its media query).
  const pages = document.querySelector(".vnb-search__pages");
  const showPages = (show) => {
    if (!pages) return;
    pages.hidden = !show;
    pages.classList.toggle("vnb-search__pages--shown", show);
  };
  showPages(false);
  // This script is the language's assets/vnb-search.js: its root is one folder up.
  const root = new URL("../", document.currentScript.src);
  const bundle = new URL("pagefind/pagefind.js", root).href;
  const PAGE_SIZE = 10;
  let engine = null;
  let results = [];
  let shown = 0;
  let generation = 0;
  let timer = 0;

  const say = (key, values = {}) =>
    form.dataset[key].replace(/\{(\w)\}/g, (_, name) => String(values[name]));

  function load() {
    engine ??= import(bundle).then(async (pagefind) => {
      // Result URLs are stored relative to the language root (sitebuild.search).
      await pagefind.options({ baseUrl: root.pathname, excerptLength: 24 });
      await pagefind.init();
      return pagefind;
    });
    return engine;
  }

  // Pagefind's excerpt is HTML with <mark> around the matched words: keep only those.
  function excerpt(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const paragraph = document.createElement("p");
    for (const node of template.content.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        paragraph.append(mark);
      } else {
        paragraph.append(node.textContent);
      }
    }
    return paragraph;
  }

  function item(data) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    li.append(link, excerpt(data.excerpt));
    return li;
  }

  async function showMore(run) {
    const slice = results.slice(shown, shown + PAGE_SIZE);
    const data = await Promise.all(slice.map((result) => result.data()));
    if (run !== generation) return null;
    const items = data.map(item);
    list.append(...items);
    shown += slice.length;
    more.hidden = shown >= results.length;
    return items[0] || null;
  }

  function remember(term) {
    const url = new URL(window.location.href);
    if (term) url.searchParams.set("q", term);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  }

  async function search(raw) {
    const run = ++generation;
    const term = raw.trim();
    remember(term);
    showPages(false);
    if (!term) {
      status.textContent = "";
      list.replaceChildren();
      more.hidden = true;
      return;
    }
    status.textContent = say("searching");
    let found;
    try {
      found = await (await load()).search(term);
    } catch (error) {
      engine = null;
      if (run === generation) status.textContent = say("failed");
      return;
    }
    if (run !== generation) return;
    results = found.results;
    shown = 0;
    list.replaceChildren();
    more.hidden = true;
    const n = results.length;
    status.textContent = say(n === 0 ? "none" : n === 1 ? "one" : "many", { n, q: term });
    showPages(n === 0);
    await showMore(run);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    search(input.value);
  });
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => search(input.value), 300);
  });
  input.addEventListener("focus", load, { once: true });
  moreButton.addEventListener("click", async () => {
    const first = await showMore(generation);
    if (first) first.querySelector("a").focus();
  });

  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    search(query);
  }
})();
