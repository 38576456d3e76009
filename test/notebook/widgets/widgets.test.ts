/**
 * Comms and widgets without a kernel: the kernel's hooks are replaced by recorders, and frontend
 * messages are delivered through the comm registry as the kernel would deliver them.
 */
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Button,
  Checkbox,
  Dropdown,
  FloatSlider,
  HBox,
  IntProgress,
  IntSlider,
  Output,
  Text,
  VBox,
  interact,
  interactive,
  keepKernelResponsive,
  listComms,
  newDisplay,
  openComm,
  openWidgets,
  prompt,
  registerCommTarget,
  setDisplayPublisher,
  setWidgetProtocol,
  unregisterCommTarget,
  widgetFrontend,
  widgetProtocol,
  widgetState,
  WIDGET_VIEW_MIMETYPE,
  type CommMessage,
} from 'asl-workbook-notebook';
import { AslInputError, type MimeBundle } from 'asl-workbook';
import { commRegistry } from '../../../packages/notebook/src/comm/comm';
import { currentOutputSink } from '../../../packages/notebook/src/display/output-sink';
import { setKernelHooks, type CommMessageType } from '../../../packages/notebook/src/display/kernel-hooks';
import { installWidgetTargets, resetWidgetNegotiation } from '../../../packages/notebook/src/widgets/protocol';

