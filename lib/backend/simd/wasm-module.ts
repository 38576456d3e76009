/**
 * A minimal WebAssembly module writer: just what the workbook's SIMD kernels need (i32/f32/f64/v128
 * locals, loops and branches, loads and stores, f32x4 arithmetic), emitting the binary format
 * directly. Hand-written kernels need no compiler toolchain at build time and no binary in the
 * repository: the module is assembled from TypeScript when first used (a few kilobytes, well under
 * a millisecond).
 *
 * Only the binary-format rules the kernels use are implemented: one imported memory
 * (`env.memory`), function types, functions, exports.
 */

export type ValueType = 'i32' | 'f32' | 'f64' | 'v128';

const VALUE_TYPE: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

function unsignedLeb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function signedLeb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function utf8(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...unsignedLeb(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

/** A local variable (or parameter) of the function being written. */
export interface Local {
  readonly index: number;
  readonly type: ValueType;
}

/**
 * The body of one function: each method appends one instruction (stack machine order, as in the
 * text format), so kernels read like `.text` listings.
 */
export class FunctionBuilder {
  private readonly code: number[] = [];
  private readonly extraLocals: ValueType[] = [];
  readonly params: Local[];

  constructor(
    readonly name: string,
    paramTypes: ValueType[],
    readonly results: ValueType[] = [],
  ) {
    this.params = paramTypes.map((type, index) => ({ index, type }));
  }

  /** Declares a new local of `type`. */
  local(type: ValueType): Local {
    const index = this.params.length + this.extraLocals.length;
    this.extraLocals.push(type);
    return { index, type };
  }

  /** Declares `count` new locals of `type`. */
  locals(type: ValueType, count: number): Local[] {
    return Array.from({ length: count }, () => this.local(type));
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  private simd(opcode: number, ...immediates: number[]): this {
    return this.op(0xfd, ...unsignedLeb(opcode), ...immediates);
  }

  // Control.
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  if(): this {
    return this.op(0x04, 0x40);
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  /** Branch to the `depth`-th enclosing label (0 = innermost). */
  br(depth: number): this {
    return this.op(0x0c, ...unsignedLeb(depth));
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...unsignedLeb(depth));
  }
  return(): this {
    return this.op(0x0f);
  }
  /**
   * `while (true) { exit(); if (popped) break; body(); }`: `exit` pushes an i32 that is non-zero to
   * leave; `body` does the iteration's work, counter updates included.
   */
  whileNot(exit: () => void, body: () => void): this {
    this.block().loop();
    exit();
    this.brIf(1);
    body();
    this.br(0);
    return this.end().end();
  }
  /** `for (i = 0; i < limit; i += step) body()` with a local or constant limit (signed compare). */
  forUp(i: Local, limit: Local | number, body: () => void, step = 1): this {
    this.i32Const(0).set(i);
    return this.whileNot(
      () => {
        this.get(i);
        if (typeof limit === 'number') this.i32Const(limit);
        else this.get(limit);
        this.i32GeS();
      },
      () => {
        body();
        this.addTo(i, step);
      },
    );
  }
  /** Calls the module's function number `index` (its position in {@link assembleModule}'s list). */
  call(index: number): this {
    return this.op(0x10, ...unsignedLeb(index));
  }

  // Locals.
  get(l: Local): this {
    return this.op(0x20, ...unsignedLeb(l.index));
  }
  set(l: Local): this {
    return this.op(0x21, ...unsignedLeb(l.index));
  }
  tee(l: Local): this {
    return this.op(0x22, ...unsignedLeb(l.index));
  }

  // i32.
  i32Const(n: number): this {
    return this.op(0x41, ...signedLeb(n | 0));
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32And(): this {
    return this.op(0x71);
  }
  i32Or(): this {
    return this.op(0x72);
  }
  i32Eq(): this {
    return this.op(0x46);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  i32GtS(): this {
    return this.op(0x4a);
  }
  i32GeS(): this {
    return this.op(0x4e);
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  i32Ne(): this {
    return this.op(0x47);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  i32LeS(): this {
    return this.op(0x4c);
  }
  i32DivU(): this {
    return this.op(0x6e);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32ShrU(): this {
    return this.op(0x76);
  }
  /** `cond ? a : b` (stack: a, b, cond). */
  select(): this {
    return this.op(0x1b);
  }
  /** `local += delta` where delta is a constant. */
  addTo(l: Local, delta: number): this {
    return this.get(l).i32Const(delta).i32Add().set(l);
  }
  /** `local += other`. */
  addLocal(l: Local, other: Local): this {
    return this.get(l).get(other).i32Add().set(l);
  }

  // f32 scalars. Memory immediates: alignment (log2) and a constant byte offset.
  f32Load(offset = 0): this {
    return this.op(0x2a, 2, ...unsignedLeb(offset));
  }
  f32Store(offset = 0): this {
    return this.op(0x38, 2, ...unsignedLeb(offset));
  }
  f32Const(x: number): this {
    const bytes = new Uint8Array(new Float32Array([x]).buffer);
    return this.op(0x43, ...bytes);
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Sub(): this {
    return this.op(0x93);
  }
  f32Mul(): this {
    return this.op(0x94);
  }
  f32Div(): this {
    return this.op(0x95);
  }
  f32Sqrt(): this {
    return this.op(0x91);
  }
  f32Max(): this {
    return this.op(0x97);
  }
  f32Gt(): this {
    return this.op(0x5e);
  }
  f32Eq(): this {
    return this.op(0x5b);
  }

  // i64 (8-byte copies: two f32s moved bit for bit). Alignment hint 4 bytes (f32 data).
  i64Load(offset = 0): this {
    return this.op(0x29, 2, ...unsignedLeb(offset));
  }
  i64Store(offset = 0): this {
    return this.op(0x37, 2, ...unsignedLeb(offset));
  }

  // f64 scalars (accumulating sums across blocks).
  f64Load(offset = 0): this {
    return this.op(0x2b, 3, ...unsignedLeb(offset));
  }
  f64Store(offset = 0): this {
    return this.op(0x39, 3, ...unsignedLeb(offset));
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64PromoteF32(): this {
    return this.op(0xbb);
  }

  // v128 / f32x4.
  v128Load(offset = 0): this {
    return this.simd(0x00, 2, ...unsignedLeb(offset));
  }
  /** Loads one f32 and fills all four lanes with it. */
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09, 2, ...unsignedLeb(offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, 2, ...unsignedLeb(offset));
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4Sqrt(): this {
    return this.simd(0xe3);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Sub(): this {
    return this.simd(0xe5);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  f32x4Div(): this {
    return this.simd(0xe7);
  }
  f32x4Max(): this {
    return this.simd(0xe9);
  }
  f32x4Min(): this {
    return this.simd(0xe8);
  }
  /** Lane-wise `a == b` as an all-ones / all-zeros mask. */
  f32x4Eq(): this {
    return this.simd(0x41);
  }
  f32x4Gt(): this {
    return this.simd(0x44);
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  /** `a & ~b`. */
  v128AndNot(): this {
    return this.simd(0x4f);
  }
  v128Or(): this {
    return this.simd(0x50);
  }
  /** `(a & mask) | (b & ~mask)` (stack: a, b, mask). */
  v128Bitselect(): this {
    return this.simd(0x52);
  }
  f32x4ExtractLane(lane: number): this {
    return this.simd(0x1f, lane);
  }
  /**
   * `a·b + c` (stack: a, b, c), fused where the hardware has FMA: relaxed SIMD, which V8 11.3
   * (Node 20) validates only with `--experimental-wasm-relaxed-simd` (see ./features).
   */
  f32x4RelaxedMadd(): this {
    return this.simd(0x105);
  }

  /** The function's code entry (locals and body) in the binary format. */
  encode(): number[] {
    const groups: number[][] = [];
    for (let i = 0; i < this.extraLocals.length; ) {
      let j = i;
      while (j < this.extraLocals.length && this.extraLocals[j] === this.extraLocals[i]) j++;
      groups.push([...unsignedLeb(j - i), VALUE_TYPE[this.extraLocals[i]]]);
      i = j;
    }
    const body = [...vector(groups), ...this.code, 0x0b];
    return [...unsignedLeb(body.length), ...body];
  }

  signature(): number[] {
    return [0x60, ...vector(this.params.map((p) => [VALUE_TYPE[p.type]])), ...vector(this.results.map((r) => [VALUE_TYPE[r]]))];
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

/** The largest memory a 32-bit wasm module can address, in 64 KiB pages. */
const MAX_PAGES = 65536;

/**
 * Assembles a module that imports its memory as `env.memory` (so its functions work directly on
 * another module's heap, e.g. the tfjs wasm backend's) and exports every function by name.
 * `shared`: the import is declared shared (a memory created with `shared: true`, which several
 * threads use at once); such an import matches only a shared memory, and a plain one only a plain
 * memory.
 */
export function assembleModule(functions: FunctionBuilder[], options: { shared?: boolean } = {}): Uint8Array {
  const types = section(1, vector(functions.map((f) => f.signature())));
  const limits = options.shared ? [0x03, ...unsignedLeb(1), ...unsignedLeb(MAX_PAGES)] : [0x00, ...unsignedLeb(1)];
  const memoryImport = [...utf8('env'), ...utf8('memory'), 0x02, ...limits];
  const imports = section(2, vector([memoryImport]));
  const funcs = section(3, vector(functions.map((_, i) => unsignedLeb(i))));
  const exports = section(7, vector(functions.map((f, i) => [...utf8(f.name), 0x00, ...unsignedLeb(i)])));
  const code = section(10, vector(functions.map((f) => f.encode())));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}
