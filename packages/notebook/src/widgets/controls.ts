/**
 * The widgets: sliders (int, float), dropdown, checkbox, button, text, label, HTML, progress bars,
 * layout boxes (../widgets/output.ts has the Output area). Each speaks both widget protocols
 * (./protocol); options objects are strict (an unknown key is an error naming it).
 *
 * @example
 * const gamma = new FloatSlider({ description: 'γ−', min: 0, max: 8, step: 0.5, value: 4 });
 * gamma.observe('value', ({ new: v }) => console.log(`γ− = ${v}`));
 * new VBox({ children: [gamma] }).display();
 */
import { fail } from '../errors';
import { checkOptions } from '../options';
import { BASE_MODULE, BASE_VERSION, Widget, widgetRef, type JsonValue, type ModelIdentity, type WidgetChange } from './widget';
import type { WidgetProtocol } from './protocol';

type Change = { name: string; old: unknown; new: unknown };

// ---------------------------------------------------------------------------------------------
// Layout and style

/** CSS properties of a widget's box (`layout` option), as in ipywidgets' Layout. */
export interface LayoutOptions {
  width?: string;
  height?: string;
  min_width?: string;
  max_width?: string;
  min_height?: string;
  max_height?: string;
  margin?: string;
  padding?: string;
  border?: string;
  display?: string;
  visibility?: 'visible' | 'hidden' | 'inherit' | 'initial' | 'unset';
  flex?: string;
  flex_flow?: string;
  align_items?: string;
  align_content?: string;
  align_self?: string;
  justify_content?: string;
  overflow?: string;
  order?: string;
}

const LAYOUT_KEYS: ReadonlyArray<keyof LayoutOptions> = [
  'width', 'height', 'min_width', 'max_width', 'min_height', 'max_height', 'margin', 'padding', 'border', 'display',
  'visibility', 'flex', 'flex_flow', 'align_items', 'align_content', 'align_self', 'justify_content', 'overflow', 'order',
];

/** A widget's layout (CSS of its box): a model of its own that the widget refers to. */
export class Layout extends Widget {
  private readonly css: LayoutOptions;

  constructor(options: LayoutOptions = {}) {
    super();
    checkOptions('Layout', options, LAYOUT_KEYS);
    for (const [k, v] of Object.entries(options)) if (v !== undefined && typeof v !== 'string') fail('Layout', k, `must be a CSS string, got ${typeof v}`);
    this.css = { ...options };
  }

  protected identity(protocol: WidgetProtocol): ModelIdentity {
    return protocol === 1 ? { model: 'LayoutModel', view: 'LayoutView' } : { model: 'LayoutModel', view: 'LayoutView', module: BASE_MODULE, version: BASE_VERSION };
  }

  protected attributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = protocol === 1 ? { msg_throttle: 1 } : {};
    for (const [k, v] of Object.entries(this.css)) if (v !== undefined) out[k] = v;
    return out;
  }

  /** Changes CSS properties. */
  set(options: LayoutOptions): void {
    checkOptions('Layout.set', options, LAYOUT_KEYS);
    const changes: Change[] = [];
    for (const [k, v] of Object.entries(options) as Array<[keyof LayoutOptions, string | undefined]>) {
      changes.push({ name: k, old: this.css[k], new: v });
      (this.css as Record<string, string | undefined>)[k] = v;
    }
    this.changed(changes);
  }

  get options(): Readonly<LayoutOptions> {
    return { ...this.css };
  }
}

/** Style options (a subset of ipywidgets' style models; what a widget kind does not have is refused). */
export interface StyleOptions {
  /** Width of the description label (protocol 2 only; the classic notebook ignores it). */
  description_width?: string;
  /** Slider handle colour. */
  handle_color?: string;
  /** Button colour. */
  button_color?: string;
  /** Button text weight. */
  font_weight?: string;
  /** Progress bar colour. */
  bar_color?: string;
}

type StyleKind = 'slider' | 'button' | 'progress' | 'description';

const STYLE_KEYS: Record<StyleKind, ReadonlyArray<keyof StyleOptions>> = {
  slider: ['description_width', 'handle_color'],
  button: ['button_color', 'font_weight'],
  progress: ['description_width', 'bar_color'],
  description: ['description_width'],
};

const STYLE_MODELS: Record<StyleKind, string> = {
  slider: 'SliderStyleModel',
  button: 'ButtonStyleModel',
  progress: 'ProgressStyleModel',
  description: 'DescriptionStyleModel',
};

