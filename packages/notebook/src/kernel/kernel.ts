/**
 * The workbook's Jupyter kernel: tslab's compiler and executor behind a protocol-complete server.
 *
 * Built on tslab (a dependency; its exported classes are extended or wrapped, none of its code is
 * copied): `createConverter` compiles cells (wrapped by {@link CellConverter}), `createExecutor`
 * runs them, {@link WorkbookHandler} extends `JupyterHandlerImpl` (kernel info, completion,
 * inspection, is_complete) and {@link WorkbookKernel} extends `ZmqServer` (sockets, heartbeat).
 *
 * What it adds to tslab (Jupyter messaging 5.3):
 * - `kernel_info_reply` with `status` and a complete `language_info`;
 * - `execute_input`, and `execute_result` with the execution count and a rich MIME bundle of the
 *   cell's last expression (lib/display/renderers: display methods, tensors, tables, figures);
 * - errors as an `error` message plus an `execute_reply` with `ename`, `evalue` and a traceback that
 *   names cell lines; queued cells are aborted after an error (`stop_on_error`);
 * - stdout/stderr as coalesced `stream` messages; `display_data` / `update_display_data` (with
 *   `display_id` in `transient`) for the lib's displays and tslab's `display` API; `clear_output`;
 * - interrupts (SIGINT or `interrupt_request`) that stop synchronous and async loops and keep state,
 *   and a cell stuck in a synchronous loop after an `await` (./sigint-watchdog);
 * - comms (`comm_open` / `comm_msg` / `comm_close` / `comm_info_request`, ../comm) and Jupyter widgets
 *   on them (../widgets), with a handler's outputs and errors sent under the comm message;
 * - stdin (`input_request` / `input_reply`, ./stdin) for `prompt()`;
 * - `history_request`, a clean `shutdown_reply` and exit;
 * - hardening: the connection file's `signature_scheme` honoured (an unsupported one refused at
 *   start-up), signatures compared in constant time (./wire), `process.exit()` in a cell reported as
 *   an error instead of killing the kernel (./process-exit);
 * - packages beside the kernel's installation found by the compiler too (NODE_PATH, ./module-paths);
 * - start-up: the tfjs backend is initialised (lib/backend) before the first cell, banner off.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createConverter, type Converter } from 'tslab/dist/converter';
import { createExecutor, type ConverterSet, type Executor } from 'tslab/dist/executor';
import * as tslabJupyter from 'tslab/dist/jupyter';
import { getCodeMetadata } from 'tslab/dist/metadata';
import { JupyterHandlerImpl, ZmqServer } from 'tslab/dist/jupyter';
import * as ts from '@tslab/typescript-for-tslab';
import type { MimeBundle } from 'asl-workbook';
import { setTrainingEnvironment } from 'asl-workbook';
import { commRegistry, type IncomingComm } from '../comm/comm';
import { figureRenderer, isPlotlyInlined, notePlotlyInlined, PLOTLY_BUNDLE_ID, plotlyScriptTag } from '../display/plotly';
import { currentOutputSink, type OutputMessageType } from '../display/output-sink';
import { setDisplayPublisher, type PublishOptions } from '../display/publish';
import { mimeBundleOfAsync } from '../display/renderers';
import { isSelfDisplaying, SELF_DISPLAY } from '../display/self-display';
import { setKernelHooks, type CommMessageType } from '../display/kernel-hooks';
import { liveTrainingDisplay, registerTrainingRenderers } from '../training/live';
import { installWidgetTargets } from '../widgets/protocol';
import { CellConverter } from './cell-converter';
import { ExecutionHistory, type HistoryRequest } from './history';
import { InterruptController, isInterruptError } from './interrupt';
import { installNodePathResolution } from './module-paths';
import { exitProcess, installProcessExitGuard } from './process-exit';
import { SigintWatchdog } from './sigint-watchdog';
import { StdinChannel, type StdinSocket } from './stdin';
import { StreamCoalescer, streamWriter } from './streams';
import { diagnosticsContent, interruptContent, runtimeErrorContent, stripAnsi, type ErrorContent } from './traceback';
import { drained, MessageSigner, originalStderrWrite, PROTOCOL_VERSION, WireMessage, type SendingSocket } from './wire';

const originalStdoutWrite = process.stdout.write.bind(process.stdout);

/** The kernel's implementation name in `kernel_info_reply`. */
export const KERNEL_IMPLEMENTATION = 'asl-workbook';

