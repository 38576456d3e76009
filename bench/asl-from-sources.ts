/**
 * Runs the `asl` command from the TypeScript sources (lib/cli/asl.ts) instead of lib/dist, for
 * timing runs while the library cannot be built:
 *
 *   npx tsx bench/asl-from-sources.ts train --model bn-cnn --canvas 64 --train-size 8000 --val-size 2000 --epochs 6 --batch-size 128
 */
import { main } from '../lib/cli/asl';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