/** A widget's style model. */
export class Style extends Widget {
  constructor(
    private readonly styleKind: StyleKind,
    private readonly values: StyleOptions,
  ) {
    super();
  }

  protected identity(protocol: WidgetProtocol): ModelIdentity {
    return protocol === 1
      ? { model: STYLE_MODELS[this.styleKind], view: 'StyleView' }
      : { model: STYLE_MODELS[this.styleKind], view: 'StyleView', viewModule: BASE_MODULE, viewVersion: BASE_VERSION };
  }

  protected attributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = protocol === 1 ? { msg_throttle: 1 } : {};
    for (const [k, v] of Object.entries(this.values)) {
      if (v === undefined || (protocol === 1 && k === 'description_width')) continue;
      out[k] = v;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// DOM widgets

/** Options every visible widget takes. */
export interface DomWidgetOptions {
  /** CSS of the widget's box. */
  layout?: LayoutOptions;
}

const DOM_KEYS = ['layout'];

/** A widget with a view: layout, and the attributes every protocol gives DOM widgets. */
export abstract class DomWidget extends Widget {
  /** The layout model (when a `layout` option was given). */
  readonly layout: Layout | undefined;

  protected constructor(options: DomWidgetOptions) {
    super();
    this.layout = options.layout ? new Layout(options.layout) : undefined;
  }

  protected override references(): Widget[] {
    return this.layout ? [this.layout] : [];
  }

  /** The attributes of every DOM widget in `protocol`. */
  protected domAttributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = protocol === 1 ? { _dom_classes: [], msg_throttle: 1 } : { _dom_classes: [], tabbable: null, tooltip: null };
    if (this.layout) out.layout = widgetRef(this.layout);
    return out;
  }

  override close(): void {
    super.close();
    this.layout?.close();
  }
}

/** Options of widgets with a description label. */
export interface DescriptionOptions extends DomWidgetOptions {
  /** The label in front of the control. */
  description?: string;
  /** Greyed out, no user changes. */
  disabled?: boolean;
}

const DESCRIPTION_KEYS = [...DOM_KEYS, 'description', 'disabled'];

function checkString(fn: string, name: string, v: unknown): string {
  if (typeof v !== 'string') fail(fn, name, `must be a string, got ${typeof v}`);
  return v;
}

function checkBoolean(fn: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail(fn, name, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function checkNumber(fn: string, name: string, v: unknown, integer: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(fn, name, `must be a finite number, got ${JSON.stringify(v)}`);
  if (integer && !Number.isInteger(v)) fail(fn, name, `must be an integer, got ${v}`);
  return v;
}

function checkOneOf<T extends string>(fn: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) fail(fn, name, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** A widget with a description, a disabled flag and (optionally) a style. */
export abstract class DescriptionWidget extends DomWidget {
  private descriptionText: string;
  private disabledFlag: boolean;
  /** The style model (when a `style` option was given). */
  readonly style: Style | undefined;

  protected constructor(fn: string, options: DescriptionOptions & { style?: StyleOptions }, styleKind: StyleKind) {
    super(options);
    this.descriptionText = checkString(fn, 'description', options.description ?? '');
    this.disabledFlag = checkBoolean(fn, 'disabled', options.disabled ?? false);
    if (options.style) {
      checkOptions(fn, options.style, STYLE_KEYS[styleKind], 'style');
      this.style = new Style(styleKind, { ...options.style });
    }
  }

  protected override references(): Widget[] {
    return [...super.references(), ...(this.style ? [this.style] : [])];
  }

  protected describedAttributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = { ...this.domAttributes(protocol), description: this.descriptionText, disabled: this.disabledFlag };
    if (protocol === 2) out.description_allow_html = false;
    if (this.style) out.style = widgetRef(this.style);
    return out;
  }

  get description(): string {
    return this.descriptionText;
  }
  set description(text: string) {
    const old = this.descriptionText;
    this.descriptionText = checkString(`${this.kind}.description`, 'description', text);
    this.changed([{ name: 'description', old, new: text }]);
  }

  get disabled(): boolean {
    return this.disabledFlag;
  }
  set disabled(flag: boolean) {
    const old = this.disabledFlag;
    this.disabledFlag = checkBoolean(`${this.kind}.disabled`, 'disabled', flag);
    this.changed([{ name: 'disabled', old, new: flag }]);
  }

  override close(): void {
    super.close();
    this.style?.close();
  }
}

/** A widget with a `value` the user changes. */
export interface ValueWidget<T> extends Widget {
  value: T;
  /** Calls `handler` with the new value on every change; returns a function that removes it. */
  onChange(handler: (value: T, change: WidgetChange<T>) => unknown): () => void;
}

function onValue<T>(w: Widget, handler: (value: T, change: WidgetChange<T>) => unknown): () => void {
  return w.observe('value', (c) => handler(c.new as T, c as WidgetChange<T>));
}

// ---------------------------------------------------------------------------------------------
// Sliders

/** Options of {@link IntSlider} and {@link FloatSlider}. */
export interface SliderOptions extends DescriptionOptions {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  orientation?: 'horizontal' | 'vertical';
  /** Show the value beside the slider (default true). */
  readout?: boolean;
  /** d3-format of the readout (default 'd' for ints, '.2f' for floats). */
  readoutFormat?: string;
  /** Send the value while dragging (default true); false: only on release. */
  continuousUpdate?: boolean;
  style?: Pick<StyleOptions, 'description_width' | 'handle_color'>;
}

const SLIDER_KEYS = [...DESCRIPTION_KEYS, 'value', 'min', 'max', 'step', 'orientation', 'readout', 'readoutFormat', 'continuousUpdate', 'style'];

abstract class Slider extends DescriptionWidget implements ValueWidget<number> {
  private v: number;
  private lo: number;
  private hi: number;
  private stepSize: number;
  private readonly orientation: 'horizontal' | 'vertical';
  private readonly readout: boolean;
  private readonly readoutFormat: string;
  private readonly continuousUpdate: boolean;

  protected constructor(
    fn: string,
    options: SliderOptions,
    private readonly integer: boolean,
    private readonly names: ModelIdentity,
  ) {
    checkOptions(fn, options, SLIDER_KEYS);
    super(fn, options, 'slider');
    this.lo = this.number(fn, 'min', options.min ?? 0);
    this.hi = this.number(fn, 'max', options.max ?? (integer ? 100 : 10));
    if (this.lo > this.hi) fail(fn, 'min', `must not exceed max (${this.lo} > ${this.hi})`);
    this.stepSize = this.number(fn, 'step', options.step ?? (integer ? 1 : 0.1));
    if (!(this.stepSize > 0)) fail(fn, 'step', `must be positive, got ${this.stepSize}`);
    this.v = this.clamp(this.number(fn, 'value', options.value ?? this.lo));
    this.orientation = checkOneOf(fn, 'orientation', options.orientation ?? 'horizontal', ['horizontal', 'vertical'] as const);
    this.readout = checkBoolean(fn, 'readout', options.readout ?? true);
    this.readoutFormat = checkString(fn, 'readoutFormat', options.readoutFormat ?? (integer ? 'd' : '.2f'));
    this.continuousUpdate = checkBoolean(fn, 'continuousUpdate', options.continuousUpdate ?? true);
  }

  private number(fn: string, name: string, v: unknown): number {
    return checkNumber(fn, name, v, this.integer);
  }

  private clamp(v: number): number {
    return Math.min(this.hi, Math.max(this.lo, v));
  }

  protected identity(): ModelIdentity {
    return this.names;
  }

  protected attributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {
      ...this.describedAttributes(protocol),
      value: this.v,
      min: this.lo,
      max: this.hi,
      step: this.stepSize,
      orientation: this.orientation,
      readout: this.readout,
      readout_format: this.readoutFormat,
      continuous_update: this.continuousUpdate,
    };
    if (protocol === 1) out._range = false;
    else out.behavior = 'drag-tap';
    return out;
  }

  protected override applyFrontendState(_protocol: WidgetProtocol, state: Record<string, unknown>): Change[] {
    const v = state.value;
    if (typeof v !== 'number' || !Number.isFinite(v)) return [];
    const old = this.v;
    this.v = this.clamp(this.integer ? Math.round(v) : v);
    return [{ name: 'value', old, new: this.v }];
  }

  get value(): number {
    return this.v;
  }
  /** Sets the value (clamped to [min, max], as ipywidgets does). */
  set value(v: number) {
    const old = this.v;
    this.v = this.clamp(this.number(`${this.kind}.value`, 'value', v));
    this.changed([{ name: 'value', old, new: this.v }]);
  }

  get min(): number {
    return this.lo;
  }
  get max(): number {
    return this.hi;
  }
  get step(): number {
    return this.stepSize;
  }

  /** Changes the range (and clamps the value into it). */
  setRange(min: number, max: number, step = this.stepSize): void {
    const fn = `${this.kind}.setRange`;
    const lo = this.number(fn, 'min', min);
    const hi = this.number(fn, 'max', max);
    if (lo > hi) fail(fn, 'min', `must not exceed max (${lo} > ${hi})`);
    const s = this.number(fn, 'step', step);
    const before = { min: this.lo, max: this.hi, step: this.stepSize, value: this.v };
    this.lo = lo;
    this.hi = hi;
    this.stepSize = s;
    this.v = this.clamp(this.v);
    this.changed([
      { name: 'min', old: before.min, new: lo },
      { name: 'max', old: before.max, new: hi },
      { name: 'step', old: before.step, new: s },
      { name: 'value', old: before.value, new: this.v },
    ]);
  }

  onChange(handler: (value: number, change: WidgetChange<number>) => unknown): () => void {
    return onValue(this, handler);
  }

  protected override summary(): Record<string, unknown> {
    return { value: this.v, min: this.lo, max: this.hi, step: this.stepSize, description: this.description };
  }
}

/** A slider of integers. */
export class IntSlider extends Slider {
  constructor(options: SliderOptions = {}) {
    super('IntSlider', options, true, { model: 'IntSliderModel', view: 'IntSliderView' });
  }
}

/** A slider of numbers. */
export class FloatSlider extends Slider {
  constructor(options: SliderOptions = {}) {
    super('FloatSlider', options, false, { model: 'FloatSliderModel', view: 'FloatSliderView' });
  }
}

// ---------------------------------------------------------------------------------------------
// Selection

/** Options of a {@link Dropdown}: labelled choices, given as values, `[label, value]` pairs or a record. */
export interface DropdownOptions<T> extends DescriptionOptions {
  options: ReadonlyArray<T | readonly [string, T]> | Readonly<Record<string, T>>;
  /** The selected value (default: the first option). */
  value?: T;
  style?: Pick<StyleOptions, 'description_width'>;
}

const DROPDOWN_KEYS = [...DESCRIPTION_KEYS, 'options', 'value', 'style'];

/** A drop-down list; its value is one of the options' values. */
export class Dropdown<T = string> extends DescriptionWidget implements ValueWidget<T> {
  private labels: string[];
  private values: T[];
  private index: number;

  constructor(options: DropdownOptions<T>) {
    checkOptions('Dropdown', options, DROPDOWN_KEYS);
    super('Dropdown', options, 'description');
    const parsed = Dropdown.parse(options?.options);
    this.labels = parsed.labels;
    this.values = parsed.values;
    this.index = options.value === undefined ? 0 : this.indexOf('Dropdown', options.value);
  }

  private static parse<T>(options: DropdownOptions<T>['options'] | undefined): { labels: string[]; values: T[] } {
    if (!options || typeof options !== 'object') fail('Dropdown', 'options', 'must be an array of values or [label, value] pairs, or a record label → value');
    const pairs: Array<[string, T]> = Array.isArray(options)
      ? (options as ReadonlyArray<T | readonly [string, T]>).map((o) => (Array.isArray(o) && o.length === 2 && typeof o[0] === 'string' ? [o[0], o[1] as T] : [String(o), o as T]))
      : Object.entries(options as Record<string, T>);
    if (pairs.length === 0) fail('Dropdown', 'options', 'must not be empty');
    const labels = pairs.map((p) => p[0]);
    const dup = labels.find((l, i) => labels.indexOf(l) !== i);
    if (dup !== undefined) fail('Dropdown', 'options', `has the label ${JSON.stringify(dup)} twice`);
    return { labels, values: pairs.map((p) => p[1]) };
  }

  private indexOf(fn: string, value: T): number {
    const at = this.values.findIndex((v) => Object.is(v, value) || JSON.stringify(v) === JSON.stringify(value));
    if (at < 0) fail(fn, 'value', `must be one of the options (${this.labels.join(', ')}), got ${JSON.stringify(value)}`);
    return at;
  }

  protected identity(): ModelIdentity {
    return { model: 'DropdownModel', view: 'DropdownView' };
  }

  protected attributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    const base = { ...this.describedAttributes(protocol), _options_labels: [...this.labels] };
    // Protocol 1 syncs the selected label as `value`; protocol 2 syncs its `index`.
    return protocol === 1 ? { ...base, value: this.labels[this.index] } : { ...base, index: this.index, button_style: '' };
  }

  protected override applyFrontendState(protocol: WidgetProtocol, state: Record<string, unknown>): Change[] {
    const at = protocol === 1 ? (typeof state.value === 'string' ? this.labels.indexOf(state.value) : -1) : typeof state.index === 'number' ? state.index : -1;
    if (!Number.isInteger(at) || at < 0 || at >= this.labels.length) return [];
    const before = this.index;
    this.index = at;
    return [
      { name: 'index', old: before, new: at },
      { name: 'value', old: this.values[before], new: this.values[at] },
    ];
  }

  get value(): T {
    return this.values[this.index];
  }
  set value(v: T) {
    const old = this.value;
    this.index = this.indexOf('Dropdown.value', v);
    this.changed([{ name: 'value', old, new: this.value }]);
  }

  /** The label of the selected option. */
  get label(): string {
    return this.labels[this.index];
  }

  /** The options' labels, in order. */
  get optionLabels(): readonly string[] {
    return [...this.labels];
  }

  /** Replaces the options (the value becomes the first option unless still present). */
  setOptions(options: DropdownOptions<T>['options']): void {
    const old = this.value;
    const parsed = Dropdown.parse(options);
    this.labels = parsed.labels;
    this.values = parsed.values;
    const keep = this.values.findIndex((v) => Object.is(v, old));
    this.index = keep >= 0 ? keep : 0;
    this.changed([
      { name: 'options', old: undefined, new: [...this.labels] },
      { name: 'value', old, new: this.value },
    ]);
  }

  onChange(handler: (value: T, change: WidgetChange<T>) => unknown): () => void {
    return onValue(this, handler);
  }

  protected override summary(): Record<string, unknown> {
    return { value: this.label, options: this.labels.length, description: this.description };
  }
}

// ---------------------------------------------------------------------------------------------
// Boolean, button, text

/** A described widget whose `value` (a string or a boolean) the frontend syncs as it is. */
abstract class PlainValueWidget<T extends string | boolean> extends DescriptionWidget implements ValueWidget<T> {
  protected v: T;

