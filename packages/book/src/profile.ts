/**
 * Book profiles: `npm run reproduce -- --quick` sets `ASL_PROFILE=quick` (smaller data, fewer epochs and
 * seeds, same code paths); the full profile is the default. Chapters size their work with {@link byProfile}.
 */
export type BookProfile = 'quick' | 'full';

/** The active profile (`ASL_PROFILE`, default `'full'`). */
export function bookProfile(env: NodeJS.ProcessEnv = process.env): BookProfile {
  return env.ASL_PROFILE === 'quick' ? 'quick' : 'full';
}

/** Picks the value of the active profile: `byProfile({ quick: 2, full: 10 })`. */
export function byProfile<T>(values: { quick: T; full: T }, env: NodeJS.ProcessEnv = process.env): T {
  return values[bookProfile(env)];
}
