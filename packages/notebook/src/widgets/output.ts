/**
 * The Output widget: an output area inside a widget layout. What code run through
 * {@link Output.capture} or {@link Output.render} displays or prints — figures, tables, tensors,
 * `console.log`, errors — lands in it instead of the cell, also from callbacks and timers (the
 * capture follows async code).
 *
 * Protocol 2 (JupyterLab, Notebook 7): the kernel keeps the outputs (nbformat) and syncs them as the
 * model's `outputs` attribute, so they are part of the widget state a saved notebook keeps.
 * Protocol 1 (classic notebook): the model's `msg_id` names a capture id of this widget, and the
 * kernel sends the outputs as ordinary output messages whose parent is that id; the notebook's
 * widget extension routes them into the widget.
 */
import { kernelHooks } from '../display/kernel-hooks';
import { figureRenderer, ensurePlotlyInPage } from '../display/plotly';
import { runWithOutputSink, type OutputMessageType, type OutputSink } from '../display/output-sink';
import { displayValue } from '../display/renderers';
import { checkOptions } from '../options';
import { DomWidget, type DomWidgetOptions } from './controls';
import { widgetProtocol, type WidgetProtocol } from './protocol';
import { reportCallbackError } from '../display/kernel-hooks';
import type { JsonValue, ModelIdentity } from './widget';

/** One output as notebooks store it (nbformat 4). */
export type NotebookOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: Record<string, JsonValue>; metadata: Record<string, JsonValue> }
  | { output_type: 'execute_result'; data: Record<string, JsonValue>; metadata: Record<string, JsonValue>; execution_count: null }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

/** How long after telling a classic notebook the capture id the kernel waits before sending into it. */
const CLASSIC_CAPTURE_SETTLE_MS = 150;
/** After a classic page asked for the state (reload): when the capture id is announced, and again. */
const RESTORE_FIRST_MS = 300;
const RESTORE_AGAIN_MS = 1500;
/** Output changes within this many milliseconds are synced in one message (protocol 2). */
const SYNC_DELAY_MS = 15;

/** Options of an {@link Output}. */
export type OutputOptions = DomWidgetOptions;

/** An output area widget. */
export class Output extends DomWidget {
  private items: NotebookOutput[] = [];
  private readonly displayIds = new Map<string, NotebookOutput>();
  private clearOnNext = false;
  /** Protocol 1: the parent msg_id its outputs are sent under, once the frontend knows it. */
  private captureIdSent = false;
  private classicReadyAt = 0;
  private classicQueue: Array<[OutputMessageType, Record<string, unknown>]> = [];
  private classicTimer: NodeJS.Timeout | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private readonly sink: OutputSink = { emit: (type, content) => this.emit(type, content) };

  constructor(options: OutputOptions = {}) {
    checkOptions('Output', options, ['layout']);
    super(options);
  }

  /** The parent msg_id of this widget's outputs in the classic notebook. */
  get captureId(): string {
    return `asl-output-${this.modelId}`;
  }

  protected identity(protocol: WidgetProtocol): ModelIdentity {
    return protocol === 1 ? { model: 'OutputModel', view: 'OutputView' } : { model: 'OutputModel', view: 'OutputView', module: '@jupyter-widgets/output', version: '1.0.0' };
  }

