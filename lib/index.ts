/**
 * asl-workbook: Asymmetric Loss (ASL) and a multi-label toolkit for TensorFlow.js.
 *
 * Areas (each a folder with its own index): `backend` (tfjs backend start-up), `losses` (ASL and
 * the multi-label loss zoo), `metrics` (mAP and friends), `data` (datasets and loaders), `train`
 * (the training engine), `plot` (figure specs), `display` (notebook rendering), `core` (checks).
 */
export * from './core';
export * from './backend';
export * from './losses';
export * from './metrics';
export * from './data';
export * from './train';
export * from './plot';
export * from './display';
export * from './book';
export * from './analysis';
