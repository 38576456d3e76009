// Dumps MultiFashion (shipped source) to raw files for the PyTorch side of a comparison.
import * as fs from 'node:fs';
import { initBackend, loadMultiFashion } from '../lib/index';
(async () => {
  await initBackend();
  const [canvas, train, val, out] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]), process.argv[5]];
  const data = await loadMultiFashion({ source: 'shipped', canvasSize: canvas, trainSize: train, valSize: val, seed: 0 });
  fs.mkdirSync(out, { recursive: true });
  for (const [name, ds] of Object.entries({ train: data.train, val: data.val })) {
    const xs: Float32Array[] = [];
    for await (const b of ds.batches({ batchSize: 500 })) { xs.push(b.x.dataSync() as Float32Array); b.x.dispose(); b.y.dispose(); }
    const n = xs.reduce((a, x) => a + x.length, 0);
    const all = new Uint8Array(n);
    let o = 0;
    for (const x of xs) { for (let i = 0; i < x.length; i++) all[o + i] = Math.round(x[i] * 255); o += x.length; }
    fs.writeFileSync(`${out}/${name}-x.u8`, all);
    fs.writeFileSync(`${out}/${name}-y.u8`, await ds.targets());
    console.log(name, ds.size, ds.inputShape.join('x'));
  }
})();
