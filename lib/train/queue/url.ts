/**
 * The queue's address: a Redis URL, `redis://[user:password@]host:port[/db]` or `rediss://…` for
 * TLS, handed as it is to the Redis client (ioredis), which reads the credentials, the database and
 * TLS from it. The password never appears in a message: {@link redactQueueUrl} shows the URL with
 * `***` instead, and {@link scrubSecret} removes it from any text (a client's error, say).
 *
 * The password may also come from the environment variable `ASL_QUEUE_PASSWORD` (when the URL has
 * none), so it stays out of the command line, where other users of the machine can read it (`ps`).
 */
import { fail } from '../../core/errors';

/** The environment variable holding the queue's password when the URL has none. */
export const QUEUE_PASSWORD_ENV = 'ASL_QUEUE_PASSWORD';

/** A checked queue address. */
export interface QueueAddress {
  /** The URL as given (with its credentials): what the client connects to. */
  url: string;
  /** The URL with the password replaced by `***`: what messages show. */
  redacted: string;
  /** The password from {@link QUEUE_PASSWORD_ENV}, when the URL has none. */
  password?: string;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** `url` with its password (if any) replaced by `***`; a text that is no URL is hidden entirely. */
export function redactQueueUrl(url: string): string {
  const u = parse(url);
  if (!u) return '<not a URL>';
  if (!u.password) return url;
  return `${u.protocol}//${u.username}:***@${u.host}${u.pathname}${u.search}`;
}

/** Checks a queue URL (scheme redis: or rediss:, a host, a numeric port and database). */
export function queueAddress(url: string, fn: string, env: NodeJS.ProcessEnv = process.env): QueueAddress {
  if (typeof url !== 'string' || url.trim() === '') fail(fn, 'queue', 'must be a Redis URL such as redis://host:6379');
  const u = parse(url);
  const shown = redactQueueUrl(url);
  if (!u || (u.protocol !== 'redis:' && u.protocol !== 'rediss:')) {
    fail(fn, 'queue', `must be a Redis URL, redis://[user:password@]host:port[/db] or rediss://… for TLS, got '${shown}'`);
  }
  if (!u.hostname) fail(fn, 'queue', `has no host: '${shown}'`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) fail(fn, 'queue', `the database after the host must be a number, got '/${db}' in '${shown}'`);
  const password = !u.password && env[QUEUE_PASSWORD_ENV] ? env[QUEUE_PASSWORD_ENV] : undefined;
  return { url, redacted: shown, ...(password ? { password } : {}) };
}

/** `text` without the address's password (raw or URL-encoded). */
export function scrubSecret(text: string, address: QueueAddress): string {
  const u = parse(address.url);
  const secrets = [address.password, u?.password, u?.password ? decodeURIComponent(u.password) : undefined].filter((s): s is string => !!s && s.length > 0);
  let out = text.split(address.url).join(address.redacted);
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}
