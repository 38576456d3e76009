/**
 * The kernel side of a Jupyter widget: a model whose state is kept here, mirrored in the frontend
 * over a comm on the `jupyter.widget` target, in whichever protocol the frontend speaks (./protocol).
 *
 * - State is protocol-neutral here; each widget class says how it looks in protocol 1 and 2
 *   ({@link Widget.attributes}). What is sent is the difference between that view and what the
 *   frontend last saw, so a kernel change sends only the attributes it changed, and a frontend's
 *   change is never echoed back as an `update` (a dragged slider would jump back) unless the kernel
 *   changed the value (e.g. clamped it).
 * - A widget opens its comm when it is first shown (or referenced by a shown box), not before, so
 *   widgets made outside a notebook work as plain objects (state and observers) in scripts and tests.
 * - Observers run after every change, from the kernel or the frontend; an error in one is reported
 *   to the notebook as an `error` output and does not stop the others.
 * - Protocol 2.1: a frontend's `update` is confirmed with an `echo_update`; `request_state` is
 *   answered with the whole state; the control comm's `request_states` lists every open widget.
 */
import { inspect } from 'node:util';
import { fail } from '../errors';
import { commsAvailable, newCommId, openComm, type Comm, type CommMessage } from '../comm/comm';
import { reportCallbackError, kernelHooks } from '../display/kernel-hooks';
import { publish } from '../display/publish';
import { SELF_DISPLAY } from '../display/self-display';
import { shared } from '../shared';
import { setStatesProvider, widgetProtocol, WIDGET_PROTOCOL_VERSIONS, type WidgetProtocol } from './protocol';

/** A JSON value (widget state travels as JSON). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The MIME type of a widget view (display_data). */
export const WIDGET_VIEW_MIMETYPE = 'application/vnd.jupyter.widget-view+json';
/** The MIME type of widget state in notebook metadata (`metadata.widgets`). */
export const WIDGET_STATE_MIMETYPE = 'application/vnd.jupyter.widget-state+json';

/** A change of one attribute, as observers see it. */
export interface WidgetChange<T = unknown> {
  /** The attribute's name. */
  name: string;
  old: T;
  new: T;
  /** Who changed it: kernel code, or the user in the frontend. */
  source: 'kernel' | 'frontend';
}

export type WidgetObserver<T = unknown> = (change: WidgetChange<T>) => unknown;

/** Model and view names and modules of a widget in one protocol. */
export interface ModelIdentity {
  model: string;
  view: string | null;
  /** Model module and version (protocol 2: `@jupyter-widgets/controls` 2.0.0 unless given). */
  module?: string;
  version?: string;
  /** View module and version when they differ from the model's (style models' StyleView). */
  viewModule?: string;
  viewVersion?: string;
}

const CONTROLS = '@jupyter-widgets/controls';
const CONTROLS_VERSION = '2.0.0';
/** `@jupyter-widgets/base` widget spec version (LayoutModel, StyleView). */
export const BASE_MODULE = '@jupyter-widgets/base';
export const BASE_VERSION = '2.0.0';
const CLASSIC_MODULE = 'jupyter-js-widgets';

/** The `_model_*` / `_view_*` attributes of a widget in `protocol`. */
function identityAttributes(id: ModelIdentity, protocol: WidgetProtocol): Record<string, JsonValue> {
  if (protocol === 1) {
    const v = WIDGET_PROTOCOL_VERSIONS[1];
    return {
      _model_name: id.model,
      _model_module: CLASSIC_MODULE,
      _model_module_version: v,
      _view_name: id.view,
      _view_module: CLASSIC_MODULE,
      _view_module_version: v,
    };
  }
  const module = id.module ?? CONTROLS;
  const version = id.version ?? CONTROLS_VERSION;
  return {
    _model_name: id.model,
    _model_module: module,
    _model_module_version: version,
    _view_name: id.view,
    _view_module: id.viewModule ?? module,
    _view_module_version: id.viewVersion ?? version,
  };
}

