/**
 * Jupyter's wire protocol (messaging spec 5.3): parsing and HMAC-checking a multipart message,
 * building replies, signing and sending them. tslab keeps its message class private, so the kernel
 * has this small one. Sends are serialised per socket: zeromq allows one pending send per socket.
 *
 * Signatures follow the connection file: `signature_scheme` names the HMAC (`hmac-sha256`, Jupyter's
 * default, or any `hmac-<digest>` Node's crypto offers) and an empty `key` means no signing. A scheme
 * the kernel cannot honour is refused at start-up ({@link MessageSigner.fromConnection}); received
 * signatures are compared in constant time.
 */
import { createHmac, getHashes, randomUUID, timingSafeEqual } from 'node:crypto';

/** The protocol version the kernel speaks. */
export const PROTOCOL_VERSION = '5.3';

const DELIM = '<IDS|MSG>';

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

/** What the kernel needs of a zeromq socket. */
export interface SendingSocket {
  send(frames: Array<Buffer | string>): Promise<void> | void;
}

const queues = new WeakMap<object, Promise<void>>();

/** Sends `frames` on `sock` after the socket's earlier sends; failures are logged, not thrown. */
export function sendInOrder(sock: SendingSocket, frames: Array<Buffer | string>): Promise<void> {
  const previous = queues.get(sock) ?? Promise.resolve();
  const next = previous
    .then(() => sock.send(frames))
    .catch((e: Error) => {
      originalStderrWrite(`asl-kernel: send failed: ${e?.message ?? e}\n`);
    });
  queues.set(sock, next);
  return next;
}

/** Resolves when every send queued so far on `sock` is done. */
export function drained(sock: object): Promise<void> {
  return queues.get(sock) ?? Promise.resolve();
}

const stderrWrite = process.stderr.write.bind(process.stderr);

/** Writes to the kernel's own stderr (the terminal or log), never into a cell's output. */
export function originalStderrWrite(text: string): void {
  stderrWrite(text);
}

/** The scheme Jupyter uses when a connection file names none. */
export const DEFAULT_SIGNATURE_SCHEME = 'hmac-sha256';

/** Signs and verifies messages with the key and scheme of a connection file. */
export class MessageSigner {
  private constructor(
    private readonly key: string,
    /** The Node.js digest name (`sha256` for `hmac-sha256`). */
    readonly digest: string,
  ) {}

  /**
   * The signer for a connection file's `key` and `signature_scheme`. Throws an Error whose message
   * says what is wrong when the scheme is not `hmac-<digest>` with a digest Node.js supports.
   */
  static fromConnection(info: { key?: unknown; signature_scheme?: unknown }): MessageSigner {
    const key = info.key ?? '';
    if (typeof key !== 'string') throw new Error(`the connection file's "key" must be a string, got ${typeof key}`);
    const scheme = info.signature_scheme ?? DEFAULT_SIGNATURE_SCHEME;
    const match = typeof scheme === 'string' ? /^hmac-([a-z0-9-]+)$/i.exec(scheme) : null;
    const digest = match?.[1].toLowerCase();
    if (!digest || !getHashes().includes(digest)) {
      const offered = ['sha256', 'sha512', 'sha384', 'sha224', 'sha1', 'sha3-256', 'md5'].filter((d) => getHashes().includes(d));
      throw new Error(
        `unsupported signature_scheme ${JSON.stringify(scheme)} in the connection file: the kernel signs with ` +
          `hmac-<digest>, digest one of ${offered.join(', ')} (and the others Node.js crypto offers); ` +
          `Jupyter's default is ${DEFAULT_SIGNATURE_SCHEME}`,
      );
    }
    return new MessageSigner(key, digest);
  }

  /** A signer with an empty key: messages are neither signed nor checked. */
  static unsigned(): MessageSigner {
    return new MessageSigner('', 'sha256');
  }

  /** Whether messages are signed (a non-empty key). */
  get signs(): boolean {
    return this.key.length > 0;
  }

  /** The hex signature of a message's four JSON parts ('' without a key). */
  sign(parts: readonly string[]): string {
    if (!this.key) return '';
    const h = createHmac(this.digest, this.key);
    for (const p of parts) h.update(p);
    return h.digest('hex');
  }

  /** True when `signature` signs `parts` (always true without a key); constant-time in the signature. */
  verify(signature: string, parts: readonly string[]): boolean {
    if (!this.key) return true;
    const expected = Buffer.from(this.sign(parts), 'latin1');
    const given = Buffer.from(signature, 'latin1');
    // The length of a hex digest is public (it follows from the scheme); only equal lengths are compared.
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** One Jupyter message. */
export class WireMessage {
  identity: Buffer[] = [];
  header: MessageHeader;
  parent: Partial<MessageHeader> = {};
  metadata: Record<string, unknown> = {};
  content: Record<string, unknown> = {};
  buffers: Buffer[] = [];

  constructor(header: MessageHeader) {
    this.header = header;
  }

  /** Parses and verifies (with the connection's signer) a received multipart message. */
  static parse(signer: MessageSigner, frames: Buffer[]): WireMessage {
    const at = frames.findIndex((f) => f.toString() === DELIM);
    if (at < 0) throw new Error('message without the <IDS|MSG> delimiter');
    const signature = frames[at + 1].toString();
    const parts = frames.slice(at + 2, at + 6).map((f) => f.toString());
    if (parts.length < 4) throw new Error('message with fewer than four parts');
    if (!signer.verify(signature, parts)) throw new Error('message with an invalid signature');
    const msg = new WireMessage(JSON.parse(parts[0]) as MessageHeader);
    msg.identity = frames.slice(0, at);
    msg.parent = JSON.parse(parts[1]) as Partial<MessageHeader>;
    msg.metadata = JSON.parse(parts[2]) as Record<string, unknown>;
    msg.content = JSON.parse(parts[3]) as Record<string, unknown>;
    msg.buffers = frames.slice(at + 6);
    return msg;
  }

  /** A message answering this one (same routing identity, this header as parent). */
  createReply(msgType = this.header.msg_type): WireMessage {
    const reply = new WireMessage({
      msg_id: randomUUID(),
      msg_type: msgType,
      session: this.header.session,
      username: this.header.username,
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    });
    reply.identity = this.identity;
    reply.parent = this.header;
    return reply;
  }

  /** The frames of this message, signed by `signer` (binary buffers last). */
  frames(signer: MessageSigner): Array<Buffer | string> {
    const parts = [JSON.stringify(this.header), JSON.stringify(this.parent), JSON.stringify(this.metadata), JSON.stringify(this.content)];
    return [...this.identity, DELIM, signer.sign(parts), ...parts, ...this.buffers];
  }

  /** Signs and sends this message (after the socket's earlier sends). */
  signAndSend(signer: MessageSigner, sock: SendingSocket): Promise<void> {
    return sendInOrder(sock, this.frames(signer));
  }
}