  protected attributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    if (protocol === 1) return { ...this.domAttributes(protocol), msg_id: this.captureIdSent ? this.captureId : '' };
    return { ...this.domAttributes(protocol), msg_id: '', outputs: this.items.map((o) => ({ ...o }) as JsonValue) };
  }

  /** What the area shows (kept in both protocols). */
  get outputs(): readonly NotebookOutput[] {
    return this.items.map((o) => ({ ...o }));
  }

  /**
   * Opens the widget when it is first shown (itself or in a box). Figures in it need plotly.js in
   * the page: with the inline renderer it is put in the cell's output now (once per session), so
   * figures from later callbacks draw too.
   */
  override open(): boolean {
    const wasOpen = this.isOpen;
    if (!wasOpen && figureRenderer() === 'inline') ensurePlotlyInPage();
    const ok = super.open();
    if (ok && !wasOpen && widgetProtocol() === 1) this.announceCaptureId();
    return ok;
  }

  /**
   * Protocol 1: tells the frontend's model the capture id — as a change after the model exists, the
   * only thing its widget extension listens to — then sends what the area holds (captured before it
   * was shown, or before the page was reloaded).
   */
  private announceCaptureId(): void {
    this.captureIdSent = true;
    this.classicReadyAt = Date.now() + CLASSIC_CAPTURE_SETTLE_MS;
    this.sync();
    for (const o of this.items) this.classicSend(...toMessage(o));
  }

  /** A reloaded classic page rebuilds the model from this state: without the capture id, which follows as a change. */
  protected override requestStateOverrides(protocol: WidgetProtocol): Record<string, JsonValue> {
    return protocol === 1 ? { msg_id: '' } : {};
  }

  /**
   * A reloaded classic page asks every widget's state first and builds the models after all have
   * answered; a change sent at once would reach a comm without its model yet. So the capture id is
   * announced a moment later, and again (cleared and set: a harmless repeat if the first arrived)
   * after the page has surely built its models, followed by what the area holds.
   */
  protected override afterStateRequest(protocol: WidgetProtocol): void {
    if (protocol !== 1) return;
    this.captureIdSent = false;
    const announce = (replay: boolean) => {
      if (!this.isOpen) return;
      this.captureIdSent = false;
      this.sync();
      this.captureIdSent = true;
      this.sync();
      if (replay) {
        this.classicReadyAt = Date.now() + CLASSIC_CAPTURE_SETTLE_MS;
        for (const o of this.items) this.classicSend(...toMessage(o));
      }
    };
    setTimeout(() => announce(false), RESTORE_FIRST_MS).unref();
    setTimeout(() => announce(true), RESTORE_AGAIN_MS).unref();
  }

  /** Runs `fn` with its outputs (and those of what it starts) going to this area. */
  capture<T>(fn: () => T): T {
    return runWithOutputSink(this.sink, fn);
  }

  /**
   * Replaces the area's contents with what `fn` outputs (its return value, if not undefined, is
   * displayed last). The old contents stay until the new ones arrive (no flicker). An error in `fn`
   * is shown in the area and returned (not thrown).
   */
  async render(fn: () => unknown): Promise<{ error?: unknown }> {
    return this.capture(async () => {
      this.clear(true);
      try {
        const value = await fn();
        if (value !== undefined) displayValue(value);
        return {};
      } catch (error) {
        reportCallbackError(error);
        return { error };
      } finally {
        // Nothing came: the area is emptied now.
        if (this.clearOnNext) this.clear(false);
        this.flushSoon(0);
      }
    });
  }

  /** Shows `value` in the area, as a cell's last expression would be shown. */
  appendDisplay(value: unknown): void {
    this.capture(() => displayValue(value));
  }

  /** Appends text to the area's stdout. */
  appendStdout(text: string): void {
    this.emit('stream', { name: 'stdout', text });
  }

  /** Appends text to the area's stderr. */
  appendStderr(text: string): void {
    this.emit('stream', { name: 'stderr', text });
  }

  /** Clears the area (`wait`: when the next output arrives). */
  clear(wait = false): void {
    this.emit('clear_output', { wait });
  }

  private emit(type: OutputMessageType, content: Record<string, unknown>): void {
    this.record(type, content);
    if (widgetProtocol() === 1) {
      if (this.captureIdSent) this.classicSend(type, content);
    } else {
      this.flushSoon(SYNC_DELAY_MS);
    }
  }

  /** Keeps the nbformat outputs (what protocol 2 syncs; what a reloaded classic page is sent). */
  private record(type: OutputMessageType, content: Record<string, unknown>): void {
    if (type === 'clear_output') {
      if (content.wait) this.clearOnNext = true;
      else this.reset();
      return;
    }
    if (this.clearOnNext) this.reset();
    switch (type) {
      case 'stream': {
        const name = content.name === 'stderr' ? 'stderr' : 'stdout';
        const text = String(content.text ?? '');
        const last = this.items[this.items.length - 1];
        if (last && last.output_type === 'stream' && last.name === name) last.text += text;
        else this.items.push({ output_type: 'stream', name, text });
        return;
      }
      case 'display_data':
      case 'execute_result': {
        const output: NotebookOutput =
          type === 'display_data'
            ? { output_type: 'display_data', data: (content.data ?? {}) as Record<string, JsonValue>, metadata: (content.metadata ?? {}) as Record<string, JsonValue> }
            : { output_type: 'execute_result', data: (content.data ?? {}) as Record<string, JsonValue>, metadata: (content.metadata ?? {}) as Record<string, JsonValue>, execution_count: null };
        this.items.push(output);
        const id = (content.transient as { display_id?: string } | undefined)?.display_id;
        if (id) this.displayIds.set(id, output);
        return;
      }
      case 'update_display_data': {
        const id = (content.transient as { display_id?: string } | undefined)?.display_id;
        const target = id ? this.displayIds.get(id) : undefined;
        if (target && (target.output_type === 'display_data' || target.output_type === 'execute_result')) {
          target.data = (content.data ?? {}) as Record<string, JsonValue>;
          target.metadata = (content.metadata ?? {}) as Record<string, JsonValue>;
        }
        return;
      }
      case 'error':
        this.items.push({ output_type: 'error', ename: String(content.ename ?? 'Error'), evalue: String(content.evalue ?? ''), traceback: (content.traceback as string[]) ?? [] });
        return;
    }
  }

  private reset(): void {
    this.items = [];
    this.displayIds.clear();
    this.clearOnNext = false;
  }

  /** Protocol 2: syncs `outputs` after `ms` (changes in between go in the same message). */
  private flushSoon(ms: number): void {
    if (widgetProtocol() === 1) return;
    if (this.syncTimer) {
      if (ms > 0) return;
      clearTimeout(this.syncTimer);
    }
    const run = () => {
      this.syncTimer = undefined;
      this.sync();
    };
    if (ms === 0) run();
    else this.syncTimer = setTimeout(run, ms);
  }

  /** Protocol 1: sends an output message under the capture id (queued until the frontend knows the id). */
  private classicSend(type: OutputMessageType, content: Record<string, unknown>): void {
    const publishUnder = kernelHooks().publishUnder;
    if (!publishUnder || !this.isOpen) return;
    const wait = this.classicReadyAt - Date.now();
    if (wait > 0 || this.classicQueue.length > 0) {
      this.classicQueue.push([type, content]);
      this.classicTimer ??= setTimeout(() => {
        this.classicTimer = undefined;
        const queued = this.classicQueue;
        this.classicQueue = [];
        for (const [t, c] of queued) publishUnder(this.captureId, t, c);
      }, Math.max(0, wait));
      return;
    }
    publishUnder(this.captureId, type, content);
  }

  protected override summary(): Record<string, unknown> {
    return { outputs: this.items.length };
  }
}

function toMessage(o: NotebookOutput): [OutputMessageType, Record<string, unknown>] {
  switch (o.output_type) {
    case 'stream':
      return ['stream', { name: o.name, text: o.text }];
    case 'error':
      return ['error', { ename: o.ename, evalue: o.evalue, traceback: o.traceback }];
    default:
      return ['display_data', { data: o.data, metadata: o.metadata, transient: {} }];
  }
}
