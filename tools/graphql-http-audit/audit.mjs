// GraphQL-over-HTTP conformance audit (graphql-http's auditServer) against a running server.
// Usage: node audit.mjs [url]   (default http://127.0.0.1:8790/graphql)
// Prints every audit and a final "N of M ok" line; exits 1 unless every audit is ok
// (MUST errors, SHOULD warnings and MAY notices all count as failures).
import { auditServer } from 'graphql-http';

const url = process.argv[2] ?? process.env.GRAPHQL_URL ?? 'http://127.0.0.1:8790/graphql';

let results;
try {
  results = await auditServer({ url });
} catch (err) {
  console.error(`audit could not run against ${url}: ${err?.stack ?? err}`);
  process.exit(2);
}

let ok = 0;
for (const result of results) {
  if (result.status === 'ok') {
    ok += 1;
    console.log(`ok      ${result.id} ${result.name}`);
    continue;
  }
  const res = result.response;
  let body = '';
  try {
    body = (await res.text()).slice(0, 300);
  } catch {
    // body already consumed or unreadable
  }
  console.log(`${result.status.padEnd(7)} ${result.id} ${result.name}`);
  console.log(`        reason: ${result.reason}`);
  console.log(
    `        response: ${res.status} ${res.headers.get('content-type') ?? '(no content-type)'} ${body}`,
  );
}
console.log(`${ok} of ${results.length} ok`);
process.exit(ok === results.length ? 0 : 1);
