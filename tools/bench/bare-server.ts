/**
 * The benchmark's baseline: a bare Koa server with the gateway's own JSON body parser and nothing
 * else, answering every POST with a small JSON object. Prints its port on stdout.
 */
import Koa from 'koa';
import { jsonBody } from '../../src/http/body.js';
import type { AppState } from '../../src/http/state.js';

const app = new Koa<AppState>();
app.use(jsonBody);
app.use(async (ctx) => {
  ctx.body = { decision: 'allow', received: typeof ctx.request.body };
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
