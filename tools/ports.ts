import net from 'node:net';

/** isFree says whether nothing listens on this 127.0.0.1 port now. */
export function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** freePort returns a port that is free now (and, with `plus`, whose port + plus is free too). */
export async function freePort(plus?: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await isFree(port)) && (plus === undefined || (await isFree(port + plus)))) return port;
  }
  throw new Error('no free port found');
}
