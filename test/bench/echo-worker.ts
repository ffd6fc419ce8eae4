// The reference of `npm run bench`: a bare Node 24 process that echoes every message back, over the same channel
// the sandbox workers use (a pipe on fd 3, frames batched per turn) or, with --node-ipc, over Node's own IPC.
import { Socket } from 'node:net';
import { FrameChannel } from '@actionhost/core';

if (process.argv.includes('--node-ipc')) {
  process.on('message', (message) => process.send!(message));
  process.on('disconnect', () => process.exit(0));
} else {
  const channel: FrameChannel<object, object> = new FrameChannel<object, object>(
    new Socket({ fd: 3, readable: true, writable: true }),
    (header, payload) => channel.send(header, payload),
    () => process.exit(0),
  );
}