  protected constructor(
    fn: string,
    options: DescriptionOptions & { style?: StyleOptions },
    initial: T,
    private readonly check: (fn: string, name: string, v: unknown) => T,
  ) {
    super(fn, options, 'description');
    this.v = check(fn, 'value', initial);
  }

  protected override applyFrontendState(_p: WidgetProtocol, state: Record<string, unknown>): Change[] {
    if (typeof state.value !== typeof this.v) return [];
    const old = this.v;
    this.v = state.value as T;
    return [{ name: 'value', old, new: this.v }];
  }

  get value(): T {
    return this.v;
  }
  set value(v: T) {
    const old = this.v;
    this.v = this.check(`${this.kind}.value`, 'value', v);
    this.changed([{ name: 'value', old, new: v }]);
  }

  onChange(handler: (value: T, change: WidgetChange<T>) => unknown): () => void {
    return onValue(this, handler);
  }

  protected override summary(): Record<string, unknown> {
    return { value: this.v, description: this.description };
  }
}

/** Options of a {@link Checkbox}. */
export interface CheckboxOptions extends DescriptionOptions {
  value?: boolean;
  /** Indent the box to line up with described controls (protocol 2; default true). */
  indent?: boolean;
  style?: Pick<StyleOptions, 'description_width'>;
}

/** A checkbox. */
export class Checkbox extends PlainValueWidget<boolean> {
  private readonly indent: boolean;

