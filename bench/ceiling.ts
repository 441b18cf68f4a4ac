/**
 * The ceiling for `npm run bench`: a bare Fastify app — no plugins, no hooks, one route — in its
 * own process, started the same way as the server (`node --import tsx`). What the machine, Node
 * and Fastify can do for a request that does nothing; every endpoint is reported as a share of it.
 *
 *   PORT=3999 node --import tsx bench/ceiling.ts
 */
import fastify from 'fastify';

const app = fastify();
app.get('/', async () => ({ hello: 'world' }));
const close = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGINT', () => void close());
process.once('SIGTERM', () => void close());
await app.listen({ port: Number(process.env.PORT ?? 3999), host: '127.0.0.1' });
