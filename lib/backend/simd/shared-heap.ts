/**
 * A shared heap for the tfjs wasm backend, so that the workbook's kernels can run on several
 * threads directly on tfjs' tensors (./threads).
 *
 * In Node, tfjs 4.22 uses its single-threaded SIMD build (its threaded build needs web workers).
 * That module *defines* its memory, a plain `ArrayBuffer` that no other thread can see. While the
 * backend initialises, {@link withSharedWasmHeap} rewrites the module's bytes before they are
 * instantiated: the memory definition becomes an import of a `WebAssembly.Memory` created here
 * with `shared: true` and the same limits. Nothing else changes (memory index 0 is the same memory,
 * the module still exports it, data segments are written into it as before), so tfjs runs
 * unchanged on a heap whose buffer is a SharedArrayBuffer; the emscripten glue grows it with
 * `memory.grow` as before. Worker threads instantiate the kernels' module on the same memory.
 *
 * The rewrite applies only to a module that defines exactly one memory, imports none, and exports
 * `memory`, `malloc` and `free` (tfjs' emscripten build); any other module, or a failure to
 * instantiate the rewritten one, goes through untouched (the backend then runs on one thread).
 */
import { webAssemblyApi } from './wasm-api';
import type { WasmMemoryLike, WebAssemblyApi } from './wasm-api';

/** Where the rewritten module imports its memory from. */
const IMPORT_MODULE = 'asl';
const IMPORT_NAME = 'sharedHeap';

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
  ) {}
  u8(): number {
    return this.bytes[this.at++];
  }
  leb(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.bytes[this.at++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  name(): string {
    const n = this.leb();
    const s = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }
  limits(): { flags: number; min: number; max?: number } {
    const flags = this.u8();
    const min = this.leb();
    return { flags, min, max: flags & 1 ? this.leb() : undefined };
  }
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function nameBytes(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...leb(b.length), ...b];
}

/**
 * The module with its defined memory turned into an import `asl.sharedHeap` of a shared memory,
 * and that memory's limits in pages; null when the module is not of the expected kind.
 */
export function shareModuleMemory(bytes: Uint8Array): { bytes: Uint8Array; initial: number; maximum: number } | null {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) return null;
  const sections: { id: number; header: number; start: number; end: number }[] = [];
  const r = new Reader(bytes, 8);
  while (r.at < bytes.length) {
    const header = r.at;
    const id = r.u8();
    const size = r.leb();
    sections.push({ id, header, start: r.at, end: r.at + size });
    r.at += size;
  }
  const memory = sections.filter((s) => s.id === 5);
  const imports = sections.find((s) => s.id === 2);
  const exports = sections.find((s) => s.id === 7);
  if (memory.length !== 1 || !exports) return null;
  const m = new Reader(bytes, memory[0].start);
  if (m.leb() !== 1) return null;
  const limits = m.limits();
  if (limits.flags & 2) return null; // already shared
  // Exports: memory, malloc, free.
  const e = new Reader(bytes, exports.start);
  const names = new Set<string>();
  for (let i = e.leb(); i > 0; i--) {
    names.add(e.name());
    e.u8();
    e.leb();
  }
  if (!['memory', 'malloc', 'free'].every((n) => names.has(n))) return null;
  // Imports: none of them a memory.
  let importCount = 0;
  let importBody = new Uint8Array(0);
  if (imports) {
    const im = new Reader(bytes, imports.start);
    importCount = im.leb();
    const bodyStart = im.at;
    for (let i = 0; i < importCount; i++) {
      im.name();
      im.name();
      const kind = im.u8();
      if (kind === 0) im.leb();
      else if (kind === 1) {
        im.u8();
        im.limits();
      } else if (kind === 2) return null;
      else if (kind === 3) {
        im.u8();
        im.u8();
      } else if (kind === 4) {
        im.u8();
        im.leb();
      } else return null;
    }
    importBody = bytes.subarray(bodyStart, imports.end);
  }
  const maximum = limits.max ?? 65536;
  const entry = [...nameBytes(IMPORT_MODULE), ...nameBytes(IMPORT_NAME), 0x02, 0x03, ...leb(limits.min), ...leb(maximum)];
  const newImports = new Uint8Array([...leb(importCount + 1), ...importBody, ...entry]);
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let importsWritten = false;
  const writeImports = () => {
    parts.push(new Uint8Array([2, ...leb(newImports.length)]), newImports);
    importsWritten = true;
  };
  for (const s of sections) {
    // The import section comes after the type section (id 1) and before the others.
    if (!importsWritten && s.id !== 0 && s.id !== 1) writeImports();
    if (s.id === 2 || s.id === 5) continue;
    parts.push(bytes.subarray(s.header, s.end));
  }
  if (!importsWritten) writeImports();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return { bytes: out, initial: limits.min, maximum };
}

type Instantiate = WebAssemblyApi['instantiate'];

/**
 * Runs `init` (which initialises the tfjs wasm backend) with `WebAssembly.instantiate` wrapped so
 * that tfjs' module gets a shared memory; returns that memory, or undefined when nothing was
 * rewritten (then the backend has its own plain memory).
 */
export async function withSharedWasmHeap(init: () => Promise<unknown>): Promise<WasmMemoryLike | undefined> {
  const api = webAssemblyApi();
  if (!api || typeof SharedArrayBuffer === 'undefined') {
    await init();
    return undefined;
  }
  const original: Instantiate = api.instantiate;
  let shared: WasmMemoryLike | undefined;
  const wrapped: Instantiate = function (this: unknown, source: unknown, imports?: object) {
    const bytes = source instanceof Uint8Array ? source : source instanceof ArrayBuffer ? new Uint8Array(source) : undefined;
    const rewritten = bytes && !shared ? shareModuleMemory(bytes) : null;
    if (!rewritten) return original.call(api, source, imports);
    let memory: WasmMemoryLike;
    try {
      memory = new api.Memory({ initial: rewritten.initial, maximum: rewritten.maximum, shared: true });
    } catch {
      return original.call(api, source, imports);
    }
    const withMemory = { ...(imports ?? {}), [IMPORT_MODULE]: { [IMPORT_NAME]: memory } };
    return original.call(api, rewritten.bytes, withMemory).then(
      (result) => {
        shared = memory;
        return result;
      },
      () => original.call(api, source, imports),
    );
  };
  api.instantiate = wrapped;
  try {
    await init();
  } finally {
    api.instantiate = original;
  }
  return shared;
}
