/**
 * `interact`: bind a function of some controls to an output area. The function runs once at once,
 * then again whenever a control changes, debounced (a dragged slider sends many values; the function
 * runs for the last one), never two runs at a time (changes during a run start one more run after
 * it, with the latest values). Whatever it displays or prints, and its return value, replace the
 * area's contents; an error is shown there.
 *
 * @example
 * interact(
 *   { gammaNeg: new FloatSlider({ description: 'γ−', min: 0, max: 8, value: 4 }) },
 *   ({ gammaNeg }) => lineFigure(...),
 * );
 */
import { fail } from '../errors';
import { checkOptions } from '../options';
import { currentParentMsgId, Widget } from './widget';
import { HBox, VBox, type ValueWidget } from './controls';
import { Output } from './output';
import { SELF_DISPLAY } from '../display/self-display';

/** The controls of an interactive function, by argument name. */
export type Controls = Record<string, ValueWidget<unknown>>;

/** The values of `C`'s controls, by the same names. */
export type ControlValues<C extends Controls> = { [K in keyof C]: C[K] extends ValueWidget<infer T> ? T : never };

/** Options of {@link interact} and {@link interactive}. */
export interface InteractOptions {
  /** Quiet time after the last change before the function runs (default 60 ms; 0: on every change). */
  debounceMs?: number;
  /** Controls beside each other (`'horizontal'`) or one below the other (default `'vertical'`). */
  controlsLayout?: 'vertical' | 'horizontal';
  /** The area the function's outputs go to (default: a new one below the controls). */
  output?: Output;
}

/** A function bound to controls (what {@link interact} returns). */
export class Interactive<C extends Controls> {
  /** The controls, by name. */
  readonly controls: C;
  /** Where the function's outputs go. */
  readonly output: Output;
  /** The controls and the output, as one widget. */
  readonly widget: VBox;
  /** Completed runs. */
  runs = 0;
  /** The error of the latest run, if it failed. */
  lastError: unknown;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly unobserve: Array<() => void> = [];
  private readonly debounceMs: number;
  private shownUnder: string | undefined;
  private readonly fn: (values: ControlValues<C>) => unknown;
  private firstRun: Promise<void> | undefined;

  constructor(controls: C, fn: (values: ControlValues<C>) => unknown, options: InteractOptions = {}) {
    checkOptions('interact', options, ['debounceMs', 'controlsLayout', 'output']);
    if (!controls || typeof controls !== 'object') fail('interact', 'controls', 'must be an object of widgets by argument name');
    for (const [name, w] of Object.entries(controls)) {
      if (!(w instanceof Widget) || !('value' in w)) fail('interact', `controls.${name}`, 'must be a widget with a value (a slider, dropdown, checkbox, text…)');
    }
    if (typeof fn !== 'function') fail('interact', 'fn', 'must be a function of the controls\' values');
    const debounceMs = options.debounceMs ?? 60;
    if (typeof debounceMs !== 'number' || !(debounceMs >= 0)) fail('interact', 'debounceMs', `must be a number ≥ 0, got ${JSON.stringify(debounceMs)}`);
    if (options.controlsLayout !== undefined && options.controlsLayout !== 'vertical' && options.controlsLayout !== 'horizontal') {
      fail('interact', 'controlsLayout', `must be 'vertical' or 'horizontal', got ${JSON.stringify(options.controlsLayout)}`);
    }
    this.controls = controls;
    this.fn = fn;
    this.debounceMs = debounceMs;
    this.output = options.output ?? new Output();
    const list = Object.values(controls) as Widget[];
    const box = options.controlsLayout === 'horizontal' ? new HBox({ children: list }) : new VBox({ children: list });
    this.widget = new VBox({ children: [box, this.output] });
    for (const w of list) this.unobserve.push(w.observe('value', () => this.schedule()));
  }

  /** The controls' current values. */
  values(): ControlValues<C> {
    const out: Record<string, unknown> = {};
    for (const [k, w] of Object.entries(this.controls)) out[k] = w.value;
    return out as ControlValues<C>;
  }

  /** Resolves when the first run (started by {@link interact}) has finished. */
  get ready(): Promise<void> {
    return this.firstRun ?? this.update();
  }

  /** Runs the function now with the current values (after a run in progress); resolves when done. */
  update(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) {
      this.again = true;
      return this.running.then(() => this.running ?? Promise.resolve());
    }
    const run = this.output.render(() => this.fn(this.values())).then(({ error }) => {
      this.runs++;
      this.lastError = error;
    });
    this.running = run.finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.update();
      }
    });
    this.firstRun ??= this.running;
    return this.running;
  }

  private schedule(): void {
    if (this.debounceMs === 0) {
      void this.update();
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), this.debounceMs);
  }

  /** Shows the controls and the output. */
  display(): boolean {
    this.shownUnder = currentParentMsgId();
    return this.widget.display();
  }

  /** As a cell's last expression: shown, unless {@link interact} already showed it in this cell. */
  [SELF_DISPLAY](): void {
    if (this.shownUnder !== undefined && this.shownUnder === currentParentMsgId()) return;
    this.display();
  }

  /** Stops reacting to the controls and closes the widgets. */
  close(): void {
    clearTimeout(this.timer);
    for (const u of this.unobserve) u();
    this.widget.close();
    for (const w of this.widget.children) w.close();
    for (const c of Object.values(this.controls)) (c as Widget).close();
  }
}

/** Binds `fn` to `controls` without showing anything (show it with `.display()` or as a cell's value). */
export function interactive<C extends Controls>(controls: C, fn: (values: ControlValues<C>) => unknown, options: InteractOptions = {}): Interactive<C> {
  return new Interactive(controls, fn, options);
}

/**
 * Shows `controls` and an output area, runs `fn` with their values, and runs it again (debounced)
 * whenever one changes. Await `.ready` for the first run of an async `fn`.
 */
export function interact<C extends Controls>(controls: C, fn: (values: ControlValues<C>) => unknown, options: InteractOptions = {}): Interactive<C> {
  const ui = new Interactive(controls, fn, options);
  ui.display();
  void ui.update();
  return ui;
}
