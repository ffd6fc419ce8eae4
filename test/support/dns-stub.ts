// A small DNS server over UDP for tests: answers A records for the names it is given, says NXDOMAIN for others, and
// never answers names under a "black hole" suffix (a server that does not respond). It records every query.
import { createSocket, type Socket } from 'node:dgram';

export interface DnsQuery {
  name: string;
  /** 'A', 'AAAA', or the number of another type. */
  type: string;
  at: number;
}

export interface DnsStubOptions {
  host: string;
  port: number;
  /** name → IPv4 address answered for A queries (AAAA gets an empty answer). */
  answers?: Record<string, string>;
  /** Queries for names ending in one of these get no answer at all. */
  blackholes?: string[];
  onQuery?: (query: DnsQuery) => void;
}

export interface DnsStub {
  queries: DnsQuery[];
  close(): Promise<void>;
}

const TYPES: Record<number, string> = { 1: 'A', 28: 'AAAA' };

export async function startDnsStub(options: DnsStubOptions): Promise<DnsStub> {
  const queries: DnsQuery[] = [];
  const socket: Socket = createSocket(options.host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (message, remote) => {
    const parsed = parseQuery(message);
    if (!parsed) return;
    const query = { name: parsed.name, type: TYPES[parsed.type] ?? String(parsed.type), at: Date.now() };
    queries.push(query);
    options.onQuery?.(query);
    if ((options.blackholes ?? []).some((suffix) => parsed.name.endsWith(suffix))) return;
    const address = options.answers?.[parsed.name];
    const reply = answer(message, parsed, address);
    socket.send(reply, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.host, () => resolve());
  });
  return { queries, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

function parseQuery(message: Buffer): { name: string; type: number; end: number } | undefined {
  if (message.length < 17) return undefined;
  let offset = 12;
  const labels: string[] = [];
  while (offset < message.length && message[offset] !== 0) {
    const length = message[offset];
    labels.push(message.subarray(offset + 1, offset + 1 + length).toString('ascii'));
    offset += 1 + length;
  }
  const end = offset + 5; // zero byte, QTYPE, QCLASS
  if (end > message.length) return undefined;
  return { name: labels.join('.').toLowerCase(), type: message.readUInt16BE(offset + 1), end };
}

function answer(query: Buffer, parsed: { type: number; end: number }, address: string | undefined): Buffer {
  const question = query.subarray(12, parsed.end);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // same id
  const known = address !== undefined;
  header.writeUInt16BE(known ? 0x8180 : 0x8183, 2); // response, recursion available; NXDOMAIN when unknown
  header.writeUInt16BE(1, 4);
  const records: Buffer[] = [];
  if (known && parsed.type === 1) {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // the name, as a pointer to the question
    record.writeUInt16BE(1, 2); // A
    record.writeUInt16BE(1, 4); // IN
    record.writeUInt32BE(60, 6); // TTL
    record.writeUInt16BE(4, 10);
    address.split('.').forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
    records.push(record);
  }
  header.writeUInt16BE(records.length, 6);
  return Buffer.concat([header, question, ...records]);
}
