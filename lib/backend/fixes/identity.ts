/**
 * `Identity` on wasm without a copy. tfjs clones every tensor it saves for the backward pass
 * (`saveTensorsForBackwardMode` → `clone` → `Identity`), and the wasm kernel copies the data: on the
 * book CNN, 84 copies per step, 46 ms. tfjs tensors are immutable, so, like tfjs' own `Reshape` on
 * wasm and `Identity` on the cpu backend, the output shares the input's data (its reference count
 * goes up; the memory is freed when the last tensor using it is disposed).
 */
import type { WasmKernelFunc } from './kernel-api';

export const identityWasm: WasmKernelFunc = ({ inputs, backend }) => {
  const x = inputs.x!;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};
