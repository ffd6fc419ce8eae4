// The byte channel between the host and a worker process: a pipe of frames, each `[header bytes][payload bytes]
// (two little-endian u32)][header JSON][payload UTF-8]`. Frames written in one go (before the microtasks of the
// current turn have run) leave in one write, one syscall for many messages, and a payload is never escaped into
// JSON a second time.
import type { Duplex } from 'node:stream';

const PREFIX = 8;

export class FrameChannel<In extends object, Out extends object> {
  readonly #stream: Duplex;
  #outgoing: string[] = [];
  #outgoingBytes = 0;
  #scheduled = false;
  #incoming: Buffer = Buffer.alloc(0);
  /** Chunks of a frame that has not fully arrived yet, joined once it has (a big payload comes in many). */
  #waiting: Buffer[] = [];
  #waitingBytes = 0;
  #needed = 0;
  #closed = false;

  constructor(stream: Duplex, onFrame: (header: In, payload: string) => void, onClose: () => void) {
    this.#stream = stream;
    stream.on('data', (chunk: Buffer) => {
      if (this.#needed > 0) {
        this.#waiting.push(chunk);
        this.#waitingBytes += chunk.length;
        if (this.#waitingBytes < this.#needed) return;
        chunk = Buffer.concat(this.#waiting, this.#waitingBytes);
        this.#waiting = [];
        this.#waitingBytes = 0;
        this.#needed = 0;
      }
      this.#incoming = this.#incoming.length === 0 ? chunk : Buffer.concat([this.#incoming, chunk]);
      let offset = 0;
      while (this.#incoming.length - offset >= PREFIX) {
        const headerBytes = this.#incoming.readUInt32LE(offset);
        const payloadBytes = this.#incoming.readUInt32LE(offset + 4);
        const end = offset + PREFIX + headerBytes + payloadBytes;
        if (this.#incoming.length < end) {
          this.#needed = end - offset;
          break;
        }
        const header = JSON.parse(
          this.#incoming.toString('utf8', offset + PREFIX, offset + PREFIX + headerBytes),
        ) as In;
        const payload = payloadBytes === 0 ? '' : this.#incoming.toString('utf8', end - payloadBytes, end);
        offset = end;
        onFrame(header, payload);
      }
      this.#incoming = offset === this.#incoming.length ? Buffer.alloc(0) : this.#incoming.subarray(offset);
      if (this.#needed > 0) {
        // The rest of this frame is still to come: keep what arrived as the first waiting chunk.
        this.#waiting = [this.#incoming];
        this.#waitingBytes = this.#incoming.length;
        this.#incoming = Buffer.alloc(0);
      }
    });
    const closed = () => {
      if (this.#closed) return;
      this.#closed = true;
      onClose();
    };
    stream.once('end', closed);
    stream.once('close', closed);
    stream.on('error', closed);
  }

  get open(): boolean {
    return !this.#closed && this.#stream.writable;
  }

  /** Queues a frame; it leaves with the others of this turn. False when the channel is closed. */
  send(header: Out, payload = ''): boolean {
    if (!this.open) return false;
    const text = JSON.stringify(header);
    this.#outgoing.push(text, payload);
    this.#outgoingBytes += PREFIX + Buffer.byteLength(text) + Buffer.byteLength(payload);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.flush());
    }
    return true;
  }

  /** Writes every queued frame now, in one buffer. */
  flush(): void {
    this.#scheduled = false;
    if (this.#outgoing.length === 0 || !this.open) return;
    const buffer = Buffer.allocUnsafe(this.#outgoingBytes);
    let offset = 0;
    for (let i = 0; i < this.#outgoing.length; i += 2) {
      const headerBytes = buffer.write(this.#outgoing[i], offset + PREFIX, 'utf8');
      const payloadBytes = buffer.write(this.#outgoing[i + 1], offset + PREFIX + headerBytes, 'utf8');
      buffer.writeUInt32LE(headerBytes, offset);
      buffer.writeUInt32LE(payloadBytes, offset + 4);
      offset += PREFIX + headerBytes + payloadBytes;
    }
    this.#outgoing = [];
    this.#outgoingBytes = 0;
    this.#stream.write(buffer);
  }

  close(): void {
    this.flush();
    this.#stream.end();
  }
}