interface Sent {
  msgType: string;
  content: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

let sent: Sent[];
let shown: MimeBundle[];
let outputs: Array<{ msgType: string; content: Record<string, unknown> }>;
let under: Array<{ parent: string; msgType: string; content: Record<string, unknown> }>;

beforeEach(() => {
  sent = [];
  shown = [];
  outputs = [];
  under = [];
  resetWidgetNegotiation();
  setWidgetProtocol('auto');
  setKernelHooks({
    sendComm: (msgType: CommMessageType, content, metadata) => void sent.push({ msgType, content, metadata }),
    publishOutput: (msgType, content) => void outputs.push({ msgType, content }),
    publishUnder: (parent, msgType, content) => void under.push({ parent, msgType, content }),
    parentMsgId: () => 'cell-1',
  });
  // As the kernel does: displays inside an Output's capture go to it.
  setDisplayPublisher((bundle, o) => {
    const sink = currentOutputSink();
    if (sink) sink.emit(o.update ? 'update_display_data' : 'display_data', { data: bundle, metadata: {}, transient: o.displayId ? { display_id: o.displayId } : {} });
    else shown.push(bundle);
  });
});

afterEach(() => {
  for (const w of openWidgets()) w.close();
  setKernelHooks(undefined);
  setDisplayPublisher(undefined);
  commRegistry.reset();
});

/** Delivers a frontend comm message, as the kernel does. */
function frontend(msgType: CommMessageType, content: Record<string, unknown>): Promise<void> {
  const incoming = { content, metadata: {}, buffers: [], msgId: `f-${Math.random()}`, msgType };
  return msgType === 'comm_open' ? commRegistry.open(incoming) : msgType === 'comm_msg' ? commRegistry.message(incoming) : commRegistry.close(incoming);
}

const opened = () => sent.filter((m) => m.msgType === 'comm_open');
const stateOf = (m: Sent) => ((m.content.data as { state?: Record<string, unknown> }).state ?? m.content.data) as Record<string, unknown>;
const messagesTo = (id: string) => sent.filter((m) => m.msgType === 'comm_msg' && m.content.comm_id === id).map((m) => m.content.data as Record<string, unknown>);

describe('comms', () => {
  test('a frontend comm_open reaches its target; unknown targets are closed; info lists open comms', async () => {
    const got: unknown[] = [];
    registerCommTarget('t.unit', (comm, open) => {
      got.push(open.data);
      comm.onMessage((m: CommMessage) => comm.send({ echo: m.data }));
    });
    await frontend('comm_open', { comm_id: 'c1', target_name: 't.unit', data: { a: 1 } });
    await frontend('comm_msg', { comm_id: 'c1', data: { b: 2 } });
    assert.deepEqual(got, [{ a: 1 }]);
    assert.deepEqual(sent.at(-1), { msgType: 'comm_msg', content: { comm_id: 'c1', data: { echo: { b: 2 } } }, metadata: {} });
    assert.deepEqual(commRegistry.info('t.unit'), { c1: { target_name: 't.unit' } });
    await frontend('comm_open', { comm_id: 'c2', target_name: 'nobody', data: {} });
    assert.deepEqual(sent.at(-1), { msgType: 'comm_close', content: { comm_id: 'c2', data: {} }, metadata: {} });
    await frontend('comm_close', { comm_id: 'c1', data: {} });
    assert.equal(listComms('t.unit').length, 0);
    assert.ok(unregisterCommTarget('t.unit'));
  });

  test('kernel-opened comms send and close; a closed comm refuses to send; options are strict', () => {
    const c = openComm('frontend.thing', { x: 1 }, { metadata: { version: '1' } });
    assert.deepEqual(sent[0], { msgType: 'comm_open', content: { comm_id: c.commId, target_name: 'frontend.thing', data: { x: 1 } }, metadata: { version: '1' } });
    c.close();
    assert.equal(c.isOpen, false);
    assert.throws(() => c.send({}), /is closed/);
    assert.throws(() => openComm('x', {}, { metadta: {} } as never), (e: Error) => e instanceof AslInputError && /unknown key 'metadta' \(did you mean 'metadata'\?\)/.test(e.message));
  });

  test('outside the kernel, comms say what they need', () => {
    setKernelHooks(undefined);
    assert.throws(() => openComm('x'), /need a Jupyter frontend connected to the workbook kernel/);
  });
});

describe('widgets, protocol 2.1 (default before any frontend announced itself)', () => {
  test('display opens the comm (layout first) and shows the view MIME type', () => {
    const s = new IntSlider({ description: 'n', value: 3, max: 10, layout: { width: '200px' } });
    assert.equal(widgetProtocol(), 2);
    assert.equal(s.display(), true);
    const [layout, slider] = opened();
    assert.equal(stateOf(layout)._model_name, 'LayoutModel');
    assert.equal(stateOf(layout)._model_module, '@jupyter-widgets/base');
    assert.equal(stateOf(layout).width, '200px');
    assert.deepEqual(slider.metadata, { version: '2.1.0' });
    assert.equal(stateOf(slider).layout, `IPY_MODEL_${s.layout!.modelId}`);
    assert.equal(stateOf(slider)._model_module_version, '2.0.0');
    assert.equal(stateOf(slider).behavior, 'drag-tap');
    assert.deepEqual(shown[0][WIDGET_VIEW_MIMETYPE], { model_id: s.modelId, version_major: 2, version_minor: 0 });
    assert.equal(shown[0]['text/plain'], 'IntSlider(value=3, min=0, max=10, step=1, description="n")');
  });

  test('frontend updates: echo, observers, clamping sent back, no echo of the value as update', async () => {
    const s = new FloatSlider({ min: 0, max: 1, step: 0.1, value: 0.5 });
    const seen: unknown[] = [];
    s.observe('value', (c) => void seen.push([c.new, c.source]));
    s.display();
    await frontend('comm_msg', { comm_id: s.modelId, data: { method: 'update', state: { value: 0.7 }, buffer_paths: [] } });
    assert.deepEqual(messagesTo(s.modelId), [{ method: 'echo_update', state: { value: 0.7 }, buffer_paths: [] }]);
    await frontend('comm_msg', { comm_id: s.modelId, data: { method: 'update', state: { value: 9 }, buffer_paths: [] } });
    assert.deepEqual(messagesTo(s.modelId).at(-1), { method: 'update', state: { value: 1 }, buffer_paths: [] });
    s.value = 0.2;
    assert.deepEqual(messagesTo(s.modelId).at(-1), { method: 'update', state: { value: 0.2 }, buffer_paths: [] });
    assert.deepEqual(seen, [[0.7, 'frontend'], [1, 'frontend'], [0.2, 'kernel']]);
    s.value = 0.2; // no change, no message, no observer
    assert.equal(seen.length, 3);
  });

  test('an observer that throws is reported and the others still run', async () => {
    const c = new Checkbox();
    let after = 0;
    c.observe('value', () => {
      throw new RangeError('bad observer');
    });
    c.onChange(() => void after++);
    c.display();
    await frontend('comm_msg', { comm_id: c.modelId, data: { method: 'update', state: { value: true }, buffer_paths: [] } });
    assert.equal(after, 1);
    assert.equal(outputs[0].msgType, 'error');
    assert.equal(outputs[0].content.ename, 'RangeError');
  });

  test('dropdown syncs the index (protocol 2) and the label (protocol 1); button clicks and text submits', async () => {
    const d = new Dropdown({ options: { one: 1, two: 2, three: 3 }, value: 2 });
    d.display();
    assert.equal(stateOf(opened()[0]).index, 1);
    await frontend('comm_msg', { comm_id: d.modelId, data: { method: 'update', state: { index: 2 } } });
    assert.equal(d.value, 3);
    assert.equal(d.label, 'three');
    setWidgetProtocol(1);
    assert.equal(d.fullState().value, 'three');
    assert.equal(d.fullState()._model_module, 'jupyter-js-widgets');
    await frontend('comm_msg', { comm_id: d.modelId, data: { method: 'backbone', sync_data: { value: 'one' } } });
    assert.equal(d.value, 1);
    setWidgetProtocol('auto');
    const b = new Button({ description: 'go' });
    let clicks = 0;
    b.onClick(() => void clicks++);
    b.display();
    await frontend('comm_msg', { comm_id: b.modelId, data: { method: 'custom', content: { event: 'click' } } });
    assert.equal(clicks, 1);
    const t = new Text();
    let submitted = '';
    t.onSubmit((v) => void (submitted = v));
    t.display();
    await frontend('comm_msg', { comm_id: t.modelId, data: { method: 'update', state: { value: 'hello' } } });
    await frontend('comm_msg', { comm_id: t.modelId, data: { method: 'custom', content: { event: 'submit' } } });
    assert.equal(submitted, 'hello');
  });

  test('request_state answers the whole state; the control comm lists open widgets; widgetState() is the metadata form', async () => {
    installWidgetTargets();
    const box = new VBox({ children: [new HBox({ children: [new IntProgress({ value: 5 })] })] });
    box.display();
    await frontend('comm_msg', { comm_id: box.modelId, data: { method: 'request_state' } });
    assert.equal((messagesTo(box.modelId).at(-1)!.state as Record<string, unknown>)._model_name, 'VBoxModel');
    await frontend('comm_open', { comm_id: 'ctl', target_name: 'jupyter.widget.control', data: {} });
    await frontend('comm_msg', { comm_id: 'ctl', data: { method: 'request_states' } });
    const states = messagesTo('ctl').at(-1)!;
    assert.equal(states.method, 'update_states');
    assert.deepEqual(Object.values(states.states as Record<string, { model_name: string }>).map((s) => s.model_name).sort(), ['HBoxModel', 'IntProgressModel', 'VBoxModel']);
    assert.equal(widgetFrontend().source, 'control-comm');
    const meta = widgetState();
    assert.equal(meta.version_major, 2);
    assert.equal(Object.keys(meta.state).length, 3);
  });

  test('options are strict and values checked', () => {
    const strict = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: Error) => e instanceof AslInputError && re.test(e.message));
    strict(() => new IntSlider({ valu: 3 } as never), /IntSlider: argument 'options' has an unknown key 'valu' \(did you mean 'value'\?\)/);
    strict(() => new IntSlider({ value: 2.5 }), /must be an integer/);
    strict(() => new FloatSlider({ min: 3, max: 1 }), /must not exceed max/);
    strict(() => new Dropdown({ options: [] }), /must not be empty/);
    strict(() => new Dropdown({ options: ['a'], value: 'b' }), /must be one of the options/);
    strict(() => new Button({ buttonStyle: 'shiny' as never }), /buttonStyle/);
    strict(() => new IntSlider({ style: { button_color: 'red' } as never }), /style' has an unknown key 'button_color'/);
    strict(() => interact({ x: new IntSlider() }, () => 1, { debounce: 3 } as never), /did you mean 'debounceMs'/);
  });
});

