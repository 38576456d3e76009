import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ProbabilityTracker, setTrainingEnvironment, trainModel, type MimeBundle } from 'asl-workbook';
import { liveTrainingDisplay, mimeBundleOf, registerTrainingRenderers, setDisplayPublisher } from 'asl-workbook-notebook';
import { setupBackend } from '../helpers';
import { syntheticVectors } from '../train/synthetic';

describe('training in a notebook', () => {
  const sent: { bundle: MimeBundle; displayId?: string; update?: boolean }[] = [];
  before(async () => {
    await setupBackend();
    setDisplayPublisher((bundle, o) => sent.push({ bundle, ...o }));
    // What the workbook's kernel installs at start-up.
    setTrainingEnvironment({ progress: liveTrainingDisplay });
    registerTrainingRenderers();
  });
  after(() => {
    setDisplayPublisher(undefined);
    setTrainingEnvironment({});
  });

  it("progress 'auto' updates one display in place with a progress line and the loss and metric charts", async () => {
    const tracker = new ProbabilityTracker();
    const r = await trainModel({ loss: 'bce', model: { zoo: 'reference-mlp', hidden: [8] }, epochs: 2, batchSize: 16 }, { data: syntheticVectors(), progress: 'auto', keepModel: false, callbacks: [tracker] });
    assert.ok(sent.length >= 2, `${sent.length} display messages`);
    const ids = new Set(sent.map((s) => s.displayId));
    assert.equal(ids.size, 1, 'one display');
    assert.equal(sent[0].update, false);
    assert.ok(sent.slice(1).every((s) => s.update === true), 'later messages update in place');
    const last = sent[sent.length - 1].bundle as Record<string, string>;
    assert.match(last['text/plain'], /epoch 2\/2/);
    assert.match(last['text/html'], /validation metrics/);
    assert.match(last['text/html'], /loss \(train and validation, same loss\)/);
    // The core's objects get their charts from the renderers the kernel registers.
    assert.match(mimeBundleOf(r.history)!['text/html'] as string, /validation metrics[\s\S]*<table/);
    assert.match(mimeBundleOf(r)!['text/html'] as string, /best mAP/);
    assert.match(mimeBundleOf(tracker)!['text/html'] as string, /Mean probability of positives and negatives/);
  });
});
