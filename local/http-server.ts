import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on a free port of 127.0.0.1: the server's base URL (`http://127.0.0.1:{port}`). */
export const listenLocally = async (server: Server): Promise<string> => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** Stops the server, closing the connections it holds open (keep-alive) instead of waiting for them. */
export const closeServer = (server: Server): Promise<void> =>
  new Promise<void>((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
