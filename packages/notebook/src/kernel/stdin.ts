/**
 * Jupyter's stdin channel: the kernel asks the frontend for a line of input (`input_request` on the
 * stdin socket, addressed to the client that sent the running execute request) and waits for its
 * `input_reply`. Only when that request allowed it (`allow_stdin`, false e.g. for notebooks executed
 * headless). One request at a time; later ones wait their turn.
 */
import { originalStderrWrite, WireMessage, type MessageSigner, type SendingSocket } from './wire';

/** The router socket the stdin channel is bound to. */
export type StdinSocket = SendingSocket & AsyncIterable<Buffer[]>;

/** A request for input that the frontend cannot answer. */
export class StdinNotAllowedError extends Error {
  override name = 'StdinNotAllowedError';
}

interface Pending {
  msgId: string;
  resolve(value: string): void;
  reject(error: Error): void;
}

export class StdinChannel {
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sock: StdinSocket,
    private readonly signer: MessageSigner,
  ) {}

  /** Reads replies until the socket closes. */
  start(): void {
    void (async () => {
      try {
        for await (const frames of this.sock) this.receive(frames);
      } catch (e) {
        originalStderrWrite(`asl-kernel: stdin channel stopped: ${(e as Error).message}\n`);
      }
    })();
  }

  private receive(frames: Buffer[]): void {
    let msg: WireMessage;
    try {
      msg = WireMessage.parse(this.signer, frames);
    } catch (e) {
      originalStderrWrite(`asl-kernel: dropped a stdin message: ${(e as Error).message}\n`);
      return;
    }
    const pending = this.pending;
    // Clients often send the reply without a parent header (jupyter_client, the classic notebook), as
    // ipykernel accepts: one request is pending at a time, so any reply answers it; a reply to
    // another request (an abandoned one) is ignored.
    if (msg.header.msg_type !== 'input_reply' || !pending || (msg.parent.msg_id && msg.parent.msg_id !== pending.msgId)) return;
    this.pending = undefined;
    const value = msg.content.value;
    if (msg.content.status === 'error') pending.reject(new Error('the frontend did not send any input'));
    else pending.resolve(typeof value === 'string' ? value : String(value ?? ''));
  }

  /**
   * Asks the client of `parent` (an execute request) for input. Rejects with StdinNotAllowedError when
   * the request did not allow stdin; `signal` abandons the request (an interrupt).
   */
  request(parent: WireMessage, prompt: string, password: boolean, signal?: AbortSignal): Promise<string> {
    if (parent.header.msg_type !== 'execute_request') {
      return Promise.reject(new StdinNotAllowedError('input can only be requested while a cell runs (not from a widget callback or a timer)'));
    }
    if (parent.content.allow_stdin === false) {
      return Promise.reject(
        new StdinNotAllowedError('this frontend does not allow input (allow_stdin is false: e.g. a notebook executed headless); give prompt() a default'),
      );
    }
    const run = () =>
      new Promise<string>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        const m = parent.createReply('input_request');
        m.content = { prompt, password };
        const pending: Pending = { msgId: m.header.msg_id, resolve, reject };
        this.pending = pending;
        signal?.addEventListener(
          'abort',
          () => {
            if (this.pending === pending) this.pending = undefined;
            reject(signal.reason as Error);
          },
          { once: true },
        );
        void m.signAndSend(this.signer, this.sock);
      });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