  constructor(options: CheckboxOptions = {}) {
    checkOptions('Checkbox', options, [...DESCRIPTION_KEYS, 'value', 'indent', 'style']);
    super('Checkbox', options, options.value ?? false, checkBoolean);
    this.indent = checkBoolean('Checkbox', 'indent', options.indent ?? true);
  }

  protected identity(): ModelIdentity {
    return { model: 'CheckboxModel', view: 'CheckboxView' };
  }

  protected attributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    return { ...this.describedAttributes(protocol), value: this.v, ...(protocol === 2 ? { indent: this.indent } : {}) };
  }
}

/** Button colours of ipywidgets. */
export type ButtonStyleName = '' | 'primary' | 'success' | 'info' | 'warning' | 'danger';
const BUTTON_STYLES: readonly ButtonStyleName[] = ['', 'primary', 'success', 'info', 'warning', 'danger'];

/** Options of a {@link Button}. */
export interface ButtonOptions extends DescriptionOptions {
  /** Shown when the pointer rests on it. */
  tooltip?: string;
  /** Font Awesome icon name without `fa-` (e.g. 'play'). */
  icon?: string;
  buttonStyle?: ButtonStyleName;
  style?: Pick<StyleOptions, 'button_color' | 'font_weight'>;
}

/** A button; {@link Button.onClick} handlers run when it is clicked. */
export class Button extends DescriptionWidget {
  private tooltipText: string;
  private iconName: string;
  private styleName: ButtonStyleName;
  private readonly clickHandlers = new Set<(button: Button) => unknown>();
  /** Clicks received from the frontend. */
  clicks = 0;

