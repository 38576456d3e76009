import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setDisplayPublisher, resolveProgressMode, trainModel } from '../../lib/index';
import type { MimeBundle } from '../../lib/index';
import { setupBackend } from '../helpers';
import { syntheticVectors } from './synthetic';

describe('notebook progress', () => {
  const sent: { bundle: MimeBundle; displayId?: string; update?: boolean }[] = [];
  before(async () => {
    await setupBackend();
    setDisplayPublisher((bundle, o) => sent.push({ bundle, ...o }));
  });
  after(() => setDisplayPublisher(undefined));

  it('updates one display in place with a progress line and loss/mAP charts', async () => {
    assert.equal(resolveProgressMode('auto'), 'notebook');
    await trainModel({ model: { zoo: 'reference-mlp', hidden: [8] }, epochs: 2, batchSize: 16 }, { data: syntheticVectors(), progress: 'auto', keepModel: false });
    assert.ok(sent.length >= 2, `${sent.length} display messages`);
    const ids = new Set(sent.map((s) => s.displayId));
    assert.equal(ids.size, 1, 'one display');
    assert.equal(sent[0].update, false);
    assert.ok(sent.slice(1).every((s) => s.update === true), 'later messages update in place');
    const last = sent[sent.length - 1].bundle as Record<string, string>;
    assert.match(last['text/plain'], /epoch 2\/2/);
    assert.match(last['text/html'], /validation mAP/);
  });
});
