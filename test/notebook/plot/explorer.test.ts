import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AslInputError } from 'asl-workbook';
import { aslExplorerFigure, figureHtml, lineFigure, sliderExplorerFigure } from 'asl-workbook-notebook';
import { LINKED_SLIDERS_SCRIPT } from '../../../packages/notebook/src/display/plotly';

type Trace = { name: string; visible: boolean; x: number[]; y: number[]; xaxis: string; meta: { at: Record<string, number> } };

test('sliderExplorerFigure precomputes each curve for every combination of the parameters it depends on', () => {
  const x = [0, 0.5, 1];
  const fig = sliderExplorerFigure(
    { a: { label: 'a', values: [1, 2, 3], initial: 2 }, b: { label: 'b', values: [0, 10], initial: 0 } },
    [
      { name: 'only a', panel: 0, dependsOn: ['a'], compute: ({ a }) => ({ x, y: x.map((v) => a * v) }) },
      { name: 'a and b', panel: 1, dependsOn: ['a', 'b'], compute: ({ a, b }) => ({ x, y: x.map((v) => a * v + b) }) },
    ],
    { panels: [{ title: 'left' }, { title: 'right', yTitle: 'y' }] },
  );
  const data = fig.data as unknown as Trace[];
  assert.equal(data.length, 3 + 3 * 2);
  // Exactly one trace per curve is visible at first: the one at the initial values.
  const visible = data.filter((t) => t.visible);
  assert.deepEqual(visible.map((t) => [t.name, t.y]), [['only a', [0, 1, 2]], ['a and b', [0, 1, 2]]]);
  assert.equal(visible[1].xaxis, 'x2');
  // The trace for a = 3, b = 10 is tagged with slider 0 at index 2 and slider 1 at index 1.
  const last = data.find((t) => t.name === 'a and b' && t.y[2] === 13)!;
  assert.deepEqual(last.meta.at, { 0: 2, 1: 1 });
  const layout = fig.layout as Record<string, any>;
  assert.equal(layout.meta.aslLinkedSliders, true);
  assert.deepEqual(layout.sliders.map((s: { active: number }) => s.active), [1, 0]);
  assert.ok(layout.sliders.every((s: { steps: Array<{ method: string }> }) => s.steps.every((st) => st.method === 'skip')));
  assert.deepEqual(layout.legend && typeof layout.legend.x, 'number');
  assert.ok(layout.legend.x > 1, 'legend outside the plotting area');
});

test('sliderExplorerFigure rejects bad input with the offending key', () => {
  const ok = { a: { label: 'a', values: [1, 2], initial: 1 } };
  assert.throws(() => sliderExplorerFigure({ a: { label: 'a', values: [1, 2], initial: 3 } }, [], { panels: [{ title: 't' }] }), /initial.*must be one of its values/);
  assert.throws(() => sliderExplorerFigure(ok, [], { panels: [] }), AslInputError);
  assert.throws(
    () => sliderExplorerFigure(ok, [{ name: 'c', panel: 0, dependsOn: ['z' as 'a'], compute: () => ({ x: [], y: [] }) }], { panels: [{ title: 't' }] }),
    /unknown parameter "z"/,
  );
  assert.throws(() => sliderExplorerFigure(ok, [], { panels: [{ title: 't' }], colour: 1 } as never), /colour/);
});

test('aslExplorerFigure: its curves are ASL\'s closed forms (positive depends on γ+, negative on γ− and m)', () => {
  const fig = aslExplorerFigure({ gammaNeg: [0, 4], gammaPos: [0, 1], clip: [0, 0.05], points: 41 });
  const data = fig.data as unknown as Trace[];
  // positive: 2 γ+ values × 2 panels; negative: 2 × 2 combinations × 2 panels.
  assert.equal(data.length, 2 * 2 + 4 * 2);
  const negLoss = data.filter((t) => t.name === 'negative (y = 0)' && t.xaxis === 'x');
  const at4005 = negLoss.find((t) => t.meta.at[0] === 1 && t.meta.at[2] === 1)!;
  for (let i = 0; i < at4005.x.length; i++) {
    const p = at4005.x[i];
    const pm = Math.max(p - 0.05, 0);
    const expected = pm === 0 ? 0 : -(pm ** 4) * Math.log(1 - pm);
    assert.ok(Math.abs(at4005.y[i] - expected) <= 2e-3 * Math.max(1, expected), `negative loss at p=${p}: ${at4005.y[i]} vs ${expected}`);
  }
  const posGrad = data.find((t) => t.name === 'positive (y = 1)' && t.xaxis === 'x2' && t.meta.at[1] === 0)!;
  // γ+ = 0: |dL/dz| of a positive is 1 − p.
  posGrad.x.forEach((p, i) => assert.ok(Math.abs(posGrad.y[i] - (1 - p)) < 2e-3, `positive gradient at p=${p}`));
  assert.throws(() => aslExplorerFigure({ gamma: [1] } as never), /gamma/);
});

test('the linking script shows the traces that match every slider and hides the others', () => {
  const fig = sliderExplorerFigure(
    { a: { label: 'a', values: [1, 2], initial: 1 }, b: { label: 'b', values: [0, 1], initial: 0 } },
    [{ name: 'c', panel: 0, dependsOn: ['a', 'b'], compute: ({ a, b }) => ({ x: [0], y: [a + b] }) }],
    { panels: [{ title: 't' }] },
  );
  let handler: (() => void) | undefined;
  let restyled: boolean[] | undefined;
  const el = {
    data: fig.data,
    layout: fig.layout as Record<string, any>,
    on: (event: string, fn: () => void) => {
      assert.equal(event, 'plotly_sliderchange');
      handler = fn;
    },
  };
  const window = { Plotly: { restyle: (_: unknown, update: { visible: boolean[] }) => (restyled = update.visible) } };
  new Function('window', 'el', `${LINKED_SLIDERS_SCRIPT}aslLinkSliders(el);`)(window, el);
  el.layout.sliders[0].active = 1;
  el.layout.sliders[1].active = 1;
  handler!();
  const shown = (fig.data as unknown as Trace[]).filter((_, i) => restyled![i]).map((t) => t.y[0]);
  assert.deepEqual(shown, [3]);
});

test('figureHtml adds the linking script only to figures with linked sliders', () => {
  const linked = sliderExplorerFigure({ a: { label: 'a', values: [1], initial: 1 } }, [{ name: 'c', panel: 0, dependsOn: ['a'], compute: () => ({ x: [0], y: [1] }) }], { panels: [{ title: 't' }] });
  assert.match(figureHtml(linked), /aslLinkSliders\(el\)/);
  assert.doesNotMatch(figureHtml(lineFigure([{ name: 'l', x: [0], y: [1] }])), /aslLinkSliders/);
});
