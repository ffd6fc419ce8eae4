// Runs the test DNS stub as its own process (inside a test's network namespace): the JSON options come as the
// first argument; it prints {"event":"listening"} once bound and one {"event":"query",...} line per query.
import { startDnsStub, type DnsStubOptions } from '../support/dns-stub.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as DnsStubOptions;
const stub = await startDnsStub({
  ...options,
  onQuery: (query) => process.stdout.write(`${JSON.stringify({ event: 'query', ...query })}\n`),
});
process.stdout.write(`${JSON.stringify({ event: 'listening' })}\n`);
process.on('SIGTERM', () => void stub.close().then(() => process.exit(0)));