  constructor(options: ButtonOptions = {}) {
    checkOptions('Button', options, [...DESCRIPTION_KEYS, 'tooltip', 'icon', 'buttonStyle', 'style']);
    super('Button', options, 'button');
    this.tooltipText = checkString('Button', 'tooltip', options.tooltip ?? '');
    this.iconName = checkString('Button', 'icon', options.icon ?? '');
    this.styleName = checkOneOf('Button', 'buttonStyle', options.buttonStyle ?? '', BUTTON_STYLES);
  }

  protected identity(): ModelIdentity {
    return { model: 'ButtonModel', view: 'ButtonView' };
  }

  protected attributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    return { ...this.describedAttributes(protocol), tooltip: this.tooltipText, icon: this.iconName, button_style: this.styleName };
  }

  /** Calls `handler` on every click (errors are reported to the notebook); returns a remover. */
  onClick(handler: (button: Button) => unknown): () => void {
    if (typeof handler !== 'function') fail('Button.onClick', 'handler', 'must be a function');
    this.clickHandlers.add(handler);
    return () => this.clickHandlers.delete(handler);
  }

  /** Runs the click handlers, as a click in the frontend does. */
  click(): void {
    this.clicks++;
    this.notify([{ name: 'clicks', old: this.clicks - 1, new: this.clicks }], 'kernel');
    for (const h of [...this.clickHandlers]) this.runCallback(() => h(this));
  }

  protected override handleCustom(content: JsonValue): void {
    if (content && typeof content === 'object' && !Array.isArray(content) && content.event === 'click') this.click();
  }

  get buttonStyle(): ButtonStyleName {
    return this.styleName;
  }
  set buttonStyle(s: ButtonStyleName) {
    const old = this.styleName;
    this.styleName = checkOneOf('Button.buttonStyle', 'buttonStyle', s, BUTTON_STYLES);
    this.changed([{ name: 'button_style', old, new: s }]);
  }

  get icon(): string {
    return this.iconName;
  }
  set icon(name: string) {
    const old = this.iconName;
    this.iconName = checkString('Button.icon', 'icon', name);
    this.changed([{ name: 'icon', old, new: name }]);
  }

  get tooltip(): string {
    return this.tooltipText;
  }
  set tooltip(text: string) {
    const old = this.tooltipText;
    this.tooltipText = checkString('Button.tooltip', 'tooltip', text);
    this.changed([{ name: 'tooltip', old, new: text }]);
  }

  protected override summary(): Record<string, unknown> {
    return { description: this.description };
  }
}

