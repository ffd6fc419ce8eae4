// The plain-Node reference of `npm run bench:e2e`: node:http and fetch (undici's keep-alive pool), no framework, no
// persistence, no sandbox. It does what the host's published workflow does — If Else, then the POST — inside the
// request, and answers 201 once the target answered: the "no framework" ceiling the host is compared with.
// Usage: node reference-server.ts <target url>; prints "listening on <url>".
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const target = process.argv[2];
if (!target) throw new Error('usage: reference-server.ts <target url>');
let nextId = 1;

const server = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/api/requests') {
    response.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    void handle(Buffer.concat(chunks).toString('utf8')).then(
      (body) => {
        response.writeHead(201, { 'content-type': 'application/json' }).end(body);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
      },
    );
  });
});

async function handle(text: string): Promise<string> {
  const input = JSON.parse(text) as { subject?: string; department?: string; customFields?: { ip?: string } };
  const internalId = nextId++;
  const matches =
    typeof input.subject === 'string' && input.subject.includes('Employee On-boarding') && input.department === 'IT';
  if (matches) {
    const answer = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket: internalId, ip: input.customFields?.ip ?? '' }),
    });
    await answer.text();
  }
  return JSON.stringify({ internalId });
}

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}`);
});
process.on('disconnect', () => server.close());
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
