/**
 * Which Jupyter widget protocol the frontend speaks, and the kernel-side comm targets of both.
 *
 * | protocol | frontends | widget JavaScript | how the frontend announces itself |
 * |---|---|---|---|
 * | 1 (ipywidgets 6) | classic Notebook ≤ 6 with `jupyter-js-widgets` 2.1 (Debian's `jupyter-nbextension-jupyter-js-widgets`) | module `jupyter-js-widgets` `~2.1.4` | opens a `jupyter.widget.version` comm when it connects; the kernel answers with the range it wants (`~2.1.4`) and the frontend replies whether it matches |
 * | 2.1 (ipywidgets 8) | JupyterLab 4, Notebook 7, VS Code, Voilà (`@jupyter-widgets/base` 6, `controls` 5, `html-manager` 1) | `@jupyter-widgets/controls` 2.0.0, `base` 2.0.0, `output` 1.0.0 | opens a `jupyter.widget.control` comm (control protocol 1.0.0) and asks for every widget's state (`request_states`) when it connects |
 *
 * The two differ in how state travels (protocol 1: `comm_open` data is the state, frontend updates
 * are `backbone` messages with `sync_data`; protocol 2: `{ state, buffer_paths }` both ways, an
 * `echo_update` confirms a frontend's change), in model modules and names, and in how a widget is
 * shown (protocol 1: a `display` comm message puts it in the cell's widget area; protocol 2: a
 * `display_data` with the `application/vnd.jupyter.widget-view+json` MIME type).
 *
 * Negotiation: the protocol is the one of the last frontend that announced itself; before any did
 * (a notebook executed headless, a frontend without widgets) it is 2. `ASL_WIDGET_PROTOCOL=1|2` or
 * {@link setWidgetProtocol} fixes it. Widgets keep their state protocol-neutral, so a widget made
 * before a classic notebook connected is sent to it in protocol 1 when it asks for it.
 */
import { fail } from '../errors';
import { registerCommTarget, type Comm } from '../comm/comm';
import { shared } from '../shared';

/** A widget protocol: 1 (ipywidgets 6, classic notebook's jupyter-js-widgets 2.1) or 2 (2.1.0, ipywidgets 8). */
export type WidgetProtocol = 1 | 2;

/** The protocol versions the kernel serves, as frontends name them. */
export const WIDGET_PROTOCOL_VERSIONS = {
  /** The jupyter-js-widgets semver range sent on the version comm (ipywidgets 6.0's `__frontend_version__`). */
  1: '~2.1.4',
  /** `@jupyter-widgets/base`'s PROTOCOL_VERSION (ipywidgets 8's `__protocol_version__`). */
  2: '2.1.0',
} as const;

/** The control comm's protocol version (ipywidgets 8's `__control_protocol_version__`). */
export const CONTROL_PROTOCOL_VERSION = '1.0.0';

/** Where the current protocol came from. */
export type ProtocolSource = 'setting' | 'environment' | 'version-comm' | 'control-comm' | 'default';

/** The negotiated state, for {@link widgetFrontend}. */
export interface WidgetFrontendInfo {
  protocol: WidgetProtocol;
  source: ProtocolSource;
  /** jupyter-js-widgets version a protocol-1 frontend reported, and whether it matched `~2.1.4`. */
  frontendVersion?: string;
  validated?: boolean;
  /** True once any frontend with widget support announced itself in this session. */
  frontendConnected: boolean;
}

interface NegotiationState {
  forced?: WidgetProtocol;
  detected?: WidgetProtocol;
  source?: ProtocolSource;
  frontendVersion?: string;
  validated?: boolean;
  listeners: Set<(protocol: WidgetProtocol) => void>;
  /** The widget registry's `request_states` answer (set by ./widget). */
  states?: () => { states: Record<string, unknown>; bufferPaths: unknown[][]; buffers: Uint8Array[] };
  installed?: boolean;
}

const negotiation = shared<NegotiationState>('widget-protocol', () => ({ listeners: new Set() }));