/** `"IPY_MODEL_<id>"`: how one widget's state refers to another. */
export function widgetRef(widget: Widget): string {
  return `IPY_MODEL_${widget.modelId}`;
}

interface Registry {
  open: Map<string, Widget>;
}

const registry = shared<Registry>('widgets', () => ({ open: new Map() }));

/** The open widgets (those a frontend knows), newest last. */
export function openWidgets(): Widget[] {
  return [...registry.open.values()];
}

/**
 * The state of every open widget as notebook metadata stores it (`metadata.widgets[WIDGET_STATE_MIMETYPE]`):
 * `{ version_major, version_minor, state: { id: { model_name, model_module, model_module_version, state } } }`.
 * JupyterLab saves this (setting "Save widget state automatically"); the classic notebook with
 * Widgets > Save Notebook with Widgets; `@jupyter-widgets/html-manager` renders it without a kernel.
 */
export function widgetState(protocol: WidgetProtocol = widgetProtocol()): {
  version_major: number;
  version_minor: number;
  state: Record<string, { model_name: string; model_module: string; model_module_version: string; state: Record<string, JsonValue> }>;
} {
  const state: Record<string, { model_name: string; model_module: string; model_module_version: string; state: Record<string, JsonValue> }> = {};
  for (const w of openWidgets()) {
    const s = w.fullState(protocol);
    state[w.modelId] = { model_name: String(s._model_name), model_module: String(s._model_module), model_module_version: String(s._model_module_version), state: s };
  }
  return { version_major: protocol === 1 ? 1 : 2, version_minor: 0, state };
}

setStatesProvider(() => {
  const { state } = widgetState(2);
  return { states: state, bufferPaths: [], buffers: [] };
});

function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The base of every widget. */
export abstract class Widget {
  /** The model id (the comm id), known from construction. */
  readonly modelId: string = newCommId();
  private comm: Comm | undefined;
  private closedFlag = false;
  private readonly observers = new Map<string, Set<WidgetObserver>>();
  private readonly customHandlers = new Set<(content: JsonValue, buffers: readonly Uint8Array[]) => unknown>();
  /** What the frontend has, attribute by attribute (in the protocol it was sent in). */
  private synced: { protocol: WidgetProtocol; attributes: Record<string, JsonValue> } | undefined;

  /** Model and view of this widget in `protocol`. */
  protected abstract identity(protocol: WidgetProtocol): ModelIdentity;
  /** The widget's own attributes (no `_model_*` / `_view_*`) in `protocol`. */
  protected abstract attributes(protocol: WidgetProtocol): Record<string, JsonValue>;
  /** Widgets this one refers to (children, layout, style): opened before it. */
  protected references(): Widget[] {
    return [];
  }
  /**
   * Applies state the frontend sent (in `protocol`'s names); returns the neutral changes made, or
   * nothing. Attributes the user cannot change are ignored.
   */
  protected applyFrontendState(_protocol: WidgetProtocol, _state: Record<string, unknown>): Array<{ name: string; old: unknown; new: unknown }> {
    return [];
  }
  /** A custom message from the frontend (a click, a submit). */
  protected handleCustom(_content: JsonValue): void {}
  /** Attributes answered differently to `request_state` (a frontend rebuilding its model after a reload). */
  protected requestStateOverrides(_protocol: WidgetProtocol): Record<string, JsonValue> {
    return {};
  }
  /** Runs after the kernel answered a `request_state`. */
  protected afterStateRequest(_protocol: WidgetProtocol): void {}

  /** The complete state in `protocol` (identity and attributes). */
  fullState(protocol: WidgetProtocol = widgetProtocol()): Record<string, JsonValue> {
    return { ...identityAttributes(this.identity(protocol), protocol), ...this.attributes(protocol) };
  }