describe('widgets, protocol 1 (the classic notebook announced itself)', () => {
  test('the version comm answers ~2.1.4; widgets then speak protocol 1 and display with a display message', async () => {
    installWidgetTargets();
    await frontend('comm_open', { comm_id: 'v', target_name: 'jupyter.widget.version', data: {} });
    assert.deepEqual(messagesTo('v'), [{ version: '~2.1.4' }]);
    await frontend('comm_msg', { comm_id: 'v', data: { validated: true, frontend_version: '2.1.4' } });
    assert.deepEqual(widgetFrontend(), { protocol: 1, source: 'version-comm', frontendVersion: '2.1.4', validated: true, frontendConnected: true });
    const s = new IntSlider({ value: 1 });
    s.display();
    const open = opened().at(-1)!;
    assert.equal((open.content.data as Record<string, unknown>)._model_name, 'IntSliderModel');
    assert.equal((open.content.data as Record<string, unknown>).msg_throttle, 1);
    assert.deepEqual(messagesTo(s.modelId), [{ method: 'display' }]);
    assert.deepEqual(shown.at(-1), { [WIDGET_VIEW_MIMETYPE]: { model_id: s.modelId } });
    await frontend('comm_msg', { comm_id: s.modelId, data: { method: 'backbone', sync_data: { value: 7 } } });
    assert.equal(s.value, 7);
    assert.deepEqual(messagesTo(s.modelId), [{ method: 'display' }]); // no echo in protocol 1
  });

  test('the Output announces its capture id as a change and sends outputs under it', async () => {
    setWidgetProtocol(1);
    const out = new Output();
    out.display();
    assert.equal((opened().at(-1)!.content.data as Record<string, unknown>).msg_id, '');
    assert.deepEqual(messagesTo(out.modelId).filter((d) => d.method === 'update'), [{ method: 'update', state: { msg_id: out.captureId }, buffers: [] }]);
    out.appendStdout('x');
    await new Promise((r) => setTimeout(r, 200)); // the frontend is given a moment to register the id
    assert.deepEqual(under, [{ parent: out.captureId, msgType: 'stream', content: { name: 'stdout', text: 'x' } }]);
  });
});

