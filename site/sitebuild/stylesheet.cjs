// The site stylesheet's Node half (sitebuild/stylesheet.py runs it): PurgeCSS keeps the rules
// whose selectors the site can match, Lightning CSS minifies the result.
//
// stdin: {"css": "...", "pages": [built HTML files], "templates": [Jinja HTML files],
//         "scripts": [JavaScript files], "cache": folder or null,
//         "tools": what identifies the installed tools (the npm lock's digest)}
// stdout: {"css": "...", "rejected": ["selector", ...]}
//
// Each kind of source has the extractor that reads it best:
// - built pages: parsed as HTML (tags, classes, ids, attributes; words of the text are not
//   selectors, so "question" in a sentence keeps no `.question` rule);
// - the forms API's Jinja templates: parsed as HTML once the Jinja tags are blanked out
//   (`class="vnb-field{% if … %} vnb-field--error{% endif %}"` gives both classes);
// - scripts: the words of their strings (`classList.add("vnb-field--error")`) and the
//   properties they name (`button.disabled = true` sets the `disabled` attribute), not
//   their variable names (a `summary` variable keeps no `summary` rule).
"use strict";

const fs = require("node:fs");
const { PurgeCSS } = require("purgecss");
const purgeHtml = require("purgecss-from-html");
const { transform } = require("lightningcss");

// The oldest browsers that read Material's own stylesheet (#rrggbbaa colours: Chrome 62):
// Lightning CSS writes nothing they cannot read. Without targets it would write range
// media queries (`width<=…`), which Safari before 16.4 ignores: no phone menu there.
const version = (major, minor = 0) => (major << 16) | (minor << 8);
const TARGETS = {
  chrome: version(62),
  edge: version(79),
  firefox: version(53),
  opera: version(49),
  safari: version(10),
  ios_saf: version(10),
};

const JINJA = /\{#[\s\S]*?#\}|\{%[\s\S]*?%\}|\{\{[\s\S]*?\}\}/g;

function fromTemplate(text) {
  return purgeHtml(text.replace(JINJA, " "));
}

const SCRIPT_WORDS = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|\.([A-Za-z_$][\w$]*)/g;

function fromScript(text) {
  const words = [];
  for (const match of text.matchAll(SCRIPT_WORDS)) {
    words.push(...((match[1] ?? match[0]).match(/[A-Za-z0-9_-]+/g) ?? []));
  }
  return words;
}

function read(files, extension) {
  return files.map((file) => ({ raw: fs.readFileSync(file, "utf8"), extension }));
}

// What the HTML extractor finds in every page, each page's answer kept in `cache` by the
// SHA-256 of its text: a rebuild parses only the pages that changed. The answers are joined
// into one (PurgeCSS joins every content's answers the same way) and given back to PurgeCSS
// through a pass-through extractor. Answers no page used this time are removed.
const KINDS = ["classes", "ids", "tags", "undetermined"];

function pageSelectors(files, cache) {
  const crypto = require("node:crypto");
  const path = require("node:path");
  if (cache) fs.mkdirSync(cache, { recursive: true });
  const used = new Set();
  const joined = { attributes: { names: new Set(), values: new Set() } };
  for (const kind of KINDS) joined[kind] = new Set();
  for (const file of files) {
    const raw = fs.readFileSync(file, "utf8");
    const name = `${crypto.createHash("sha256").update(raw).digest("hex")}.json`;
    used.add(name);
    const kept = cache ? path.join(cache, name) : null;
    let found;
    if (kept && fs.existsSync(kept)) {
      found = JSON.parse(fs.readFileSync(kept, "utf8"));
    } else {
      found = purgeHtml(raw);
      if (kept) fs.writeFileSync(kept, JSON.stringify(found));
    }
    for (const kind of KINDS) for (const item of found[kind] || []) joined[kind].add(item);
    for (const item of found.attributes.names) joined.attributes.names.add(item);
    for (const item of found.attributes.values) joined.attributes.values.add(item);
  }
  if (cache) {
    for (const old of fs.readdirSync(cache)) {
      if (!used.has(old) && !old.startsWith("answer-")) fs.unlinkSync(path.join(cache, old));
    }
  }
  const answer = {
    attributes: {
      names: [...joined.attributes.names],
      values: [...joined.attributes.values],
    },
  };
  for (const kind of KINDS) answer[kind] = [...joined[kind]];
  return answer;
}

// The last answer, kept beside the pages' selectors: when the stylesheet, the selectors the
// pages hold, the templates, the scripts and this code are what they were, the rules kept
// are too (a page's text changed, not its markup), and PurgeCSS does not run.
function answerKey(job, pages, templates, scripts) {
  const crypto = require("node:crypto");
  const sorted = {
    attributes: {
      names: [...pages.attributes.names].sort(),
      values: [...pages.attributes.values].sort(),
    },
  };
  for (const kind of KINDS) sorted[kind] = [...pages[kind]].sort();
  const parts = [
    job.css,
    JSON.stringify(sorted),
    JSON.stringify(templates.map((item) => item.raw)),
    JSON.stringify(scripts.map((item) => item.raw)),
    fs.readFileSync(__filename, "utf8"),
    job.tools || "",
  ];
  const hash = crypto.createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return `answer-${hash.digest("hex")}.json`;
}

async function main() {
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  const cache = job.cache || null;
  const pages = pageSelectors(job.pages, cache);
  const templates = read(job.templates, "jinja");
  const scripts = read(job.scripts, "js");
  const path = require("node:path");
  const kept = cache ? path.join(cache, answerKey(job, pages, templates, scripts)) : null;
  if (kept && fs.existsSync(kept)) {
    process.stdout.write(fs.readFileSync(kept, "utf8"));
    return;
  }
  const [result] = await new PurgeCSS().purge({
    css: [{ raw: job.css }],
    content: [{ raw: JSON.stringify(pages), extension: "pages" }, ...templates, ...scripts],
    extractors: [
      { extractor: (raw) => JSON.parse(raw), extensions: ["pages"] },
      { extractor: fromTemplate, extensions: ["jinja"] },
      { extractor: fromScript, extensions: ["js"] },
    ],
    variables: true,
    keyframes: true,
    fontFace: true,
    rejected: true,
  });
  const minified = transform({
    filename: "site.css",
    code: Buffer.from(result.css),
    minify: true,
    targets: TARGETS,
  });
  const answer = JSON.stringify({
    css: minified.code.toString("utf8"),
    rejected: result.rejected || [],
  });
  if (kept) {
    for (const old of fs.readdirSync(cache)) {
      if (old.startsWith("answer-")) fs.unlinkSync(path.join(cache, old));
    }
    fs.writeFileSync(kept, answer);
  }
  process.stdout.write(answer);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
