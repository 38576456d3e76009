/**
 * The parts of TensorFlow.js the workbook uses: tfjs-core (tensors, ops, autodiff, io, optimizers),
 * tfjs-layers (models and layers) and the cpu backend — what the `@tensorflow/tfjs` bundle re-exports,
 * without its converter, data, WebGL backend and 140 MB of browser bundles. The library imports
 * TensorFlow.js only through this module, so an install needs just these packages (peers of the core
 * package); code that imports `@tensorflow/tfjs` shares the same tfjs-core, hence the same tensors and
 * backends.
 */
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
