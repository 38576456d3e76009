/**
 * A widget frontend of the ipywidgets 8 generation in a plain page, for the protocol-2.1 browser test
 * (test/browser/widgets-lab.check.ts): the JavaScript JupyterLab 4 uses for widgets —
 * `@jupyter-widgets/base` 6 (models, views, the 2.1 protocol), `base-manager` 1 (ManagerBase: comm
 * handling, the control-comm restore JupyterLab runs when it connects, state save/restore) and
 * `controls` 5 (the views) — wired to a kernel through the Jupyter server's websocket, as
 * JupyterLab's kernel connection would be. What this page adds is only the glue JupyterLab itself
 * provides: the websocket client, the comm object, the class registry, an output renderer for the
 * Output widget (JupyterLab uses its output area) and the placement of views.
 *
 * Bundled with esbuild by the test; exposes `window.harness`.
 */
import { ManagerBase } from '@jupyter-widgets/base-manager';
import * as base from '@jupyter-widgets/base';
import * as controls from '@jupyter-widgets/controls';
import * as outputModule from '@jupyter-widgets/output';
import { Widget as LuminoWidget } from '@lumino/widgets';
import '@jupyter-widgets/controls/css/widgets.css';

type Json = Record<string, unknown>;

interface Message {
  header: { msg_id: string; msg_type: string; session?: string };
  parent_header: { msg_id?: string };
  metadata: Json;
  content: Json;
  buffers?: unknown[];
  channel: string;
}

const VIEW = 'application/vnd.jupyter.widget-view+json';

