/**
 * Opt-in WebGPU backend for Node through the `webgpu` package (Google's Dawn bindings).
 * tfjs-backend-webgpu registers itself at import time only if `navigator.gpu` exists, so the
 * globals must be installed first. On machines without a GPU adapter this throws a clear error.
 */
import * as tf from '../core/tf';

interface WebGpuModule {
  create(flags: string[]): unknown;
  globals: Record<string, unknown>;
}

export async function setUpWebGpu(): Promise<string> {
  let webgpu: WebGpuModule;
  try {
    webgpu = require('webgpu') as WebGpuModule;
  } catch (e) {
    throw new Error(`the 'webgpu' package is not installed (${(e as Error).message.split('\n')[0]})`);
  }
  const g = globalThis as Record<string, unknown>;
  Object.assign(g, webgpu.globals);
  if (!g.navigator) g.navigator = {};
  const nav = g.navigator as Record<string, unknown>;
  if (!nav.gpu) nav.gpu = webgpu.create([]);
  const gpu = nav.gpu as { requestAdapter(): Promise<unknown | null> };
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter on this machine');
  require('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend failed to initialise');
  return '@tensorflow/tfjs-backend-webgpu through Dawn (webgpu package)';
}
