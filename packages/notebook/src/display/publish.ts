/**
 * Sends MIME bundles to the notebook front end, whichever kernel runs us:
 * 1. a publisher installed with {@link setDisplayPublisher} (the workbook's own kernel does this);
 * 2. Deno's kernel (`Deno.jupyter.display(bundle, { raw: true })`);
 * 3. tslab: its display writer (`tslab/dist/jupyter`), which accepts a full multi-MIME bundle
 *    (tslab's public `display` API sends one MIME type per output).
 * Outside a notebook nothing is sent and the helpers return their HTML/JSON instead.
 */
import type { MimeBundle } from 'asl-workbook';

export interface PublishOptions {
  /** A display id, to update the same output later. */
  displayId?: string;
  /** Replace the output with this display id instead of adding one (`update_display_data`). */
  update?: boolean;
}

export type DisplayPublisher = (bundle: MimeBundle, options: PublishOptions) => void;

let installed: DisplayPublisher | undefined;

/** Installs (or with `undefined` removes) the publisher used before the built-in ones. */
export function setDisplayPublisher(publisher: DisplayPublisher | undefined): void {
  installed = publisher;
}

type TslabWriter = (msg: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;

function tslabWriter(): TslabWriter | undefined {
  try {
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData?: TslabWriter | null };
    return jupyter.lastWriteDisplayData ?? undefined;
  } catch {
    return undefined;
  }
}

interface DenoJupyter {
  display(bundle: MimeBundle, options: { raw: boolean; update?: boolean; display_id?: string }): unknown;
}

/** The publisher of the running notebook kernel, or undefined outside a notebook. */
export function activePublisher(): DisplayPublisher | undefined {
  if (installed) return installed;
  const deno = (globalThis as { Deno?: { jupyter?: DenoJupyter } }).Deno?.jupyter;
  if (deno) {
    return (bundle, o) => void deno.display(bundle, { raw: true, update: o.update, display_id: o.displayId });
  }
  const write = tslabWriter();
  if (write) {
    return (bundle, o) =>
      write({ data: bundle, metadata: {}, transient: o.displayId ? { display_id: o.displayId } : {} }, !!o.update);
  }
  return undefined;
}

/** True inside a notebook kernel that can show rich output. */
export function inNotebook(): boolean {
  return activePublisher() !== undefined;
}

/** Shows a bundle in the notebook; returns false (and does nothing) outside one. */
export function publish(bundle: MimeBundle, options: PublishOptions = {}): boolean {
  const publisher = activePublisher();
  if (!publisher) return false;
  publisher(bundle, options);
  return true;
}

let displayCounter = 0;

/** A display that can be updated in place (live progress, growing charts). */
export interface DisplayHandle {
  readonly id: string;
  /** Replaces the shown bundle (the first call creates the output). Returns false outside a notebook. */
  update(bundle: MimeBundle): boolean;
}

export function newDisplay(): DisplayHandle {
  const id = `asl-${process.pid}-${Date.now().toString(36)}-${++displayCounter}`;
  let shown = false;
  return {
    id,
    update(bundle: MimeBundle): boolean {
      const ok = publish(bundle, { displayId: id, update: shown });
      shown = shown || ok;
      return ok;
    },
  };
}
