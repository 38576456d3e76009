/**
 * `asl losses`: the registered losses, their papers and parameters (what `--loss` and
 * `--loss-params` accept).
 */
import { UsageError } from '../args';
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'losses',
  summary: 'list the registered losses and their parameters',
  usage: 'asl losses [NAME] [--json]',
  positionals: 1,
  options: { json: { type: 'boolean', description: 'print as JSON' } },
  async run(p) {
    const { listLosses, lossInfo } = await import('../../losses/registry');
    const names = p.positionals.length ? p.positionals : listLosses();
    if (p.positionals.length && !listLosses().includes(p.positionals[0])) {
      try {
        lossInfo(p.positionals[0]);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
    const entries = names.map((n) => lossInfo(n));
    if (p.flag('json')) {
      console.log(JSON.stringify(entries.map((l) => ({ name: l.name, description: l.description, paper: l.paper, params: l.params }))));
      return 0;
    }
    for (const l of entries) {
      console.log(`${l.name}: ${l.description}\n  ${l.paper}`);
      for (const [k, s] of Object.entries(l.params)) {
        const range = s.choices ? ` (${s.choices.join('|')})` : s.min !== undefined || s.max !== undefined ? ` [${s.min ?? '-∞'}, ${s.max ?? '∞'}]` : '';
        console.log(`    ${k} = ${JSON.stringify(s.default)}${range}  ${s.description}`);
      }
    }
    return 0;
  },
};
