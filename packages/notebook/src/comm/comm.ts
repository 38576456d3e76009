/**
 * Comms: Jupyter's channels between kernel code and frontend code (messaging spec, "Custom messages":
 * `comm_open`, `comm_msg`, `comm_close`, `comm_info_request`). Either side opens a comm on a named
 * target; both then send JSON data (plus binary buffers) until one closes it. Jupyter widgets are
 * built on them (../widgets).
 *
 * Kernel code uses {@link openComm} to open a comm to a frontend target, and
 * {@link registerCommTarget} to accept comms the frontend opens. The workbook kernel delivers the
 * frontend's messages ({@link commRegistry}); a handler's displays and prints go to the notebook
 * like a cell's (in the classic notebook under the cell that owns the widget; in JupyterLab to the
 * log console), and an error thrown by a handler is reported as an `error` output.
 *
 * @example
 * registerCommTarget('echo', (comm) => comm.onMessage((m) => comm.send({ echo: m.data })));
 * const c = openComm('my.target', { hello: 1 });
 * c.onMessage((m) => console.log(m.data));
 */
import { randomUUID } from 'node:crypto';
import { fail } from '../errors';
import { checkOptions } from '../options';
import { kernelHooks, type CommMessageType } from '../display/kernel-hooks';
import { shared } from '../shared';

/** JSON data of a comm message. */
export type CommData = Record<string, unknown>;

/** A message received on a comm (from the frontend). */
export interface CommMessage {
  /** The message's `content.data`. */
  readonly data: CommData;
  /** The message's metadata. */
  readonly metadata: Record<string, unknown>;
  /** Binary buffers that came with it. */
  readonly buffers: readonly Uint8Array[];
  /** The message's header id and type (`comm_open`, `comm_msg`, `comm_close`). */
  readonly msgId: string;
  readonly msgType: CommMessageType;
}

/** Options of {@link openComm}, {@link Comm.send} and {@link Comm.close}. */
export interface CommSendOptions {
  /** Message metadata (e.g. `{ version: '2.1.0' }` for widget comms). */
  metadata?: Record<string, unknown>;
  /** Binary buffers sent after the JSON parts. */
  buffers?: readonly Uint8Array[];
}

const SEND_KEYS = ['metadata', 'buffers'];

/** Handles a message on a comm; may be async (errors are reported to the notebook). */
export type CommMessageHandler = (message: CommMessage) => unknown;
/** Handles a comm opened by the frontend on a registered target. */
export type CommTargetHandler = (comm: Comm, message: CommMessage) => unknown;

/** One comm, kernel side. */
export class Comm {
  private open = true;
  private readonly messageHandlers: CommMessageHandler[] = [];
  private readonly closeHandlers: Array<(message: CommMessage | undefined) => unknown> = [];

  /** @internal — comms come from {@link openComm} or a target handler. */
  constructor(
    readonly commId: string,
    readonly targetName: string,
    /** True when the kernel opened it, false when the frontend did. */
    readonly kernelSide: boolean,
  ) {}

  /** False once either side closed it. */
  get isOpen(): boolean {
    return this.open;
  }

  /** Sends `data` to the frontend (`comm_msg`). Throws once the comm is closed. */
  send(data: CommData = {}, options: CommSendOptions = {}): void {
    checkOptions('Comm.send', options, SEND_KEYS);
    if (!this.open) fail('Comm.send', undefined, `comm ${this.commId} (${this.targetName}) is closed`);
    transmit('comm_msg', { comm_id: this.commId, data }, options);
  }

  /** Closes the comm (`comm_close`), then runs the close handlers. Closing twice does nothing. */
  close(data: CommData = {}, options: CommSendOptions = {}): void {
    checkOptions('Comm.close', options, SEND_KEYS);
    if (!this.open) return;
    transmit('comm_close', { comm_id: this.commId, data }, options);
    void this.closed(undefined);
  }

  /** Calls `handler` for every message from the frontend; returns a function that removes it. */
  onMessage(handler: CommMessageHandler): () => void {
    this.messageHandlers.push(handler);
    return () => remove(this.messageHandlers, handler);
  }

  /** Calls `handler` when the comm closes (the message is undefined when the kernel closed it). */
  onClose(handler: (message: CommMessage | undefined) => unknown): () => void {
    this.closeHandlers.push(handler);
    return () => remove(this.closeHandlers, handler);
  }

  /** @internal Delivers a frontend message to the handlers (in order; async handlers are awaited). */
  async deliver(message: CommMessage): Promise<void> {
    for (const h of [...this.messageHandlers]) await h(message);
  }

  /** @internal Marks the comm closed and runs the close handlers. */
  async closed(message: CommMessage | undefined): Promise<void> {
    if (!this.open) return;
    this.open = false;
    registry.comms.delete(this.commId);
    for (const h of [...this.closeHandlers]) await h(message);
  }
}

