/**
 * The connection to the queue's Redis. BullMQ and ioredis load here, on first use, so importing the
 * workbook (and local sweeps) never loads them. The URL goes to ioredis as it is (credentials,
 * database, `rediss://` TLS); the connection is checked once before use, so a wrong address or
 * password fails at once with the reason, and messages show the URL without its password.
 */
import type * as BullMQ from 'bullmq';
import type { Redis } from 'ioredis';
import { fail } from '../../core/errors';
import { QUEUE_PREFIX } from './ids';
import { queueAddress, scrubSecret, type QueueAddress } from './url';

/** An open, checked connection, and the BullMQ module. */
export interface QueueConnection {
  address: QueueAddress;
  client: Redis;
  bull: typeof BullMQ;
  /** Another connection to the same Redis (BullMQ's blocking reads need their own). */
  duplicate(): Redis;
  /** A BullMQ queue on this connection. */
  queue(name: string): BullMQ.Queue;
  /** Text without the password. */
  scrub(text: string): string;
  /** Logs a connection error (without the password), at most every 30 s: ioredis reconnects meanwhile. */
  reportError(e: Error): void;
  close(): Promise<void>;
}

/** Opens and checks a connection to the queue at `url` (see the module comment). */
export async function connectQueue(url: string, fn: string, log: (line: string) => void = (l) => console.error(l)): Promise<QueueConnection> {
  const address = queueAddress(url, fn);
  const bull = require('bullmq') as typeof BullMQ;
  const ioredis = require('ioredis') as { default?: typeof Redis } & typeof Redis;
  const IORedis = ioredis.default ?? ioredis;
  // Commands wait through reconnects (maxRetriesPerRequest: null, as BullMQ's workers require).
  const client = new IORedis(address.url, { maxRetriesPerRequest: null, lazyConnect: true, connectTimeout: 10_000, ...(address.password ? { password: address.password } : {}) });
  let lastError: Error | undefined;
  const remember = (e: Error) => void (lastError = e);
  client.on('error', remember);
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    const why = scrubSecret((lastError ?? (e as Error)).message, address);
    fail(fn, undefined, `cannot connect to the queue at ${address.redacted}: ${why}`);
  }
  client.off('error', remember);
  // Later connection trouble: ioredis reconnects; say so now and then, without the password.
  let lastLogged = 0;
  const onError = (e: Error) => {
    if (Date.now() - lastLogged < 30_000) return;
    lastLogged = Date.now();
    log(`queue ${address.redacted}: ${scrubSecret(e.message, address)} (reconnecting)`);
  };
  client.on('error', onError);
  const extra: Redis[] = [];
  return {
    address,
    client,
    bull,
    duplicate() {
      const d = client.duplicate();
      d.on('error', onError);
      extra.push(d);
      return d;
    },
    queue(name) {
      const q = new bull.Queue(name, { connection: client, prefix: QUEUE_PREFIX });
      q.on('error', onError);
      return q;
    },
    scrub: (text) => scrubSecret(text, address),
    reportError: onError,
    async close() {
      for (const c of [...extra, client]) {
        await c.quit().catch(() => c.disconnect());
      }
    },
  };
}