  /** The widget's class name in messages and text (`IntSlider`). */
  get kind(): string {
    return this.constructor.name;
  }

  /** True once {@link close} ran (or the frontend closed it). */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** True while a frontend can show it (its comm is open). */
  get isOpen(): boolean {
    return this.comm !== undefined && this.comm.isOpen;
  }

  /**
   * Opens the widget's comm (once; references first), so a frontend can show it. Called by
   * {@link display}; outside the workbook kernel it does nothing and returns false.
   */
  open(): boolean {
    if (this.comm) return this.comm.isOpen;
    if (this.closedFlag || !commsAvailable()) return false;
    for (const r of this.references()) r.open();
    const protocol = widgetProtocol();
    const state = this.fullState(protocol);
    const data: Record<string, JsonValue> = protocol === 1 ? state : { state, buffer_paths: [] };
    const comm = openComm('jupyter.widget', data, { commId: this.modelId, metadata: protocol === 1 ? {} : { version: WIDGET_PROTOCOL_VERSIONS[2] } });
    this.comm = comm;
    this.synced = { protocol, attributes: this.attributes(protocol) };
    registry.open.set(this.modelId, this);
    comm.onMessage((m) => this.receive(m));
    comm.onClose(() => this.markClosed());
    return true;
  }

  /**
   * Shows the widget in the notebook (where outputs go now). Returns false outside the workbook
   * kernel. A widget can be shown several times; every view follows the same model.
   */
  display(): boolean {
    if (this.closedFlag) fail(`${this.kind}.display`, undefined, 'the widget was closed');
    if (!this.open()) return false;
    if (widgetProtocol() === 1) {
      // The classic notebook's widget area (under the cell of the request); the display_data lets it
      // show the widget again when the page is reloaded.
      this.comm?.send({ method: 'display' });
      return publish({ [WIDGET_VIEW_MIMETYPE]: { model_id: this.modelId } });
    }
    return publish({ [WIDGET_VIEW_MIMETYPE]: { model_id: this.modelId, version_major: 2, version_minor: 0 }, 'text/plain': this.toString() });
  }

  /** The kernel displays a widget that ends a cell through this. */
  [SELF_DISPLAY](): void {
    this.display();
  }

  /** Closes the widget: its views disappear and it can no longer be shown. */
  close(): void {
    if (this.closedFlag) return;
    if (this.comm?.isOpen) this.comm.close();
    this.markClosed();
  }

  private markClosed(): void {
    this.closedFlag = true;
    registry.open.delete(this.modelId);
  }

  /**
   * Calls `observer` when an attribute changes (`names`: one, several, or `'*'` for all). Returns a
   * function that removes it.
   */
  observe(names: string | readonly string[], observer: WidgetObserver): () => void {
    if (typeof observer !== 'function') fail(`${this.kind}.observe`, 'observer', 'must be a function (change) => void');
    const list = typeof names === 'string' ? [names] : [...names];
    for (const n of list) {
      if (!this.observers.has(n)) this.observers.set(n, new Set());
      this.observers.get(n)!.add(observer);
    }
    return () => list.forEach((n) => this.observers.get(n)?.delete(observer));
  }

  /** Calls `handler` for custom messages from the frontend (widgets of other libraries). */
  onCustomMessage(handler: (content: JsonValue, buffers: readonly Uint8Array[]) => unknown): () => void {
    this.customHandlers.add(handler);
    return () => this.customHandlers.delete(handler);
  }

  /** Sends a custom message to the frontend's model. */
  sendCustomMessage(content: JsonValue, buffers: readonly Uint8Array[] = []): void {
    if (this.comm?.isOpen) this.comm.send({ method: 'custom', content }, { buffers });
  }

