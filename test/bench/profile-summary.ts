// `node test/bench/profile-summary.ts <file.cpuprofile> [rows]`: the functions with the most self time and the most
// total time (self plus callees) in a V8 CPU profile, e.g. of the host under `npm run bench:e2e` with
// BENCH_HOST_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=DIR". Time is wall time sampled on the main thread, so
// "(idle)" is the event loop waiting and a native call's time (a COMMIT, a socket write) counts as its caller's.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArgument] = process.argv.slice(2);
if (!file) {
  console.error('usage: node test/bench/profile-summary.ts <file.cpuprofile> [rows]');
  process.exit(2);
}
const rows = Number(rowsArgument ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const root = new URL('../../', import.meta.url).pathname;
const nameOf = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    .replace('file://', '')
    .replace(root, '')
    .replace(/^.*\/node_modules\//, '');
  return `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
};

const sampled = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  sampled.set(id, (sampled.get(id) ?? 0) + delta);
  total += delta;
});
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, time] of sampled) {
  const name = nameOf(byId.get(id)!);
  self.set(name, (self.get(name) ?? 0) + time);
  // A recursive function counts once per sample.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const frame = nameOf(byId.get(at)!);
    if (seen.has(frame)) continue;
    seen.add(frame);
    inclusive.set(frame, (inclusive.get(frame) ?? 0) + time);
  }
}
const print = (title: string, times: Map<string, number>) => {
  console.log(title);
  for (const [name, time] of [...times].sort((a, b) => b[1] - a[1]).slice(0, rows))
    console.log(
      `${((100 * time) / total).toFixed(1).padStart(6)}%  ${(time / 1000).toFixed(0).padStart(7)} ms  ${name}`,
    );
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print('self time', self);
print('total time', inclusive);
