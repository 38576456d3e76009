/**
 * Process-wide state of the notebook package. The kernel loads the package from where it is
 * installed and a notebook may load another copy (from its own node_modules): state that the kernel
 * and cells must share (kernel hooks, comms, widgets, the output capture) lives on `globalThis` under
 * a registered symbol, so every copy sees the same one.
 */
const STORE = Symbol.for('asl-workbook-notebook.shared');

type Store = Map<string, unknown>;

function store(): Store {
  const g = globalThis as { [STORE]?: Store };
  g[STORE] ??= new Map();
  return g[STORE];
}

/** The process-wide value named `name`, created by `init` on first use. */
export function shared<T>(name: string, init: () => T): T {
  const s = store();
  if (!s.has(name)) s.set(name, init());
  return s.get(name) as T;
}
