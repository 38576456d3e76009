/**
 * Optional WebAssembly features the kernels use when the engine has them.
 *
 * Fused multiply-add: relaxed SIMD's `f32x4.relaxed_madd` compiles to the CPU's FMA instruction
 * (x86 FMA3, ARM fmla) and takes the matrix products' micro-kernel from ≈40 to ≈48 GFLOP/s on
 * this project's machines (AMD EPYC, one thread). Node 20's V8 (11.3) validates relaxed SIMD only
 * with `--experimental-wasm-relaxed-simd`; V8 reads that flag when it validates a module, so it is
 * set here (once, before the kernels' module is compiled) with `v8.setFlagsFromString`, and then
 * checked by validating a one-instruction module. Later Node versions have relaxed SIMD on by
 * default and the check simply passes. `ASL_WASM_FMA=0` keeps the separate multiply and add.
 *
 * Results: with FMA, each product term is rounded once instead of twice, so results differ from
 * the mul+add kernels in the last bits (both are within the tests' tolerances of the cpu backend).
 * On one machine, a given choice is deterministic.
 */
import { webAssemblyApi } from './wasm-api';

let fma: boolean | undefined;

/** A module with one function `(v128, v128, v128) → v128` computing `f32x4.relaxed_madd`. */
const RELAXED_MADD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type (v128 v128 v128) → v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // body
]);

/** Whether the kernels use fused multiply-add (decided once per process). */
export function wasmFmaAvailable(): boolean {
  if (fma !== undefined) return fma;
  fma = false;
  const api = webAssemblyApi();
  if (!api || process.env.ASL_WASM_FMA === '0') return fma;
  try {
    if (!api.validate(RELAXED_MADD_PROBE)) {
      (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--experimental-wasm-relaxed-simd');
    }
    fma = api.validate(RELAXED_MADD_PROBE);
  } catch {
    fma = false;
  }
  return fma;
}
