export { gradientShare } from './gradient-share';
export type { GradientShare } from './gradient-share';