/** Options of a {@link Text}. */
export interface TextOptions extends DescriptionOptions {
  value?: string;
  placeholder?: string;
  /** Send the value while typing (default true); false: on Enter or leaving the field. */
  continuousUpdate?: boolean;
  style?: Pick<StyleOptions, 'description_width'>;
}

/** A one-line text field; {@link Text.onSubmit} handlers run on Enter. */
export class Text extends PlainValueWidget<string> {
  private readonly placeholder: string;
  private readonly continuousUpdate: boolean;
  private readonly submitHandlers = new Set<(value: string) => unknown>();

  constructor(options: TextOptions = {}) {
    checkOptions('Text', options, [...DESCRIPTION_KEYS, 'value', 'placeholder', 'continuousUpdate', 'style']);
    super('Text', options, options.value ?? '', checkString);
    this.placeholder = checkString('Text', 'placeholder', options.placeholder ?? '\u200b');
    this.continuousUpdate = checkBoolean('Text', 'continuousUpdate', options.continuousUpdate ?? true);
  }

  protected identity(): ModelIdentity {
    return { model: 'TextModel', view: 'TextView' };
  }

  protected attributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = { ...this.describedAttributes(protocol), value: this.v, placeholder: this.placeholder };
    if (protocol === 2) out.continuous_update = this.continuousUpdate;
    return out;
  }

  protected override handleCustom(content: JsonValue): void {
    if (content && typeof content === 'object' && !Array.isArray(content) && content.event === 'submit') {
      for (const h of [...this.submitHandlers]) this.runCallback(() => h(this.v));
    }
  }

  /** Calls `handler` with the text when the user presses Enter; returns a remover. */
  onSubmit(handler: (value: string) => unknown): () => void {
    this.submitHandlers.add(handler);
    return () => this.submitHandlers.delete(handler);
  }
}

