// Evaluate a batch of screening requests with the browser's engine under node.
// Usage: node tests/offline/batch.mjs IN.json OUT.json
//   IN:  {"data": {"kk": "path/to/engine-data-kk.json", ...}, "requests": [["kk", {...}], ...],
//         "repeat": 1}
//   OUT: {"results": [result or {"error": [...]}, ...], "seconds": evaluation time (all repeats)}
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve, dirname } from "node:path";

const here = dirname(new URL(import.meta.url).pathname);
const enginePath = resolve(here, "../../src/qorgan/static/qorgan/offline/engine.js");
const { screen, prepare, ScreeningInputError } = await import(pathToFileURL(enginePath).href);

const [inPath, outPath] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inPath, "utf-8"));
const data = {};
for (const [language, path] of Object.entries(input.data)) {
  data[language] = JSON.parse(readFileSync(path, "utf-8"));
  prepare(data[language]);
}
const repeat = input.repeat || 1;
let results = [];
const started = process.hrtime.bigint();
for (let round = 0; round < repeat; round++) {
  results = input.requests.map(([language, request]) => {
    try {
      return screen(data[language], request);
    } catch (error) {
      if (error instanceof ScreeningInputError) return { error: error.errors };
      throw error;
    }
  });
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
writeFileSync(outPath, JSON.stringify({ results, seconds }));