function uuid(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

/** Runs the scripts of inserted HTML (as JupyterLab does for trusted outputs). */
function insertHtml(el: HTMLElement, html: string): void {
  const holder = document.createElement('div');
  holder.innerHTML = html;
  for (const old of Array.from(holder.querySelectorAll('script'))) {
    const s = document.createElement('script');
    for (const a of Array.from(old.attributes)) s.setAttribute(a.name, a.value);
    s.textContent = old.textContent;
    old.replaceWith(s);
  }
  el.appendChild(holder);
}

function renderOutput(el: HTMLElement, o: Json): void {
  const type = o.output_type;
  if (type === 'stream') {
    const pre = document.createElement('pre');
    pre.className = `stream ${String(o.name)}`;
    pre.textContent = String(o.text);
    el.appendChild(pre);
  } else if (type === 'error') {
    const pre = document.createElement('pre');
    pre.className = 'error';
    pre.textContent = `${String(o.ename)}: ${String(o.evalue)}`;
    el.appendChild(pre);
  } else {
    const data = (o.data ?? {}) as Json;
    if (typeof data['text/html'] === 'string') insertHtml(el, data['text/html']);
    else if (typeof data['text/plain'] === 'string') {
      const pre = document.createElement('pre');
      pre.textContent = data['text/plain'];
      el.appendChild(pre);
    }
  }
}

/** The Output widget: `@jupyter-widgets/output`'s model, rendering its `outputs` (JupyterLab: an output area). */
class OutputModel extends outputModule.OutputModel {
  override defaults(): ReturnType<outputModule.OutputModel['defaults']> {
    return { ...super.defaults(), msg_id: '', outputs: [] };
  }
}

class OutputView extends outputModule.OutputView {
  override render(): void {
    this.el.classList.add('jupyter-widgets', 'widget-output');
    this.listenTo(this.model, 'change:outputs', () => this.draw());
    this.draw();
  }
  private draw(): void {
    this.el.innerHTML = '';
    for (const o of (this.model.get('outputs') as Json[]) ?? []) renderOutput(this.el, o);
  }
}

/** Comms over the websocket (what `@jupyterlab/services` gives JupyterLab). */
class HarnessComm implements base.IClassicComm {
  private onMsg: ((msg: unknown) => void) | undefined;
  private onClose: ((msg: unknown) => void) | undefined;
  constructor(
    readonly comm_id: string,
    readonly target_name: string,
    private readonly kernel: KernelConnection,
  ) {}
  open(data: unknown, callbacks?: base.ICallbacks, metadata?: Json): string {
    return this.kernel.send('comm_open', { comm_id: this.comm_id, target_name: this.target_name, data }, metadata, callbacks);
  }
  send(data: unknown, callbacks?: base.ICallbacks, metadata?: Json): string {
    return this.kernel.send('comm_msg', { comm_id: this.comm_id, data }, metadata, callbacks);
  }
  close(data?: unknown, callbacks?: base.ICallbacks, metadata?: Json): string {
    this.kernel.comms.delete(this.comm_id);
    return this.kernel.send('comm_close', { comm_id: this.comm_id, data: data ?? {} }, metadata, callbacks);
  }
  on_msg(callback: (x: unknown) => void): void {
    this.onMsg = callback;
  }
  on_close(callback: (x: unknown) => void): void {
    this.onClose = callback;
  }
  deliver(msg: Message): void {
    this.onMsg?.(msg);
  }
  closed(msg: Message): void {
    this.kernel.comms.delete(this.comm_id);
    this.onClose?.(msg);
  }
}

/** A kernel through the Jupyter server's websocket (JSON frames; these widgets send no binary buffers). */
class KernelConnection {
  readonly comms = new Map<string, HarnessComm>();
  readonly session = uuid();
  private readonly callbacks = new Map<string, base.ICallbacks & { done?: (reply: Message) => void; idle?: () => void }>();
  onIopub: (msg: Message) => void = () => undefined;
  private constructor(private readonly ws: WebSocket) {
    ws.onmessage = (e) => this.receive(JSON.parse(String(e.data)) as Message);
  }

  static async connect(url: string): Promise<KernelConnection> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`websocket ${url} failed`));
    });
    return new KernelConnection(ws);
  }

  send(msgType: string, content: Json, metadata: Json = {}, callbacks?: base.ICallbacks & { done?: (reply: Message) => void; idle?: () => void }): string {
    const msgId = uuid();
    if (callbacks) this.callbacks.set(msgId, callbacks);
    const channel = msgType === 'input_reply' ? 'stdin' : 'shell';
    this.ws.send(
      JSON.stringify({
        header: { msg_id: msgId, msg_type: msgType, session: this.session, username: 'harness', date: new Date().toISOString(), version: '5.3' },
        parent_header: {},
        metadata,
        content,
        buffers: [],
        channel,
      }),
    );
    return msgId;
  }

  private receive(msg: Message): void {
    const parent = msg.parent_header?.msg_id ?? '';
    const cb = this.callbacks.get(parent);
    if (msg.channel === 'shell') {
      cb?.done?.(msg);
      cb?.shell?.reply?.(msg as never);
      return;
    }
    if (msg.channel !== 'iopub') return;
    if (msg.header.msg_type === 'status') {
      cb?.iopub?.status?.(msg as never);
      if (msg.content.execution_state === 'idle') cb?.idle?.();
      return;
    }
    const t = msg.header.msg_type;
    if (t === 'comm_msg') this.comms.get(String(msg.content.comm_id))?.deliver(msg);
    else if (t === 'comm_close') this.comms.get(String(msg.content.comm_id))?.closed(msg);
    else this.onIopub(msg);
  }

  /** Sends a request and resolves with its reply once the kernel is idle again. */
  request(msgType: string, content: Json): Promise<Message> {
    return new Promise((resolve) => {
      let reply: Message | undefined;
      let idle = false;
      const id = this.send(msgType, content, {}, {
        done: (r) => {
          reply = r;
          if (idle) resolve(r);
        },
        idle: () => {
          idle = true;
          if (reply) resolve(reply);
        },
      });
      void id;
    });
  }
}

/** ManagerBase with the page's glue (JupyterLab's LabWidgetManager does the same with its services). */
class HarnessManager extends ManagerBase {
  constructor(private readonly kernel?: KernelConnection) {
    super();
  }

