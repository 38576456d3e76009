/**
 * Jupyter's wire protocol (messaging spec 5.3): parsing and HMAC-checking a multipart message,
 * building replies, signing and sending them. tslab keeps its message class private, so the kernel
 * has this small one; it has the same `createReply` / `signAndSend` shape, so tslab's `ZmqServer`
 * methods accept it. Sends are serialised per socket: zeromq allows one pending send per socket.
 */
import { createHmac, randomUUID } from 'node:crypto';

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

function sign(key: string, parts: string[]): string {
  if (!key) return '';
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest('hex');
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

  /** Parses and verifies (HMAC-SHA256 with `key`) a received multipart message. */
  static parse(key: string, frames: Buffer[]): WireMessage {
    const at = frames.findIndex((f) => f.toString() === DELIM);
    if (at < 0) throw new Error('message without the <IDS|MSG> delimiter');
    const signature = frames[at + 1].toString();
    const parts = frames.slice(at + 2, at + 6).map((f) => f.toString());
    if (parts.length < 4) throw new Error('message with fewer than four parts');
    const expected = sign(key, parts);
    if (key && signature !== expected) throw new Error('message with an invalid signature');
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

  /** The frames of this message, signed with `key`. */
  frames(key: string): Array<Buffer | string> {
    const parts = [JSON.stringify(this.header), JSON.stringify(this.parent), JSON.stringify(this.metadata), JSON.stringify(this.content)];
    return [...this.identity, DELIM, sign(key, parts), ...parts];
  }

  /** Signs and sends this message (after the socket's earlier sends). */
  signAndSend(key: string, sock: SendingSocket): Promise<void> {
    return sendInOrder(sock, this.frames(key));
  }
}
