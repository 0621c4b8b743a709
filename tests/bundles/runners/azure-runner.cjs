// Invokes an Azure Functions (v4) bundle's handlers with @azure/functions' own HttpRequest and
// InvocationContext, as the worker would. The test harness's copy of @azure/functions builds the
// requests; the bundle, in a fresh process, sees only its own files.
const { readFileSync } = require('node:fs');

const [bundle, functionsPackage, invocationsFile] = process.argv.slice(2);
const { HttpRequest, HttpResponse, InvocationContext } = require(functionsPackage);
const invocations = JSON.parse(readFileSync(invocationsFile, 'utf8'));
const app = require(bundle);

(async () => {
  const results = [];
  for (const { fn, request, event } of invocations) {
    const context = new InvocationContext({ functionName: fn });
    if (request) {
      const init = { ...request, ...(request.body === undefined ? {} : { body: { string: request.body } }) };
      const response = new HttpResponse(await app[fn](new HttpRequest(init), context));
      results.push({
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: await response.text(),
      });
    } else {
      results.push((await app[fn](event ?? { isPastDue: false }, context)) ?? null);
    }
  }
  process.stdout.write(JSON.stringify(results));
})().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