function packageVersion(): string {
  try {
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function tslabVersion(): string {
  try {
    return (require('tslab/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

interface ExecuteRequest {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: Record<string, unknown>;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
}

/** Converts a bundle to JSON-safe data (bytes become base64, as Jupyter expects for images). */
function jsonBundle(bundle: MimeBundle): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(bundle)) {
    if (value === undefined) continue;
    out[mime] = value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
  }
  return out;
}

/** True when `code` is complete but does not parse (for `is_complete_reply` status `invalid`). */
function hasSyntaxErrors(code: string): boolean {
  const sf = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  return ((sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length ?? 0) > 0;
}

/** tslab's `JupyterHandlerImpl`, with a complete kernel info and an `invalid` is_complete status. */
export class WorkbookHandler extends JupyterHandlerImpl {
  constructor(executor: Executor) {
    super(executor, false);
  }

  override handleKernel(): ReturnType<JupyterHandlerImpl['handleKernel']> {
    const base = super.handleKernel();
    const reply = {
      ...base,
      status: 'ok' as const,
      protocol_version: PROTOCOL_VERSION,
      implementation: KERNEL_IMPLEMENTATION,
      implementation_version: packageVersion(),
      language_info: {
        ...base.language_info,
        name: 'typescript',
        version: ts.version,
        mimetype: 'text/typescript',
        file_extension: '.ts',
        pygments_lexer: 'typescript',
      },
      banner:
        `ASL Workbook kernel ${packageVersion()}: TypeScript ${ts.version} compiled by tslab ${tslabVersion()}, ` +
        `Node.js ${process.version}`,
      help_links: [
        { text: 'TensorFlow.js API', url: 'https://js.tensorflow.org/api/latest/' },
        { text: 'Asymmetric Loss paper', url: 'https://arxiv.org/abs/2009.14119' },
      ],
      debugger: false,
    };
    return reply as unknown as ReturnType<JupyterHandlerImpl['handleKernel']>;
  }

  override handleIsComplete(req: { code: string }): ReturnType<JupyterHandlerImpl['handleIsComplete']> {
    const reply = super.handleIsComplete(req);
    if (reply.status === 'complete' && req.code.trim() && hasSyntaxErrors(req.code)) return { status: 'invalid' as const };
    return reply;
  }

  /** Inspects the name at the cursor, or just before it (the cursor usually ends the name). */
  override handleInspect(req: { code: string; cursor_pos: number; detail_level: 0 | 1 }): ReturnType<JupyterHandlerImpl['handleInspect']> {
    const reply = super.handleInspect(req);
    if (reply.found || req.cursor_pos <= 0) return reply;
    return super.handleInspect({ ...req, cursor_pos: req.cursor_pos - 1 });
  }

  override handleShutdown(req: { restart: boolean }): ReturnType<JupyterHandlerImpl['handleShutdown']> {
    return { status: 'ok', restart: !!req.restart } as ReturnType<JupyterHandlerImpl['handleShutdown']>;
  }
}

/** Where one request's outputs go (IOPub messages with that request — a cell or a comm message — as parent). */
interface CellIo {
  msg: WireMessage;
  streams: StreamCoalescer;
  send(msgType: string, content: Record<string, unknown>, extra?: { metadata?: Record<string, unknown>; buffers?: readonly Uint8Array[] }): void;
}

/** Where an output goes: a request's IOPub messages, or an Output widget's capture. */
interface OutputTarget {
  send(msgType: string, content: Record<string, unknown>): void;
}

/** How long a comm handler may run before the kernel reports idle for its message (it goes on after). */
const COMM_IDLE_AFTER_MS = 50;

export interface WorkbookKernelOptions {
  /** The connection file Jupyter passes to the kernel. */
  connectionFile: string;
  /** Folder cells resolve imports from (default: the current directory, the notebook's folder). */
  rootDir?: string;
  /** Initialise the tfjs backend before the first cell (default true). */
  initBackend?: boolean;
}

/** The kernel server: tslab's `ZmqServer` with the workbook's protocol handling. */
export class WorkbookKernel extends ZmqServer {
  readonly executor: Executor;
  private readonly convs: { readonly cell: CellConverter };
  readonly interrupts = new InterruptController();
  readonly history = new ExecutionHistory();
  private readonly executorErrors: unknown[][];
  private executionCount = 0;
  private execTail: Promise<void> = Promise.resolve();
  /** Bumped by every failing cell (stop_on_error): requests read before it are aborted. */
  private errorGeneration = 0;
  private currentIo: CellIo | undefined;
  /** The comm message whose handler is running (set across its awaits and timers). */
  private readonly requests = new AsyncLocalStorage<CellIo>();
  /** The latest request, for comm messages sent outside any (a widget updated from a timer). */
  private lastIo: CellIo | undefined;
  private ready: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly backend: boolean;
  /** Signs and checks messages (the connection file's key and signature_scheme). */
  signer: MessageSigner = MessageSigner.unsigned();
  private stdinChannel: StdinChannel | undefined;
  /** SIGINT off the main thread (stops cells stuck after an await); undefined until init. */
  watchdog: SigintWatchdog | undefined;

  constructor(options: WorkbookKernelOptions) {
    const rootDir = options.rootDir ?? process.cwd();
    let node: CellConverter | undefined;
    let browser: Converter | undefined;
    const convs: ConverterSet & { readonly cell: CellConverter } = {
      get cell() {
        node ??= new CellConverter(() => createConverter({ isJS: false, isBrowser: false }));
        return node;
      },
      get node() {
        return this.cell;
      },
      get browser() {
        browser ??= createConverter({ isJS: false, isBrowser: true });
        return browser;
      },
      close() {
        node?.close();
        browser?.close();
      },
    };
    const errors: unknown[][] = [];
    // The executor reports errors and diagnostics through this console; the kernel turns them into
    // structured error messages. (`log` would print last-expression values: the converter hides them.)
    const executor = createExecutor(rootDir, convs, {
      log: (...args: unknown[]) => void process.stdout.write(args.map(String).join(' ') + '\n'),
      error: (...args: unknown[]) => void errors.push(args),
    });
    super(new WorkbookHandler(executor) as unknown as ConstructorParameters<typeof ZmqServer>[0], options.connectionFile);
    this.executor = executor;
    this.executorErrors = errors;
    this.backend = options.initBackend !== false;
    this.convs = convs;
  }

  /** The cell compiler (created on first use: it loads TypeScript, a few seconds). */
  get converter(): CellConverter {
    return this.convs.cell;
  }

  /**
   * Reads the connection file (an unsupported signature scheme stops here, with a message saying
   * so), binds the sockets, installs the display publisher, hooks, comm targets and the SIGINT
   * watchdog, then warms up compiler and backend.
   */
  override async init(earlySigint?: (...args: unknown[]) => void): Promise<void> {
    let info: Record<string, unknown>;
    try {
      info = JSON.parse(fs.readFileSync(this.configPath, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`cannot read the connection file ${this.configPath}: ${(e as Error).message}`);
    }
    try {
      this.signer = MessageSigner.fromConnection(info);
    } catch (e) {
      throw new Error(`${(e as Error).message} (connection file ${this.configPath})`);
    }
    // Before the compiler exists: packages in NODE_PATH resolve for type-checking too.
    installNodePathResolution(ts.sys);
    await super.init();
    this.stdinChannel = new StdinChannel(this.stdin as unknown as StdinSocket, this.signer);
    this.stdinChannel.start();
    installProcessExitGuard();
    this.interrupts.install();
    const out = streamWriter((text) => this.writeStream('stdout', text));
    const err = streamWriter((text) => this.writeStream('stderr', text));
    process.stdout.write = out as typeof process.stdout.write;
    process.stderr.write = err as typeof process.stderr.write;
    setDisplayPublisher((bundle, options) => this.publishDisplay(bundle, options));
    (tslabJupyter as { lastWriteDisplayData: unknown }).lastWriteDisplayData = (
      data: { data: MimeBundle; metadata?: object; transient?: { display_id?: string } },
      update: boolean,
    ) => this.publishDisplay(data.data, { displayId: data.transient?.display_id, update }, data.metadata);
    setKernelHooks({
      clearOutput: (wait) => this.outputTarget()?.send('clear_output', { wait }),
      interruptSignal: () => this.interrupts.signal,
      sendComm: (msgType, content, metadata, buffers) => this.sendComm(msgType, content, metadata, buffers),
      publishOutput: (msgType, content) => this.outputTarget()?.send(msgType, content),
      publishUnder: (parentMsgId, msgType, content) => this.publishUnder(parentMsgId, msgType, content),
      requestInput: (prompt, password) => this.requestInput(prompt, password),
      errorContent: (error) => runtimeErrorContent(error, this.converter.lookup),
      parentMsgId: () => this.requestIo()?.msg.header.msg_id,
    });
    // The core's training loops stop on an interrupt and show their live chart here.
    setTrainingEnvironment({ interruptSignal: () => this.interrupts.signal, progress: liveTrainingDisplay });
    registerTrainingRenderers();
    installWidgetTargets();
    this.watchdog = new SigintWatchdog({
      onInterrupt: () => this.interrupt(),
      onTerminated: () => originalStderrWrite('asl-kernel: interrupt: stopped a cell stuck in a synchronous loop\n'),
    });
    await this.watchdog.start(earlySigint);
    this.ready = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      void this.converter; // compile the TypeScript lib once (a few seconds)
      if (this.backend) {
        try {
          const { initBackend } = require('asl-workbook') as typeof import('asl-workbook');
          await initBackend();
        } catch (e) {
          originalStderrWrite(`asl-kernel: tfjs backend start-up failed: ${(e as Error).message}\n`);
        }
        keepKernelErrorHandlers();
      }
    });
  }

  /** The request whose outputs are being produced: a comm message's handler, else the latest cell. */
  private requestIo(): CellIo | undefined {
    return this.requests.getStore() ?? this.currentIo;
  }

  /** Where an output goes now: an Output widget's capture, else the request's IOPub messages. */
  private outputTarget(): OutputTarget | undefined {
    const sink = currentOutputSink();
    if (sink) return { send: (msgType, content) => sink.emit(msgType as OutputMessageType, content) };
    return this.requestIo();
  }

  /** stdout/stderr of cells, callbacks and timers: to the capture or the request's stream. */
  private writeStream(name: 'stdout' | 'stderr', text: string): void {
    const sink = currentOutputSink();
    if (sink) {
      sink.emit('stream', { name, text });
      return;
    }
    const io = this.requestIo();
    if (io) io.streams.write(name, text);
    else if (name === 'stdout') originalStdoutWrite(text);
    else originalStderrWrite(text);
  }

  /** Sends a comm message on IOPub under the current request (or the latest one). */
  private sendComm(msgType: CommMessageType, content: Record<string, unknown>, metadata: Record<string, unknown>, buffers: readonly Uint8Array[]): void {
    const io = this.requestIo() ?? this.lastIo;
    if (!io) {
      originalStderrWrite(`asl-kernel: a ${msgType} before any request from a frontend was dropped\n`);
      return;
    }
    io.send(msgType, content, { metadata, buffers });
  }

  /** Publishes an output message under a parent msg_id of the caller's choosing. */
  private publishUnder(parentMsgId: string, msgType: string, content: Record<string, unknown>): void {
    const io = this.requestIo() ?? this.lastIo;
    const m = new WireMessage({
      msg_id: randomUUID(),
      msg_type: msgType,
      session: io?.msg.header.session ?? '',
      username: io?.msg.header.username ?? 'kernel',
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    });
    m.parent = { msg_id: parentMsgId, msg_type: 'comm_msg', session: io?.msg.header.session ?? '', username: io?.msg.header.username ?? '', date: new Date().toISOString(), version: PROTOCOL_VERSION };
    m.identity = [Buffer.from(`kernel.${msgType}`)];
    m.content = content;
    io?.streams.flush();
    this.sendIopub(m, msgType);
  }

  /** Asks the frontend of the running cell for input (stdin). */
  private requestInput(prompt: string, password: boolean): Promise<string> {
    const io = this.requestIo();
    if (!io || !this.stdinChannel) return Promise.reject(new Error('prompt: no request is running'));
    io.streams.flush();
    return this.stdinChannel.request(io.msg, prompt, password, this.interrupts.signal);
  }

  /** Interrupts the running cell (SIGINT and `interrupt_request`). */
  interrupt(): void {
    this.interrupts.interrupt();
    this.executor.interrupt();
  }

  /**
   * Plotly figures need plotly.js in the page: it is inlined once per session (offline). A bundle
   * whose HTML draws a figure (`class="asl-plot"`) before plotly.js was inlined gets it prepended.
   */
  private withPlotly(bundle: MimeBundle): MimeBundle {
    const html = bundle['text/html'];
    if (typeof html !== 'string' || figureRenderer() !== 'inline') return bundle;
    if (html.includes(`id="${PLOTLY_BUNDLE_ID}"`)) {
      notePlotlyInlined();
      return bundle;
    }
    if (!isPlotlyInlined() && html.includes('class="asl-plot"')) {
      notePlotlyInlined();
      return { ...bundle, 'text/html': plotlyScriptTag() + html };
    }
    return bundle;
  }

  private publishDisplay(shown: MimeBundle, options: PublishOptions, metadata: object = {}): void {
    const io = this.outputTarget();
    if (!io) return;
    const bundle = this.withPlotly(shown);
    io.send(options.update ? 'update_display_data' : 'display_data', {
      data: jsonBundle(bundle),
      metadata,
      transient: options.displayId ? { display_id: options.displayId } : {},
    });
  }

  /** Signs and sends an IOPub message; content JSON cannot carry becomes a note on stderr. */
  private sendIopub(m: WireMessage, msgType: string): void {
    try {
      void m.signAndSend(this.signer, this.iopub as unknown as SendingSocket);
    } catch (e) {
      // Content that JSON cannot carry (a BigInt, a cycle): say so instead of losing the output.
      m.header.msg_type = 'stream';
      m.identity = [Buffer.from('kernel.stream')];
      m.buffers = [];
      m.content = { name: 'stderr', text: `asl-kernel: could not send a ${msgType} message: ${(e as Error).message}\n` };
      void m.signAndSend(this.signer, this.iopub as unknown as SendingSocket);
    }
  }

  private ioFor(msg: WireMessage): CellIo {
    const send: CellIo['send'] = (msgType, content, extra) => {
      const m = msg.createReply(msgType);
      m.identity = [Buffer.from(`kernel.${msgType}`)];
      m.content = content;
      if (extra?.metadata) m.metadata = extra.metadata;
      if (extra?.buffers?.length) m.buffers = extra.buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      this.sendIopub(m, msgType);
    };
    const streams = new StreamCoalescer((name, text) => send('stream', { name, text }));
    return {
      msg,
      streams,
      send: (msgType, content, extra) => {
        if (msgType !== 'stream') streams.flush();
        send(msgType, content, extra);
      },
    };
  }

  override publishStatus(status: string, parent: unknown): void {
    if (status === 'idle') this.currentIo?.streams.flush();
    const m = (parent as WireMessage).createReply('status');
    m.identity = [Buffer.from('kernel.status')];
    m.content = { execution_state: status };
    void m.signAndSend(this.signer, this.iopub as unknown as SendingSocket);
  }

  private reply(sock: unknown, msg: WireMessage, msgType: string, content: Record<string, unknown>): void {
    const r = msg.createReply(msgType);
    r.content = content;
    void r.signAndSend(this.signer, sock as SendingSocket);
  }

  /**
   * A frontend's comm message: handled by the comm's handlers with the message as the parent of
   * what they send or print; an error they throw is reported as an `error` output under it. The
   * kernel reports idle once the handler finished or after {@link COMM_IDLE_AFTER_MS} (a handler
   * that starts long work does not hold the frontend's next messages back).
   */
  private async handleComm(msg: WireMessage, msgType: CommMessageType): Promise<void> {
    const io = this.ioFor(msg);
    this.lastIo = io;
    const incoming: IncomingComm = {
      content: msg.content,
      metadata: msg.metadata,
      buffers: msg.buffers.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
      msgId: msg.header.msg_id,
      msgType,
    };
    const handled = this.requests
      .run(io, async () => {
        try {
          if (msgType === 'comm_open') await commRegistry.open(incoming);
          else if (msgType === 'comm_msg') await commRegistry.message(incoming);
          else await commRegistry.close(incoming);
        } catch (e) {
          const target = this.outputTarget();
          target?.send('error', { ...runtimeErrorContent(e, this.converter.lookup) });
        }
      })
      .finally(() => io.streams.flush());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([handled, new Promise<void>((resolve) => (timer = setTimeout(resolve, COMM_IDLE_AFTER_MS)))]);
    clearTimeout(timer);
  }

  /** Dispatches a shell or control message; executes are queued and run one at a time. */
  override async handleShellMessage(sock: unknown, ...frames: Buffer[]): Promise<void> {
    let msg: WireMessage;
    try {
      msg = WireMessage.parse(this.signer, frames);
    } catch (e) {
      originalStderrWrite(`asl-kernel: dropped a message: ${(e as Error).message}\n`);
      return;
    }
    const type = msg.header.msg_type;
    if (type === 'execute_request') {
      this.enqueueExecute(sock, msg);
      return;
    }
    this.publishStatus('busy', msg);
    let shutdown = false;
    try {
      const handler = this.handler as unknown as WorkbookHandler;
      const content = msg.content as never;
      switch (type) {
        case 'kernel_info_request':
          this.reply(sock, msg, 'kernel_info_reply', { ...handler.handleKernel() });
          break;
        case 'is_complete_request':
          this.reply(sock, msg, 'is_complete_reply', { ...handler.handleIsComplete(content) });
          break;
        case 'inspect_request':
          this.reply(sock, msg, 'inspect_reply', this.safely(() => ({ ...handler.handleInspect(content) }), { status: 'ok', found: false, data: {}, metadata: {} }));
          break;
        case 'complete_request': {
          const pos = (msg.content.cursor_pos as number | undefined) ?? String(msg.content.code ?? '').length;
          this.reply(
            sock,
            msg,
            'complete_reply',
            this.safely(() => ({ ...handler.handleComplete(content) }), { status: 'ok', matches: [], cursor_start: pos, cursor_end: pos, metadata: {} }),
          );
          break;
        }
        case 'history_request':
          this.reply(sock, msg, 'history_reply', { status: 'ok', history: this.history.query(msg.content as HistoryRequest) });
          break;
        case 'comm_info_request': {
          const target = msg.content.target_name;
          this.reply(sock, msg, 'comm_info_reply', { status: 'ok', comms: commRegistry.info(typeof target === 'string' ? target : undefined) });
          break;
        }
        case 'interrupt_request':
          this.interrupt();
          this.reply(sock, msg, 'interrupt_reply', { status: 'ok' });
          break;
        case 'shutdown_request':
          this.reply(sock, msg, 'shutdown_reply', { ...handler.handleShutdown(content) });
          shutdown = true;
          break;
        case 'comm_open':
        case 'comm_msg':
        case 'comm_close':
          await this.handleComm(msg, type);
          break;
        default:
          originalStderrWrite(`asl-kernel: unsupported message type ${type}\n`);
      }
    } finally {
      this.publishStatus('idle', msg);
    }
    if (shutdown) await this.shutdown();
  }

  private safely<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (e) {
      originalStderrWrite(`asl-kernel: ${(e as Error).stack ?? e}\n`);
      return fallback;
    }
  }

  private enqueueExecute(sock: unknown, msg: WireMessage): void {
    // Requests read from the socket before a failing cell finished are aborted (ipykernel's
    // stop_on_error behaviour): they were sent expecting the failed cell's effects. The failing cell's
    // reply and its idle status go out in one synchronous run, so a request read after them — a client
    // that waited for either — runs.
    const generation = this.errorGeneration;
    this.execTail = this.execTail
      .then(async () => {
        this.publishStatus('busy', msg);
        try {
          if (generation !== this.errorGeneration) {
            // An error reply (messaging 5.1 deprecates status 'aborted'); no IOPub error: it never ran.
            this.reply(sock, msg, 'execute_reply', {
              status: 'error',
              execution_count: this.executionCount,
              ename: 'ExecutionAborted',
              evalue: 'not run: an earlier cell failed',
              traceback: ['ExecutionAborted: not run: an earlier cell failed (stop_on_error)'],
            });
          } else {
            try {
              await this.handleExecute(sock, msg);
            } catch (e) {
              // A kernel bug must not leave the client waiting for a reply.
              const content = runtimeErrorContent(e, this.converter.lookup);
              this.reply(sock, msg, 'execute_reply', { status: 'error', execution_count: this.executionCount, ...content });
              throw e;
            }
          }
        } finally {
          this.publishStatus('idle', msg);
        }
      })
      .catch((e: Error) => originalStderrWrite(`asl-kernel: execute failed: ${e?.stack ?? e}\n`));
  }

  /** Runs one execute request: outputs on IOPub, then the `execute_reply`. */
  override async handleExecute(sock: unknown, message: unknown): Promise<void> {
    const msg = message as WireMessage;
    const req = msg.content as unknown as ExecuteRequest;
    const code = String(req.code ?? '');
    const silent = !!req.silent;
    const store = req.store_history !== false && !silent;
    const previous = this.currentIo;
    previous?.streams.flush();
    const io = this.ioFor(msg);
    this.currentIo = io;
    this.lastIo = io;
    if (store) {
      this.executionCount++;
      this.history.add(this.executionCount, code);
    }
    const count = this.executionCount;
    if (!silent) io.send('execute_input', { code, execution_count: count });
    const outcome = await this.run(code, store ? `In [${count}]` : 'cell', io, silent);
    if (outcome.error) {
      if (!silent) io.send('error', { ...outcome.error });
      if (req.stop_on_error !== false) {
        this.errorGeneration++;
      }
      io.streams.flush();
      this.reply(sock, msg, 'execute_reply', { status: 'error', execution_count: count, ...outcome.error });
      return;
    }
    if (outcome.result && !silent) {
      io.send('execute_result', { execution_count: count, data: jsonBundle(outcome.result), metadata: {} });
      const text = outcome.result['text/plain'];
      if (store && typeof text === 'string') this.history.setOutput(count, text);
    }
    io.streams.flush();
    this.reply(sock, msg, 'execute_reply', { status: 'ok', execution_count: count, payload: [], user_expressions: {} });
  }

  /** Compiles and runs a cell; returns its rich result or its error content. */
  private async run(code: string, label: string, io: CellIo, silent: boolean): Promise<{ result?: MimeBundle; error?: ErrorContent }> {
    await this.ready;
    // One turn of the event loop: lets zeromq send `busy` and `execute_input` before a cell that
    // may block the thread for a long time.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.interrupts.reset();
    this.executorErrors.length = 0;
    const converter = this.converter;
    converter.nextLabel = label;
    converter.takeLast();
    let ok: boolean;
    try {
      // Compile first, then let the event loop turn: a SIGINT that arrived during a long compile is
      // handled now (the cell does not start) instead of being lost once the cell runs.
      const meta = getCodeMetadata(code);
      if (!meta.module && meta.mode !== 'browser') {
        converter.prepare(code);
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.interrupts.isInterrupted) {
          converter.discardPrepared();
          converter.takeLast();
          return { error: interruptContent(undefined, converter.lookup) };
        }
      }
      this.watchdog?.setBusy(true);
      ok = await this.executor.execute(code);
    } catch (e) {
      ok = false;
      this.executorErrors.push([e]);
    } finally {
      this.watchdog?.setBusy(false);
    }
    const last = converter.takeLast();
    if (!ok) {
      keepKernelErrorHandlers();
      if (last && last.diagnostics.length > 0) return { error: diagnosticsContent(last.diagnostics, last.cell) };
      const thrown = this.executorErrors.find((args) => !(typeof args[0] === 'string' && args[0].includes('%')));
      if (thrown) return { error: runtimeErrorContent(thrown[0], converter.lookup) };
      return { error: { ename: 'Error', evalue: 'the cell failed', traceback: ['Error: the cell failed'] } };
    }
    keepKernelErrorHandlers(); // a cell may have loaded the wasm backend
    // A tslab module cell (`//@module`) reports its diagnostics but succeeds: show them as stderr.
    for (const args of this.executorErrors) io.streams.write('stderr', args.map(String).join(' ') + '\n');
    const name = last?.lastExpressionVar;
    if (!name) return {};
    const locals = this.executor.locals;
    const value: unknown = locals[name];
    delete locals[name];
    if (value === undefined || silent) return {};
    if (isSelfDisplaying(value)) {
      // A widget: shown by its own display messages, not as an execute_result.
      try {
        await value[SELF_DISPLAY]();
      } catch (e) {
        return { error: runtimeErrorContent(e, converter.lookup) };
      }
      return {};
    }
    const result = await mimeBundleOfAsync(value, { includePlotlyJs: !isPlotlyInlined() });
    return { result: result && this.withPlotly(result) };
  }

  /** Replies have been sent: release resources and exit. */
  private async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    shuttingDown = true;
    this.currentIo?.streams.flush();
    this.watchdog?.stop();
    await Promise.all([drained(this.shell), drained(this.control), drained(this.iopub)]);
    try {
      this.close();
    } finally {
      setTimeout(() => exitProcess(0), 50).unref();
    }
  }
}

let shuttingDown = false;

/** Reports errors that escape cells (timers, un-awaited promises) in the current cell's stderr. */
function reportEscaped(kind: string, error: unknown): void {
  if (isInterruptError(error) || shuttingDown) return;
  const text = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  process.stderr.write(`${kind}: ${stripAnsi(text)}\n`);
}

const onUncaught = (e: unknown) => reportEscaped('Uncaught exception', e);
const onUnhandled = (e: unknown) => reportEscaped('Unhandled promise rejection', e);

/**
 * Keeps the kernel's own handlers for escaped errors and removes others: tfjs' wasm backend
 * (Emscripten) installs handlers that rethrow, which would turn any stray rejection in a notebook
 * into the death of the kernel.
 */
export function keepKernelErrorHandlers(): void {
  for (const l of process.listeners('uncaughtException')) if (l !== onUncaught) process.removeListener('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection')) if (l !== onUnhandled) process.removeListener('unhandledRejection', l);
  if (!process.listeners('uncaughtException').includes(onUncaught)) process.on('uncaughtException', onUncaught);
  if (!process.listeners('unhandledRejection').includes(onUnhandled)) process.on('unhandledRejection', onUnhandled);
}

/** Starts the kernel for a connection file (what `asl-kernel --connection-file F` does). */
export async function startWorkbookKernel(options: WorkbookKernelOptions): Promise<WorkbookKernel> {
  process.title = `asl-kernel ${path.basename(options.connectionFile)}`;
  // Until the SIGINT watchdog listens, an interrupt is taken here (Node would otherwise exit).
  let kernel: WorkbookKernel | undefined;
  const early = () => kernel?.interrupt();
  process.on('SIGINT', early);
  // Stack frames in the lib (compiled with source maps) then name its TypeScript lines.
  process.setSourceMapsEnabled(true);
  keepKernelErrorHandlers();
  kernel = new WorkbookKernel(options);
  await kernel.init(early);
  return kernel;
}