function fromEnvironment(): WidgetProtocol | undefined {
  const v = process.env.ASL_WIDGET_PROTOCOL?.trim();
  if (!v || v === 'auto') return undefined;
  if (v === '1' || v === '2') return Number(v) as WidgetProtocol;
  fail('widgets', 'ASL_WIDGET_PROTOCOL', `must be 1, 2 or auto, got ${JSON.stringify(v)}`);
}

/** The protocol widgets speak now (see the module comment). */
export function widgetProtocol(): WidgetProtocol {
  return negotiation.forced ?? fromEnvironment() ?? negotiation.detected ?? 2;
}

/** The negotiated state: protocol, where it came from, what a classic frontend reported. */
export function widgetFrontend(): WidgetFrontendInfo {
  const env = negotiation.forced ? undefined : fromEnvironment();
  const source: ProtocolSource = negotiation.forced ? 'setting' : env ? 'environment' : (negotiation.source ?? 'default');
  return {
    protocol: widgetProtocol(),
    source,
    frontendVersion: negotiation.frontendVersion,
    validated: negotiation.validated,
    frontendConnected: negotiation.detected !== undefined,
  };
}

/** Fixes the protocol for this session (`'auto'`: back to negotiation). */
export function setWidgetProtocol(protocol: WidgetProtocol | 'auto'): void {
  if (protocol !== 1 && protocol !== 2 && protocol !== 'auto') fail('setWidgetProtocol', 'protocol', `must be 1, 2 or 'auto', got ${JSON.stringify(protocol)}`);
  const before = widgetProtocol();
  negotiation.forced = protocol === 'auto' ? undefined : protocol;
  if (widgetProtocol() !== before) for (const l of negotiation.listeners) l(widgetProtocol());
}

/** Calls `listener` when the protocol changes (a frontend of the other kind connected). */
export function onWidgetProtocolChange(listener: (protocol: WidgetProtocol) => void): () => void {
  negotiation.listeners.add(listener);
  return () => negotiation.listeners.delete(listener);
}

function detected(protocol: WidgetProtocol, source: ProtocolSource): void {
  const before = widgetProtocol();
  negotiation.detected = protocol;
  negotiation.source = source;
  if (widgetProtocol() !== before) for (const l of negotiation.listeners) l(widgetProtocol());
}

/** @internal The widget registry answers the control comm's `request_states` through this. */
export function setStatesProvider(provider: NegotiationState['states']): void {
  negotiation.states = provider;
}

/** @internal Forgets what frontends announced (tests). */
export function resetWidgetNegotiation(): void {
  negotiation.forced = undefined;
  negotiation.detected = undefined;
  negotiation.source = undefined;
  negotiation.frontendVersion = undefined;
  negotiation.validated = undefined;
}

/**
 * Registers the kernel's widget comm targets (the workbook kernel does this at start-up, before a
 * frontend connects): `jupyter.widget.version` (protocol 1's version check) and
 * `jupyter.widget.control` (protocol 2's state restore). Widget comms themselves are opened by the
 * kernel; a frontend re-attaching to one after a page reload reuses the live comm.
 */
export function installWidgetTargets(): void {
  if (negotiation.installed) return;
  negotiation.installed = true;
  registerCommTarget('jupyter.widget.version', (comm: Comm) => {
    detected(1, 'version-comm');
    comm.onMessage((m) => {
      if (typeof m.data.frontend_version === 'string') negotiation.frontendVersion = m.data.frontend_version;
      if (typeof m.data.validated === 'boolean') negotiation.validated = m.data.validated;
    });
    comm.send({ version: WIDGET_PROTOCOL_VERSIONS[1] });
  });
  registerCommTarget('jupyter.widget.control', (comm: Comm) => {
    detected(2, 'control-comm');
    comm.onMessage((m) => {
      if (m.data.method !== 'request_states') return;
      const answer = negotiation.states?.() ?? { states: {}, bufferPaths: [], buffers: [] };
      comm.send({ method: 'update_states', states: answer.states, buffer_paths: answer.bufferPaths }, { buffers: answer.buffers });
    });
  });
}
