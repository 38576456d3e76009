export { gradientShare } from './gradient-share';
export type { GradientShare } from './gradient-share';
export { GradientShareTracker } from './gradient-share-callback';
export type { GradientShareRecord } from './gradient-share-callback';
