// Runs the deployed CloudFront Function code (cloudfront-js-2.0) on test events, and reads
// Locations the way a browser does (the WHATWG URL parser) against the site's address.
// stdin, one JSON object per line: first {"code": "..."}, then {"events": [...]} or
// {"locations": [...]}; stdout, one line per request: the handler's result for each event,
// or {href, host} for each location.
"use strict";
const readline = require("readline");
const vm = require("vm");

const SITE = "https://site.example";
let handler = null;

function resolve(location) {
  try {
    const url = new URL(location, SITE);
    return { href: url.href, host: url.host };
  } catch (error) {
    return { href: null, host: null, error: String(error) };
  }
}

function answer(message) {
  if (message.code !== undefined) {
    // A context of its own, without Node's globals, as CloudFront runs a function.
    const sandbox = {};
    vm.createContext(sandbox);
    vm.runInContext(message.code, sandbox);
    handler = sandbox.handler;
    return { ready: typeof handler === "function" };
  }
  if (message.events !== undefined) {
    return message.events.map((event) => {
      try {
        return handler(event);
      } catch (error) {
        // CloudFront answers 503 when a function throws: a test sees why.
        return { error: String(error) };
      }
    });
  }
  return message.locations.map(resolve);
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  process.stdout.write(JSON.stringify(answer(JSON.parse(line))) + "\n");
});