describe('Output and interact', () => {
  test('capture merges streams, follows display updates, clears with wait', async () => {
    const out = new Output();
    out.display();
    out.appendStdout('a\n');
    const d = out.capture(() => newDisplay());
    out.capture(() => d.update({ 'text/plain': 'v1' }));
    out.capture(() => d.update({ 'text/plain': 'v2' }));
    out.appendStdout('b\n');
    assert.deepEqual(out.outputs, [
      { output_type: 'stream', name: 'stdout', text: 'a\n' },
      { output_type: 'display_data', data: { 'text/plain': 'v2' }, metadata: {} },
      { output_type: 'stream', name: 'stdout', text: 'b\n' },
    ]);
    out.clear(true);
    assert.equal(out.outputs.length, 3); // kept until the next output
    out.appendStderr('c');
    assert.deepEqual(out.outputs, [{ output_type: 'stream', name: 'stderr', text: 'c' }]);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(messagesTo(out.modelId).at(-1), { method: 'update', state: { outputs: [{ output_type: 'stream', name: 'stderr', text: 'c' }] }, buffer_paths: [] });
  });

  test('interact runs at once, debounces a burst of changes into few runs with the last values, and shows errors', async () => {
    const a = new IntSlider({ value: 1 });
    const runs: number[] = [];
    const ui = interact({ a }, ({ a: v }) => {
      runs.push(v);
      if (v === 13) throw new Error('unlucky');
      return `a is ${v}`;
    }, { debounceMs: 20 });
    await ui.ready;
    assert.deepEqual(runs, [1]);
    assert.equal((ui.output.outputs[0] as { data: Record<string, unknown> }).data['text/plain'], "'a is 1'");
    for (let v = 2; v <= 12; v++) await frontend('comm_msg', { comm_id: a.modelId, data: { method: 'update', state: { value: v } } });
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(runs, [1, 12]);
    await frontend('comm_msg', { comm_id: a.modelId, data: { method: 'update', state: { value: 13 } } });
    await new Promise((r) => setTimeout(r, 60));
    assert.equal((ui.lastError as Error).message, 'unlucky');
    assert.equal(ui.output.outputs[0].output_type, 'error');
  });

  test('an async function never runs twice at a time; changes during a run give one more run with the latest values', async () => {
    const a = new IntSlider({ value: 0 });
    let active = 0;
    let maxActive = 0;
    const runs: number[] = [];
    const ui = interactive({ a }, async ({ a: v }) => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 30));
      runs.push(v);
      active--;
    }, { debounceMs: 0 });
    const first = ui.update();
    a.value = 1;
    a.value = 2;
    a.value = 3;
    await first;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(maxActive, 1);
    assert.deepEqual(runs, [0, 3]);
  });
});

describe('keepKernelResponsive', () => {
  test('yields one event-loop turn per batch when due, so messages get in during a run', async () => {
    const cb = keepKernelResponsive({ everyMs: 0 });
    let turned = false;
    setImmediate(() => void (turned = true));
    await cb.onBatchEnd!({ epoch: 0, step: 0, loss: 1, lr: 0.1 } as never);
    assert.ok(turned);
    const lazy = keepKernelResponsive({ everyMs: 60_000 });
    turned = false;
    setImmediate(() => void (turned = true));
    await lazy.onBatchEnd!({ epoch: 0, step: 0, loss: 1, lr: 0.1 } as never);
    assert.equal(turned, false);
    assert.throws(() => keepKernelResponsive({ every: 1 } as never), /did you mean 'everyMs'/);
  });
});

describe('prompt outside the kernel', () => {
  test('returns its default, or says it needs the kernel', async () => {
    setKernelHooks(undefined);
    assert.equal(await prompt('name? ', { default: 'x' }), 'x');
    await assert.rejects(prompt('name? '), /needs the workbook kernel/);
    await assert.rejects(prompt('name? ', { pasword: true } as never), /did you mean 'password'/);
  });
});
