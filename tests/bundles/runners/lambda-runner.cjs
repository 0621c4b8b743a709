// Invokes a Lambda bundle's handlers as the Lambda runtime would: require the handler file, call
// the exported function with an event, print what it returned. Runs in a fresh process beside
// the unpacked bundle, so nothing but the bundle's own files can be loaded.
const { readFileSync } = require('node:fs');

const [bundle, invocationsFile] = process.argv.slice(2);
const invocations = JSON.parse(readFileSync(invocationsFile, 'utf8'));
const handlers = require(bundle);

(async () => {
  const results = [];
  for (const { fn, event } of invocations) results.push(await handlers[fn](event, {}));
  process.stdout.write(JSON.stringify(results));
})().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