/** Options of {@link Label} and {@link HTML}. */
export interface StringWidgetOptions extends DomWidgetOptions {
  value?: string;
  description?: string;
}

abstract class StringWidget extends DomWidget {
  private v: string;
  private readonly descriptionText: string;

  protected constructor(
    fn: string,
    options: StringWidgetOptions,
    private readonly names: ModelIdentity,
  ) {
    checkOptions(fn, options, [...DOM_KEYS, 'value', 'description']);
    super(options);
    this.v = checkString(fn, 'value', options.value ?? '');
    this.descriptionText = checkString(fn, 'description', options.description ?? '');
  }

  protected identity(): ModelIdentity {
    return this.names;
  }

  protected attributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = { ...this.domAttributes(protocol), value: this.v, description: this.descriptionText, placeholder: '\u200b' };
    if (protocol === 1) out.disabled = false;
    else out.description_allow_html = false;
    return out;
  }

  get value(): string {
    return this.v;
  }
  set value(v: string) {
    const old = this.v;
    this.v = checkString(`${this.kind}.value`, 'value', v);
    this.changed([{ name: 'value', old, new: v }]);
  }

  protected override summary(): Record<string, unknown> {
    return { value: this.v.length > 40 ? `${this.v.slice(0, 37)}…` : this.v };
  }
}

/** A line of text. */
export class Label extends StringWidget {
  constructor(options: StringWidgetOptions = {}) {
    super('Label', options, { model: 'LabelModel', view: 'LabelView' });
  }
}

/** HTML (no scripts: frontends insert it as markup). */
export class HTML extends StringWidget {
  constructor(options: StringWidgetOptions = {}) {
    super('HTML', options, { model: 'HTMLModel', view: 'HTMLView' });
  }
}

// ---------------------------------------------------------------------------------------------
// Progress

/** Options of {@link IntProgress} and {@link FloatProgress}. */
export interface ProgressOptions extends DescriptionOptions {
  value?: number;
  min?: number;
  max?: number;
  barStyle?: '' | 'success' | 'info' | 'warning' | 'danger';
  orientation?: 'horizontal' | 'vertical';
  style?: Pick<StyleOptions, 'description_width' | 'bar_color'>;
}

abstract class Progress extends DescriptionWidget implements ValueWidget<number> {
  private v: number;
  private lo: number;
  private hi: number;
  private bar: NonNullable<ProgressOptions['barStyle']>;
  private readonly orientation: 'horizontal' | 'vertical';

  protected constructor(
    fn: string,
    options: ProgressOptions,
    private readonly integer: boolean,
  ) {
    checkOptions(fn, options, [...DESCRIPTION_KEYS, 'value', 'min', 'max', 'barStyle', 'orientation', 'style']);
    super(fn, options, 'progress');
    this.lo = this.number(fn, 'min', options.min ?? 0);
    this.hi = this.number(fn, 'max', options.max ?? (integer ? 100 : 10));
    if (this.lo > this.hi) fail(fn, 'min', `must not exceed max (${this.lo} > ${this.hi})`);
    this.v = this.number(fn, 'value', options.value ?? this.lo);
    this.bar = checkOneOf(fn, 'barStyle', options.barStyle ?? '', ['', 'success', 'info', 'warning', 'danger'] as const);
    this.orientation = checkOneOf(fn, 'orientation', options.orientation ?? 'horizontal', ['horizontal', 'vertical'] as const);
  }

  private number(fn: string, name: string, v: unknown): number {
    return checkNumber(fn, name, v, this.integer);
  }

  protected identity(protocol: WidgetProtocol): ModelIdentity {
    if (protocol === 1) return { model: 'ProgressModel', view: 'ProgressView' };
    return { model: this.integer ? 'IntProgressModel' : 'FloatProgressModel', view: 'ProgressView' };
  }