  protected async loadClass(className: string, moduleName: string, moduleVersion: string): Promise<typeof base.WidgetModel | typeof base.WidgetView> {
    const modules: Record<string, Record<string, unknown>> = {
      '@jupyter-widgets/base': base as unknown as Record<string, unknown>,
      '@jupyter-widgets/controls': controls as unknown as Record<string, unknown>,
      '@jupyter-widgets/output': { OutputModel, OutputView },
    };
    const versions: Record<string, string> = { '@jupyter-widgets/base': '2.0.0', '@jupyter-widgets/controls': '2.0.0', '@jupyter-widgets/output': '1.0.0' };
    const m = modules[moduleName];
    if (!m) throw new Error(`module ${moduleName} is not available`);
    if (versions[moduleName] !== moduleVersion) throw new Error(`module ${moduleName} ${moduleVersion} requested, this page has ${versions[moduleName]}`);
    const cls = m[className];
    if (!cls) throw new Error(`class ${className} not found in ${moduleName}`);
    return cls as typeof base.WidgetModel;
  }

  protected async _create_comm(targetName: string, modelId?: string, data?: Json, metadata?: Json): Promise<base.IClassicComm> {
    if (!this.kernel) throw new Error('no kernel');
    const comm = new HarnessComm(modelId ?? uuid(), targetName, this.kernel);
    this.kernel.comms.set(comm.comm_id, comm);
    if (data || metadata) comm.open(data ?? {}, undefined, metadata);
    return comm;
  }

  protected async _get_comm_info(): Promise<Record<string, unknown>> {
    if (!this.kernel) return {};
    const reply = await this.kernel.request('comm_info_request', { target_name: this.comm_target_name });
    return (reply.content.comms ?? {}) as Record<string, unknown>;
  }

  /** JupyterLab's restore when it connects to a kernel (the control comm, `request_states`). */
  restoreFromKernel(): Promise<void> {
    return this._loadFromKernel();
  }

  async show(modelId: string, el: HTMLElement): Promise<void> {
    const model = await this.get_model(modelId);
    const view = (await this.create_view(model)) as base.DOMWidgetView;
    const holder = document.createElement('div');
    el.appendChild(holder);
    LuminoWidget.attach(view.luminoWidget, holder);
  }
}

const page = {
  kernel: undefined as KernelConnection | undefined,
  manager: undefined as HarnessManager | undefined,
  shown: [] as string[],

  /** Connects to a kernel of the server (as JupyterLab does: restore widgets through the control comm). */
  async connect(wsUrl: string): Promise<void> {
    const kernel = await KernelConnection.connect(wsUrl);
    const manager = new HarnessManager(kernel);
    kernel.onIopub = (msg) => {
      const t = msg.header.msg_type;
      const out = document.getElementById('cell-output')!;
      if (t === 'comm_open') {
        if (msg.content.target_name !== manager.comm_target_name) return;
        const comm = new HarnessComm(String(msg.content.comm_id), String(msg.content.target_name), kernel);
        kernel.comms.set(comm.comm_id, comm);
        void manager.handle_comm_open(comm, msg as never);
      } else if (t === 'display_data' || t === 'execute_result') {
        const data = msg.content.data as Json;
        const view = data[VIEW] as { model_id: string } | undefined;
        if (view) {
          page.shown.push(view.model_id);
          void manager.show(view.model_id, out);
        } else renderOutput(out, { output_type: t, data });
      } else if (t === 'stream' || t === 'error') {
        renderOutput(out, { output_type: t, ...msg.content });
      }
    };
    page.kernel = kernel;
    page.manager = manager;
    await manager.restoreFromKernel();
  },

  /** Runs a cell; resolves with the reply's status once the kernel is idle. */
  async execute(code: string): Promise<Json> {
    const reply = await page.kernel!.request('execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    return reply.content;
  },

  /** The widget state JupyterLab saves in the notebook metadata (`get_state_sync({ drop_defaults: true })`). */
  async savedState(): Promise<unknown> {
    return page.manager!.get_state({ drop_defaults: true });
  },

  /** Without any kernel: rebuild the models from saved state and show the given views (a reopened notebook). */
  async restoreOffline(state: unknown, modelIds: string[]): Promise<void> {
    const manager = new HarnessManager();
    page.manager = manager;
    await manager.set_state(state as never);
    for (const id of modelIds) await manager.show(id, document.getElementById('cell-output')!);
  },
};

(window as unknown as { harness: typeof page }).harness = page;