  /** Runs a user callback: a thrown error or a rejected promise is reported to the notebook, not thrown. */
  protected runCallback(fn: () => unknown): void {
    try {
      const r = fn();
      if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).then(undefined, reportCallbackError);
    } catch (e) {
      reportCallbackError(e);
    }
  }

  /** Runs the observers of `changes` (errors reported, async ones not awaited). */
  protected notify(changes: ReadonlyArray<{ name: string; old: unknown; new: unknown }>, source: 'kernel' | 'frontend'): void {
    for (const c of changes) {
      const handlers = [...(this.observers.get(c.name) ?? []), ...(this.observers.get('*') ?? [])];
      for (const h of handlers) this.runCallback(() => h({ name: c.name, old: c.old, new: c.new, source }));
    }
  }

  /**
   * After kernel code changed the neutral state: runs the observers and sends the frontend what
   * changed in its view of the widget.
   */
  protected changed(changes: ReadonlyArray<{ name: string; old: unknown; new: unknown }>): void {
    const real = changes.filter((c) => !Object.is(c.old, c.new) && JSON.stringify(c.old) !== JSON.stringify(c.new));
    if (real.length === 0) return;
    this.sync();
    this.notify(real, 'kernel');
  }

  /** Sends the attributes whose value differs from what the frontend has. */
  protected sync(): void {
    if (!this.comm?.isOpen || !this.synced) return;
    const protocol = widgetProtocol();
    if (protocol !== this.synced.protocol) {
      // The frontend changed kind: it asks for the whole state itself (request_state / request_states).
      return;
    }
    const now = this.attributes(protocol);
    const diff: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(now)) if (!sameJson(v, this.synced.attributes[k])) diff[k] = v;
    if (Object.keys(diff).length === 0) return;
    this.synced.attributes = now;
    this.comm.send(protocol === 1 ? { method: 'update', state: diff, buffers: [] } : { method: 'update', state: diff, buffer_paths: [] });
  }

  private receive(m: CommMessage): void {
    const data = m.data;
    switch (data.method) {
      case 'backbone':
      case 'update': {
        const protocol: WidgetProtocol = data.method === 'backbone' ? 1 : 2;
        const state = (protocol === 1 ? data.sync_data : data.state) as Record<string, unknown> | undefined;
        if (!state || typeof state !== 'object') return;
        const changes = this.applyFrontendState(protocol, state);
        if (this.synced && this.synced.protocol === protocol) {
          // The frontend has what it sent; the kernel's view of it may differ (a clamped value).
          for (const [k, v] of Object.entries(state)) this.synced.attributes[k] = v as JsonValue;
        }
        if (protocol === 2) this.comm?.send({ method: 'echo_update', state: state as Record<string, JsonValue>, buffer_paths: [] });
        this.sync();
        this.notify(changes, 'frontend');
        return;
      }
      case 'request_state': {
        const protocol = widgetProtocol();
        const full = { ...this.fullState(protocol), ...this.requestStateOverrides(protocol) };
        this.synced = { protocol, attributes: { ...this.attributes(protocol), ...this.requestStateOverrides(protocol) } };
        this.comm?.send(protocol === 1 ? { method: 'update', state: full, buffers: [] } : { method: 'update', state: full, buffer_paths: [] });
        this.afterStateRequest(protocol);
        return;
      }
      case 'custom': {
        const content = (data.content ?? null) as JsonValue;
        this.handleCustom(content);
        for (const h of [...this.customHandlers]) this.runCallback(() => h(content, m.buffers));
        return;
      }
      default:
        return;
    }
  }

  /** `Kind(attribute=value, …)` with the widget's main attributes. */
  toString(): string {
    const shown = Object.entries(this.summary())
      .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
      .join(', ');
    return `${this.kind}(${shown})`;
  }

  /** The attributes {@link toString} shows. */
  protected summary(): Record<string, unknown> {
    return {};
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** True when the request being handled is `parentMsgId` (display bookkeeping). */
export function currentParentMsgId(): string | undefined {
  return kernelHooks().parentMsgId?.();
}