  protected attributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    return {
      ...this.describedAttributes(protocol),
      value: Math.min(this.hi, Math.max(this.lo, this.v)),
      min: this.lo,
      max: this.hi,
      bar_style: this.bar,
      orientation: this.orientation,
      ...(protocol === 1 ? { step: 1 } : {}),
    };
  }

  get value(): number {
    return this.v;
  }
  set value(v: number) {
    const old = this.v;
    this.v = this.number(`${this.kind}.value`, 'value', v);
    this.changed([{ name: 'value', old, new: v }]);
  }

  get max(): number {
    return this.hi;
  }
  set max(v: number) {
    const old = this.hi;
    this.hi = this.number(`${this.kind}.max`, 'max', v);
    this.changed([{ name: 'max', old, new: v }]);
  }

  get barStyle(): NonNullable<ProgressOptions['barStyle']> {
    return this.bar;
  }
  set barStyle(s: NonNullable<ProgressOptions['barStyle']>) {
    const old = this.bar;
    this.bar = checkOneOf(`${this.kind}.barStyle`, 'barStyle', s, ['', 'success', 'info', 'warning', 'danger'] as const);
    this.changed([{ name: 'bar_style', old, new: s }]);
  }

  onChange(handler: (value: number, change: WidgetChange<number>) => unknown): () => void {
    return onValue(this, handler);
  }

  protected override summary(): Record<string, unknown> {
    return { value: this.v, max: this.hi };
  }
}

/** A progress bar of integers. */
export class IntProgress extends Progress {
  constructor(options: ProgressOptions = {}) {
    super('IntProgress', options, true);
  }
}

/** A progress bar of numbers. */
export class FloatProgress extends Progress {
  constructor(options: ProgressOptions = {}) {
    super('FloatProgress', options, false);
  }
}

// ---------------------------------------------------------------------------------------------
// Boxes

/** Options of {@link HBox} and {@link VBox}. */
export interface BoxOptions extends DomWidgetOptions {
  children?: readonly Widget[];
  boxStyle?: '' | 'success' | 'info' | 'warning' | 'danger';
}

abstract class Box extends DomWidget {
  private kids: Widget[];
  private readonly boxStyle: NonNullable<BoxOptions['boxStyle']>;

  protected constructor(
    fn: string,
    options: BoxOptions,
    private readonly names: ModelIdentity,
  ) {
    checkOptions(fn, options, [...DOM_KEYS, 'children', 'boxStyle']);
    super(options);
    this.kids = Box.check(fn, options.children ?? []);
    this.boxStyle = checkOneOf(fn, 'boxStyle', options.boxStyle ?? '', ['', 'success', 'info', 'warning', 'danger'] as const);
  }

  private static check(fn: string, children: readonly Widget[]): Widget[] {
    if (!Array.isArray(children)) fail(fn, 'children', 'must be an array of widgets');
    children.forEach((c, i) => {
      if (!(c instanceof Widget)) fail(fn, `children[${i}]`, 'must be a widget');
    });
    return [...children];
  }

  protected override references(): Widget[] {
    return [...super.references(), ...this.kids];
  }

  protected identity(): ModelIdentity {
    return this.names;
  }

  protected attributes(protocol: WidgetProtocol): Record<string, JsonValue> {
    return { ...this.domAttributes(protocol), children: this.kids.map(widgetRef), box_style: this.boxStyle };
  }

  /** The widgets in the box. */
  get children(): readonly Widget[] {
    return [...this.kids];
  }
  set children(children: readonly Widget[]) {
    const old = this.kids;
    this.kids = Box.check(`${this.kind}.children`, children);
    if (this.isOpen) for (const c of this.kids) c.open();
    this.changed([{ name: 'children', old: old.map(widgetRef), new: this.kids.map(widgetRef) }]);
  }

  protected override summary(): Record<string, unknown> {
    return { children: this.kids.length };
  }
}

/** Widgets side by side. */
export class HBox extends Box {
  constructor(options: BoxOptions = {}) {
    super('HBox', options, { model: 'HBoxModel', view: 'HBoxView' });
  }
}

/** Widgets one below the other. */
export class VBox extends Box {
  constructor(options: BoxOptions = {}) {
    super('VBox', options, { model: 'VBoxModel', view: 'VBoxView' });
  }
}
