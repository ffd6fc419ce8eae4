// A real forward proxy (the npm `proxy` package, as Squid would be) on 127.0.0.1, recording every request
// that passes through it, so a test proves a request really went via the proxy and not around it.
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';

export interface ProxiedRequest {
  method: string;
  /** absolute-form target for plain HTTP ("http://127.0.0.1:1234/path"), host:port for CONNECT */
  target: string;
}

export interface ForwardProxy {
  /** e.g. "http://127.0.0.1:40125" */
  url: string;
  port: number;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** `host` is a loopback address to listen on (default 127.0.0.1; 127.0.0.2 lets a test tell proxy and target apart). */
export async function startForwardProxy(options: { host?: string } = {}): Promise<ForwardProxy> {
  const host = options.host ?? '127.0.0.1';
  const requests: ProxiedRequest[] = [];
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (request) => requests.push({ method: request.method ?? '', target: request.url ?? '' }));
  server.on('connect', (request, socket: Socket) => {
    requests.push({ method: 'CONNECT', target: request.url ?? '' });
    sockets.add(socket);
  });
  createProxy(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
