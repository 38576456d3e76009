/**
 * asl-workbook: Asymmetric Loss (ASL) and a multi-label toolkit for TensorFlow.js.
 *
 * Areas (each a folder with its own index): `backend` (tfjs backend start-up), `losses` (ASL and
 * the multi-label loss zoo), `metrics` (mAP and friends), `data` (datasets and loaders), `train`
 * (the training engine), `plot` (figure specs), `display` (notebook rendering), `book` (the book's
 * helpers: profiles, run cache, claims), `analysis` (gradient share), `core` (checks, seeded random
 * numbers). The Jupyter kernel (`kernel`) is not re-exported: only the `asl-kernel` entry needs it.
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
