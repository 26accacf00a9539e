// Runs the template's CloudFront Function code (cloudfront-js-2.0) on test events.
// stdin: {"code": "...", "events": [...]}; stdout: the handler's result for each event.
"use strict";
const vm = require("vm");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { code, events } = JSON.parse(input);
  const sandbox = {};
  vm.createContext(sandbox);
  vm.runInContext(code, sandbox);
  const results = events.map((event) => sandbox.handler(event));
  process.stdout.write(JSON.stringify(results));
});