function remove<T>(list: T[], item: T): void {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
}

interface Registry {
  comms: Map<string, Comm>;
  targets: Map<string, CommTargetHandler>;
}

const registry = shared<Registry>('comms', () => ({ comms: new Map(), targets: new Map() }));

function transmit(msgType: CommMessageType, content: Record<string, unknown>, options: CommSendOptions): void {
  const send = kernelHooks().sendComm;
  if (!send) fail('comms', undefined, 'need a Jupyter frontend connected to the workbook kernel (asl-kernel); outside it there is nobody to talk to');
  send(msgType, content, options.metadata ?? {}, options.buffers ?? []);
}

/** True inside the workbook kernel (comms and widgets can reach a frontend). */
export function commsAvailable(): boolean {
  return kernelHooks().sendComm !== undefined;
}

/** A new comm id: 32 hex digits, as ipykernel makes them. */
export function newCommId(): string {
  return randomUUID().replace(/-/g, '');
}

/**
 * Opens a comm to the frontend's `targetName` (`comm_open` with `data`). Needs the workbook kernel.
 * The frontend answers on the returned comm, or closes it if it has no such target.
 */
export function openComm(targetName: string, data: CommData = {}, options: CommSendOptions & { commId?: string } = {}): Comm {
  checkOptions('openComm', options, [...SEND_KEYS, 'commId']);
  if (typeof targetName !== 'string' || !targetName) fail('openComm', 'targetName', 'must be a non-empty string');
  const comm = new Comm(options.commId ?? newCommId(), targetName, true);
  transmit('comm_open', { comm_id: comm.commId, target_name: targetName, data }, options);
  registry.comms.set(comm.commId, comm);
  return comm;
}

/**
 * Accepts comms the frontend opens on `targetName`: `handler` gets each new comm and its opening
 * message. Registering a name again replaces its handler.
 */
export function registerCommTarget(targetName: string, handler: CommTargetHandler): void {
  if (typeof targetName !== 'string' || !targetName) fail('registerCommTarget', 'targetName', 'must be a non-empty string');
  if (typeof handler !== 'function') fail('registerCommTarget', 'handler', 'must be a function (comm, message) => void');
  registry.targets.set(targetName, handler);
}

/** Stops accepting comms on `targetName`; returns whether it was registered. */
export function unregisterCommTarget(targetName: string): boolean {
  return registry.targets.delete(targetName);
}

/** The open comms (of one target, or all). */
export function listComms(targetName?: string): Comm[] {
  return [...registry.comms.values()].filter((c) => targetName === undefined || c.targetName === targetName);
}

/** The frontend's side of a comm message, as the kernel received it. */
export interface IncomingComm {
  content: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: readonly Uint8Array[];
  msgId: string;
  msgType: CommMessageType;
}

function messageOf(incoming: IncomingComm): CommMessage {
  const data = incoming.content.data;
  return {
    data: data && typeof data === 'object' && !Array.isArray(data) ? (data as CommData) : {},
    metadata: incoming.metadata,
    buffers: incoming.buffers,
    msgId: incoming.msgId,
    msgType: incoming.msgType,
  };
}

/** What the kernel does with the frontend's comm messages (the kernel calls these). */
export const commRegistry = {
  /**
   * A frontend `comm_open`. An unknown target is answered with a `comm_close` (as ipykernel does);
   * an id the kernel already knows is the frontend re-attaching to a live comm (a reloaded page): kept.
   */
  async open(incoming: IncomingComm): Promise<void> {
    const commId = String(incoming.content.comm_id ?? '');
    const targetName = String(incoming.content.target_name ?? '');
    if (!commId) return;
    if (registry.comms.has(commId)) return;
    const handler = registry.targets.get(targetName);
    const comm = new Comm(commId, targetName, false);
    if (!handler) {
      transmit('comm_close', { comm_id: commId, data: {} }, {});
      return;
    }
    registry.comms.set(commId, comm);
    await handler(comm, messageOf(incoming));
  },

  /** A frontend `comm_msg`: delivered to the comm's handlers; unknown comms are ignored. */
  async message(incoming: IncomingComm): Promise<void> {
    const comm = registry.comms.get(String(incoming.content.comm_id ?? ''));
    if (comm) await comm.deliver(messageOf(incoming));
  },

  /** A frontend `comm_close`. */
  async close(incoming: IncomingComm): Promise<void> {
    const comm = registry.comms.get(String(incoming.content.comm_id ?? ''));
    if (comm) await comm.closed(messageOf(incoming));
  },

  /** `comm_info_reply` content: the open comms, of one target if given. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const c of listComms(targetName || undefined)) out[c.commId] = { target_name: c.targetName };
    return out;
  },

  /** Forgets every comm without messages (kernel restart of the session state, tests). */
  reset(): void {
    registry.comms.clear();
  },
};
