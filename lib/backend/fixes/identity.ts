/**
 * `Identity` (and same-dtype `Cast`) on wasm without a copy. tfjs clones every tensor it saves for the backward pass
 * (`saveTensorsForBackwardMode` → `clone` → `Identity`), and the wasm kernel copies the data: on the
 * book CNN, 84 copies per step, 46 ms. tfjs tensors are immutable, so, like tfjs' own `Reshape` on
 * wasm and `Identity` on the cpu backend, the output shares the input's data (its reference count
 * goes up; the memory is freed when the last tensor using it is disposed).
 */
import { wasmKernel } from './kernel-api';
import type { WasmKernelFunc } from './kernel-api';

export const identityWasm: WasmKernelFunc = ({ inputs, backend }) => {
  const x = inputs.x!;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

/**
 * `Cast` to the dtype the tensor already has shares its data the same way (tfjs' wasm kernel copies
 * it). The gradient of `Identity` is such a cast (`dy` to float32), so every clone costs a copy in
 * the backward pass without this. A cast to bool is x ≠ 0 (tfjs 4.22's wasm kernel truncates
 * instead: [1.5, −2, 0, 4] became [1, 254, 0, 4]). Other casts run tfjs' kernel.
 */
export const castWasm: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  if (x.dtype === attrs.dtype) return identityWasm(args);
  if (attrs.dtype === 'bool' && x.dtype !== 'string') {
    const out = backend.makeOutput([...x.shape], 'bool');
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    for (let i = 0; i < to.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
    return out;
  }
  return wasmKernel('Cast')(args);
};
