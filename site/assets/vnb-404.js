/* Virage numérique bleu — the 404 page. One page answers every missing address (CloudFront's
 * custom error response), so it comes in both languages, French first. This script puts the
 * address's language first, shows the address, and suggests in each language the published
 * page nearest to it: a typo (/fr/programe/), a short link mistyped (/inscriptions), a
 * period copied with the address, an old address under a page. The page works without it;
 * nothing is sent or stored. Its data (pages, short links) is written by sitebuild.notfound.
 * The build writes it inline in the page: a change here changes its hash in the CSP
 * (infra/template.yaml; `python infra/csp_hashes.py build/site` prints it).
 */
(function (root) {
  "use strict";

  var LANGUAGES = ["fr", "en"];
  var HREFLANG = { fr: "fr-CA", en: "en-CA" };
  var MAX_COMPARED = 200; // longer addresses are not typos of this site's

  // An address as a visitor may have mistyped it → a key to compare: decoded, lower case,
  // without accents, "\" read as "/", spaces as "-", without the punctuation an e-mail or a
  // document glues to it, index.html, repeated or final slashes.
  function normalise(path) {
    var text = String(path);
    try {
      text = decodeURIComponent(text);
    } catch (malformed) {
      // keep it as it came
    }
    text = text.toLowerCase();
    if (text.normalize) text = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    text = text.replace(/\\/g, "/").replace(/\s+/g, "-");
    text = text.replace(/[.,;:!?)\]}>»"'\u2019]+$/, "");
    text = text.replace(/\/index\.html?$/, "/").replace(/\.html?$/, "");
    text = text.replace(/\/{2,}/g, "/").replace(/\/+$/, "");
    return text.charAt(0) === "/" ? text : "/" + text;
  }

  // Edits from a to b, a swap of two neighbours counting as one (optimal string alignment).
  function distance(a, b) {
    var before = null;
    var previous = [];
    for (var j = 0; j <= b.length; j++) previous.push(j);
    for (var i = 1; i <= a.length; i++) {
      var current = [i];
      for (j = 1; j <= b.length; j++) {
        var cost = a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1;
        var value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (before && j > 1 && a.charAt(i - 1) === b.charAt(j - 2) &&
            a.charAt(i - 2) === b.charAt(j - 1)) {
          value = Math.min(value, before[j - 2] + 1);
        }
        current.push(value);
      }
      before = previous;
      previous = current;
    }
    return previous[b.length];
  }

  // The address without the site's base path (the site may live under /preview/).
  function sitePath(pathname, base) {
    var prefix = String(base || "/").replace(/\/$/, "");
    return prefix && pathname.indexOf(prefix + "/") === 0 ? pathname.slice(prefix.length) : pathname;
  }

  // "fr" or "en" when the address starts with a language's folder, else null.
  function addressLanguage(key) {
    var found = /^\/(fr|en)(\/|$)/.exec(key);
    return found ? found[1] : null;
  }

  function lessThan(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) return a[i] < b[i];
    }
    return false;
  }

  // The published page nearest to the address, or null. Near: at most one edit in five
  // characters (at least one); ties go to the address's language (French when it has
  // none), then to a page over a short link, then to the shorter address. Failing that,
  // the deepest page the address lies under (an old page of a folder that still exists).
  function closest(pathname, addresses) {
    var key = normalise(sitePath(pathname, addresses.base));
    if (key.length > MAX_COMPARED) return null;
    var preferred = addressLanguage(key) || "fr";
    var byPath = {};
    addresses.pages.forEach(function (page) {
      byPath[page.path] = page;
    });
    var best = null;
    function consider(address, page, isShortLink) {
      var candidate = normalise(address);
      var edits = distance(key, candidate);
      if (edits > Math.max(1, Math.floor(candidate.length / 5))) return;
      var rank = [edits, page.lang === preferred ? 0 : 1, isShortLink ? 1 : 0, candidate.length];
      if (!best || lessThan(rank, best.rank)) best = { page: page, rank: rank };
    }
    addresses.pages.forEach(function (page) {
      consider(page.path, page, false);
    });
    addresses.shortlinks.forEach(function (link) {
      if (byPath[link.to]) consider(link.path, byPath[link.to], true);
    });
    if (best) return best.page;
    var parent = null;
    addresses.pages.forEach(function (page) {
      var candidate = normalise(page.path);
      var deep = candidate.split("/").length > 2; // not a language's home
      if (deep && key.indexOf(candidate + "/") === 0 &&
          (!parent || candidate.length > normalise(parent.path).length)) {
        parent = page;
      }
    });
    return parent;
  }

  // The language to show first: the address's, else the suggestion's, else French.
  function language(pathname, addresses, suggestion) {
    var key = normalise(sitePath(pathname, addresses.base));
    return addressLanguage(key) || (suggestion ? suggestion.lang : "fr");
  }

  // Words of the address's last part, to start a search with (`/fr/programe/` → "programe").
  function searchWords(pathname, addresses) {
    var parts = normalise(sitePath(pathname, addresses.base)).split("/");
    var last = parts[parts.length - 1];
    if (!last || addressLanguage("/" + last)) return "";
    return last.replace(/[-_+.]+/g, " ").replace(/^\s+|\s+$/g, "").slice(0, 80);
  }

  root.vnb404 = { normalise: normalise, distance: distance, closest: closest, language: language };
  if (typeof document === "undefined") return;

  // Loaded blocking in the head, before the body exists: the text stays hidden (vnb-404.css)
  // until it is in its final order, so nothing moves under the visitor's thumb. Without
  // this script (no JavaScript, a failed load) the class is never set: the page shows as is.
  var page = document.documentElement;
  page.className += " vnb404-js";

  function show() {
    try {
      arrange();
    } finally {
      page.className += " vnb404-ready";
    }
  }

  function arrange() {
    var node = document.getElementById("vnb-404-data");
    var data;
    try {
      data = JSON.parse(node.textContent);
    } catch (unreadable) {
      return; // the page as it is still works
    }
    var addresses = data.addresses;
    var pathname = window.location.pathname;
    var suggestion = closest(pathname, addresses);
    var first = language(pathname, addresses, suggestion);
    var shown = pathname;
    try {
      shown = decodeURIComponent(pathname);
    } catch (malformed) {
      // show it encoded
    }
    var words = searchWords(pathname, addresses);
    var prefix = String(addresses.base || "/").replace(/\/$/, "");

    LANGUAGES.forEach(function (lang) {
      var section = document.querySelector('section[data-lang="' + lang + '"]');
      if (!section) return;
      var asked = section.querySelector(".vnb404-asked");
      asked.querySelector("code").textContent = shown;
      asked.hidden = false;
      if (!suggestion) {
        // Nothing near: the address's words start a search (`/fr/subventions` → subventions).
        var input = section.querySelector('input[name="q"]');
        if (input && words && !input.value) input.value = words;
        return;
      }
      var page = null;
      addresses.pages.forEach(function (candidate) {
        if (candidate.id === suggestion.id && candidate.lang === lang) page = candidate;
      });
      page = page || suggestion;
      var box = section.querySelector(".vnb404-suggestion");
      var link = box.querySelector("a");
      link.href = prefix + page.path;
      if (page.lang !== lang) link.lang = HREFLANG[page.lang];
      var title = document.createElement("span");
      title.className = "vnb404-suggestion__title";
      title.textContent = page.title;
      var address = document.createElement("span");
      address.className = "vnb404-suggestion__path";
      address.textContent = prefix + page.path;
      link.appendChild(title);
      link.appendChild(document.createTextNode(" "));
      link.appendChild(address);
      box.hidden = false;
    });

    if (first === "en") {
      var main = document.querySelector("main");
      var nav = document.querySelector(".vnb404-languages");
      var english = main.querySelector('section[data-lang="en"]');
      main.insertBefore(english, main.firstElementChild);
      nav.insertBefore(nav.querySelector('a[data-lang="en"]'), nav.firstElementChild);
      document.documentElement.lang = HREFLANG.en;
      document.title = data.titles.en + " / " + data.titles.fr;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", show);
  } else {
    show();
  }
})(this);
