// The site stylesheet's Node half (sitebuild/stylesheet.py runs it): PurgeCSS keeps the rules
// whose selectors the site can match, Lightning CSS minifies the result.
//
// stdin: {"css": "...", "pages": [built HTML files], "templates": [Jinja HTML files],
//         "scripts": [JavaScript files]}
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

async function main() {
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  const [result] = await new PurgeCSS().purge({
    css: [{ raw: job.css }],
    content: [
      ...read(job.pages, "html"),
      ...read(job.templates, "jinja"),
      ...read(job.scripts, "js"),
    ],
    extractors: [
      { extractor: purgeHtml, extensions: ["html"] },
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
  process.stdout.write(
    JSON.stringify({ css: minified.code.toString("utf8"), rejected: result.rejected || [] }),
  );
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
