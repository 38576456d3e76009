import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConverter } from 'tslab/dist/converter';
import { createExecutor, type Executor } from 'tslab/dist/executor';
import {
  CellConverter,
  ExecutionHistory,
  InterruptController,
  KeyboardInterrupt,
  StreamCoalescer,
  WireMessage,
  MessageSigner,
  installNodePathResolution,
  moduleNotFoundHint,
  nodePathTarget,
  ROOT_NODE_MODULES,
  buildLineMap,
  diagnosticsContent,
  fixCellSource,
  globToRegExp,
  instrumentAwaits,
  isInterruptError,
  markCellSource,
  runtimeErrorContent,
  stripAnsi,
} from '../../packages/notebook/src/kernel';
import { clearOutput, kernelInterruptSignal, throwIfKernelInterrupted } from 'asl-workbook-notebook';
import { setKernelHooks } from '../../packages/notebook/src/display/kernel-hooks';

describe('markCellSource / buildLineMap', () => {
  const src = ['const a: number = 1;', 'function f(x: number) {', '  if (x > 0) throw new Error("x");', '  return x;', '}', 'f(a);'].join('\n');

  test('one marker per statement; the cell lines stay where they were', () => {
    const m = markCellSource(src);
    assert.equal(m.marked.split('\n').length, src.split('\n').length);
    // statements: const, function, if, throw (unbraced body), return, f(a)
    assert.deepEqual(
      m.spans.map((s) => s.line),
      [0, 1, 2, 2, 3, 5],
    );
    assert.equal(m.marked.replace(/\/\*asl-ln:\d+\*\//g, ''), src);
  });

  test('toSourceColumn undoes the markers inserted before a column', () => {
    const m = markCellSource('let x = 1; let y: number = "a";');
    const marked = m.marked;
    const at = marked.indexOf('"a"');
    assert.equal(m.toSourceColumn(0, at), 'let x = 1; let y: number = "a";'.indexOf('"a"'));
  });

  test('interfaces and type aliases get no marker; template literals are untouched', () => {
    const cell = 'interface P { a: number }\ntype Q = P;\nconst t = `a\n;b`;\nt';
    const m = markCellSource(cell);
    assert.deepEqual(
      m.spans.map((s) => s.line),
      [2, 4],
    );
    assert.ok(m.marked.includes('`a\n;b`'));
  });

  test('compiled lines map back to cell lines and columns', () => {
    const m = markCellSource(src);
    // A hand-made "compiled" output: type annotations gone, indentation changed, extra glue lines.
    const out = [
      'Object.defineProperty(exports, "__esModule", { value: true });',
      `${m.marked.split('\n')[0].replace(': number', '')}`,
      'exports.a = a;',
      m.marked.split('\n')[1].replace(': number', ''),
      m.marked.split('\n')[2].replace(/^ {2}/, '    '),
    ].join('\n');
    const map = buildLineMap(m, out);
    assert.equal(map.toCell(1, 1), undefined); // glue before any statement
    const throwCol = out.split('\n')[4].indexOf('new Error') + 1;
    assert.deepEqual(map.toCell(5, throwCol), { line: 3, column: src.split('\n')[2].indexOf('new Error') + 1 });
    assert.equal(map.toCell(3, 1)?.line, 1); // `exports.a = a;` belongs to statement 1
  });
});

describe('instrumentAwaits / InterruptController', () => {
  test('every await operand is wrapped; for-await and code without await are unchanged', () => {
    assert.equal(instrumentAwaits('const x = 1;'), 'const x = 1;');
    assert.equal(
      instrumentAwaits('(async () => { const v = await f(1); await (await g()); })()', 'G'),
      '(async () => { const v = await G(f(1)); await G((await G(g()))); })()',
    );
    assert.equal(instrumentAwaits('(async () => { for await (const x of it) {} })()', 'G'), '(async () => { for await (const x of it) {} })()');
  });

  test('an interrupt rejects the pending await and stops an async loop; state stays', async () => {
    const ic = new InterruptController();
    const state = { steps: 0 };
    const loop = (async () => {
      for (;;) {
        state.steps++;
        await ic.guard(new Promise((r) => setTimeout(r, 2)));
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(ic.pendingCount, 1);
    ic.interrupt();
    await assert.rejects(loop, KeyboardInterrupt);
    const stoppedAt = state.steps;
    assert.ok(stoppedAt > 0);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(state.steps, stoppedAt);
    assert.equal(ic.signal.aborted, true);
    assert.equal(ic.pendingCount, 0);
    ic.reset();
    assert.equal(ic.signal.aborted, false);
    assert.equal(await ic.guard(Promise.resolve(3)), 3);
    assert.equal(ic.guard(4), 4);
  });

  test('isInterruptError knows vm SIGINT breaks and tslab\'s interrupt', () => {
    assert.ok(isInterruptError(new KeyboardInterrupt()));
    assert.ok(isInterruptError(Object.assign(new Error('x'), { code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED' })));
    assert.ok(isInterruptError(new Error('Interrupted asynchronously')));
    assert.ok(!isInterruptError(new Error('other')));
  });
});

describe('cells compiled by tslab and run by its executor', () => {
  let conv: CellConverter;
  let executor: Executor;
  const errors: unknown[][] = [];
  before(() => {
    conv = new CellConverter(() => createConverter({ isJS: false, isBrowser: false }));
    executor = createExecutor(process.cwd(), { node: conv, browser: conv, close: () => conv.close() }, {
      log: () => undefined,
      error: (...a: unknown[]) => void errors.push(a),
    });
    new InterruptController().install();
  });
  after(() => executor.close());

  const run = async (code: string, label: string) => {
    errors.length = 0;
    conv.nextLabel = label;
    const ok = await executor.execute(code);
    return { ok, last: conv.takeLast() };
  };

  test('the last expression is captured, not printed', async () => {
    const { ok, last } = await run('const base = 20;\nbase * 2 + 2', 'In [1]');
    assert.ok(ok);
    assert.equal(executor.locals[last!.lastExpressionVar!], 42);
  });

  test('a runtime error names the cell line, the function and the code', async () => {
    const { ok } = await run('function boom(n: number) {\n  // a comment\n  throw new TypeError(`bad ${n}`);\n}\nboom(base);', 'In [2]');
    assert.equal(ok, false);
    const content = runtimeErrorContent(errors[0][0], conv.lookup);
    assert.equal(content.ename, 'TypeError');
    assert.equal(content.evalue, 'bad 20');
    const tb = stripAnsi(content.traceback.join('\n'));
    assert.match(tb, /In \[2\], line 3, column 9, in boom\n.*\n.*\n--> 3 \|   throw new TypeError\(`bad \$\{n\}`\);\n +\| +\^/);
    assert.match(tb, /In \[2\], line 5, column 1\n/);
    assert.doesNotMatch(tb, /evalmachine|tslab[/\\]dist/);
  });

  test('a frame in an earlier cell names that cell', async () => {
    await run('function fails() {\n  throw new Error("in cell 3");\n}', 'In [3]');
    const { ok } = await run('\n\nfails();', 'In [4]');
    assert.equal(ok, false);
    const tb = stripAnsi(runtimeErrorContent(errors[0][0], conv.lookup).traceback.join('\n'));
    assert.match(tb, /In \[3\], line 2, column 9, in fails/);
    assert.match(tb, /In \[4\], line 3, column 1/);
  });

  test('an error after an await names the line too', async () => {
    const { ok } = await run('await Promise.resolve();\nconst o: any = {};\no.a.b;', 'In [5]');
    assert.equal(ok, false);
    assert.match(stripAnsi(runtimeErrorContent(errors[0][0], conv.lookup).traceback.join('\n')), /In \[5\], line 3/);
  });

  test('compile errors are reported at the cell column (markers removed)', async () => {
    const { ok, last } = await run('const s = 1; const t: string = s;', 'In [6]');
    assert.equal(ok, false);
    const content = diagnosticsContent(last!.diagnostics, last!.cell);
    assert.equal(content.ename, 'TSError');
    assert.match(content.evalue, /Type 'number' is not assignable to type 'string'. \(TS2322\)/);
    assert.match(stripAnsi(content.traceback[1]), /^In \[6\], line 1, column 20: /);
  });

  test('a prepared cell is compiled once; discarding it forgets its declarations', async () => {
    conv.prepare('const prepared = 1;');
    const decls = conv.declarations;
    assert.match(decls, /prepared/);
    conv.discardPrepared();
    assert.doesNotMatch(conv.declarations, /prepared/);
    conv.prepare('const prepared2 = 2;\nprepared2');
    const { ok, last } = await run('const prepared2 = 2;\nprepared2', 'In [9]');
    assert.ok(ok);
    assert.equal(executor.locals[last!.lastExpressionVar!], 2);
  });

  test('a shorthand property of an earlier cell\'s variable works ({ seeds })', async () => {
    await run('const seeds = [1, 2];', 'In [10]');
    const { ok, last } = await run('const o = { seeds, n: seeds.length };\no', 'In [11]');
    assert.ok(ok, String(errors[0]?.[0]));
    assert.deepEqual(executor.locals[last!.lastExpressionVar!], { seeds: [1, 2], n: 2 });
  });

  test('a top-level for await loop runs', async () => {
    const code = 'const seen: number[] = [];\nfor await (const v of (async function* () { yield 1; yield 2; })()) seen.push(v);\nseen';
    const { ok, last } = await run(code, 'In [12]');
    assert.ok(ok, String(errors[0]?.[0]));
    assert.deepEqual(executor.locals[last!.lastExpressionVar!], [1, 2]);
  });

  test('variables of a cell that failed at run time stay usable', async () => {
    const r1 = await run('const kept = 5;\nthrow new Error("late");', 'In [7]');
    assert.equal(r1.ok, false);
    const r2 = await run('kept + 1', 'In [8]');
    assert.ok(r2.ok);
    assert.equal(executor.locals[r2.last!.lastExpressionVar!], 6);
  });
});

describe('kernel hooks for library code', () => {
  test('throwIfKernelInterrupted throws the interrupt inside the kernel and is a no-op outside', () => {
    assert.equal(kernelInterruptSignal(), undefined);
    throwIfKernelInterrupted();
    assert.equal(clearOutput(), false);
    const ic = new InterruptController();
    const cleared: boolean[] = [];
    setKernelHooks({ interruptSignal: () => ic.signal, clearOutput: (wait) => void cleared.push(wait) });
    try {
      throwIfKernelInterrupted();
      ic.interrupt();
      assert.throws(() => throwIfKernelInterrupted(), KeyboardInterrupt);
      assert.equal(clearOutput(true), true);
      assert.deepEqual(cleared, [true]);
    } finally {
      setKernelHooks(undefined);
    }
  });
});

describe('kernel plumbing', () => {
  test('StreamCoalescer joins writes and keeps order across stream names', () => {
    const sent: Array<[string, string]> = [];
    const s = new StreamCoalescer((n, t) => void sent.push([n, t]), 1000);
    s.write('stdout', 'a');
    s.write('stdout', 'b');
    s.write('stderr', 'c');
    s.flush();
    assert.deepEqual(sent, [
      ['stdout', 'ab'],
      ['stderr', 'c'],
    ]);
  });

  test('ExecutionHistory answers tail, range and search', () => {
    const h = new ExecutionHistory();
    h.add(1, '6 * 7');
    h.add(2, 'x');
    h.add(3, '6 * 7');
    h.setOutput(1, '42');
    assert.deepEqual(h.query({ hist_access_type: 'tail', n: 1 }), [[1, 3, '6 * 7']]);
    assert.deepEqual(h.query({ hist_access_type: 'range', start: 1, stop: 2, output: true }), [[1, 1, ['6 * 7', '42']]]);
    assert.equal(h.query({ hist_access_type: 'search', pattern: '6 * 7' }).length, 2);
    assert.equal(h.query({ hist_access_type: 'search', pattern: '6 * 7', unique: true }).length, 1);
    assert.ok(globToRegExp('a?c*').test('abcdef'));
  });

  test('WireMessage signs, parses and builds replies (HMAC-SHA256)', () => {
    const m = new WireMessage({ msg_id: 'm1', msg_type: 'kernel_info_request', session: 's', username: 'u', date: '', version: '5.3' });
    m.identity = [Buffer.from('client')];
    const signer = MessageSigner.fromConnection({ key: 'key', signature_scheme: 'hmac-sha256' });
    const frames = m.frames(signer).map((f) => Buffer.from(f));
    const parsed = WireMessage.parse(signer, frames);
    assert.equal(parsed.header.msg_id, 'm1');
    assert.deepEqual(parsed.identity, [Buffer.from('client')]);
    assert.throws(() => WireMessage.parse(MessageSigner.fromConnection({ key: 'other key' }), frames), /invalid signature/);
    // A signature of another length (not hex of this digest) is refused, not compared (timingSafeEqual needs equal lengths).
    const short = frames.map((f, i) => (i === 2 ? Buffer.from('abc') : f));
    assert.throws(() => WireMessage.parse(signer, short), /invalid signature/);
    const reply = parsed.createReply('kernel_info_reply');
    assert.equal(reply.parent.msg_id, 'm1');
    assert.equal(reply.header.session, 's');
    assert.equal(reply.header.version, '5.3');
  });

  test('MessageSigner honours signature_scheme, refuses unknown schemes at once, and does not sign without a key', () => {
    const parts = ['{"a":1}', '{}', '{}', '{}'];
    const sha512 = MessageSigner.fromConnection({ key: 'k', signature_scheme: 'hmac-sha512' });
    assert.equal(sha512.sign(parts).length, 128);
    assert.equal(sha512.verify(sha512.sign(parts), parts), true);
    assert.equal(MessageSigner.fromConnection({ key: 'k' }).digest, 'sha256');
    assert.throws(() => MessageSigner.fromConnection({ key: 'k', signature_scheme: 'hmac-whirlpool9' }), /unsupported signature_scheme "hmac-whirlpool9".*sha256/);
    assert.throws(() => MessageSigner.fromConnection({ key: 'k', signature_scheme: 'rsa' }), /unsupported signature_scheme "rsa"/);
    const none = MessageSigner.fromConnection({ key: '', signature_scheme: 'hmac-sha256' });
    assert.equal(none.signs, false);
    assert.equal(none.sign(parts), '');
    assert.equal(none.verify('anything', parts), true);
  });
});

describe('fixCellSource', () => {
  test('writes out shorthand properties (also in destructuring) and leaves everything else', () => {
    assert.equal(fixCellSource('const o = { a, b: 1, c };'), 'const o = { a: a, b: 1, c: c };');
    assert.equal(fixCellSource('({ a = 2 } = obj);'), '({ a: a = 2 } = obj);');
    assert.equal(fixCellSource('const { a } = obj;\nf({ a });'), 'const { a } = obj;\nf({ a: a });');
    assert.equal(fixCellSource('const x = `{ a }`;'), 'const x = `{ a }`;');
  });
  test('makes a cell with a top-level for await async, but not one whose loop is inside a function', () => {
    assert.equal(fixCellSource('// c\nfor await (const x of xs) f(x);'), '// c\nawait undefined; for await (const x of xs) f(x);');
    const inside = 'async function g() { for await (const x of xs) f(x); }';
    assert.equal(fixCellSource(inside), inside);
  });
});

describe('notebooks anywhere: NODE_PATH for the compiler', () => {
  const files = new Set(['/np/a/asl-workbook/package.json', '/np/b/other/index.d.ts']);
  const dirs = new Set(['/np/a', '/np/a/asl-workbook', '/np/b', '/np/b/other']);
  const host = { fileExists: (p: string) => files.has(p), directoryExists: (p: string) => dirs.has(p) };

  test('the root node_modules stands for the NODE_PATH folders, first match wins; other paths are untouched', () => {
    const at = (rel: string) => `${ROOT_NODE_MODULES}/${rel}`;
    assert.equal(nodePathTarget(at('asl-workbook/package.json'), ['/np/a', '/np/b'], host), '/np/a/asl-workbook/package.json');
    assert.equal(nodePathTarget(at('other/index.d.ts'), ['/np/a', '/np/b'], host), '/np/b/other/index.d.ts');
    assert.equal(nodePathTarget(at('missing/x.d.ts'), ['/np/a'], host), at('missing/x.d.ts'));
    assert.equal(nodePathTarget('/home/me/node_modules/asl-workbook/package.json', ['/np/a'], host), '/home/me/node_modules/asl-workbook/package.json');
  });

  test('installNodePathResolution makes a TypeScript-like sys see NODE_PATH packages under the root node_modules', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const os = require('node:os') as typeof import('node:os');
    const path = require('node:path') as typeof import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-np-'));
    fs.mkdirSync(path.join(dir, 'pkg'));
    fs.writeFileSync(path.join(dir, 'pkg', 'package.json'), '{"name":"pkg"}');
    const sys = {
      fileExists: (p: string) => fs.existsSync(p) && fs.statSync(p).isFile(),
      directoryExists: (p: string) => fs.existsSync(p) && fs.statSync(p).isDirectory(),
      readFile: (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined),
      realpath: (p: string) => fs.realpathSync(p),
      getDirectories: (p: string) => fs.readdirSync(p).filter((n) => fs.statSync(path.join(p, n)).isDirectory()),
    };
    assert.deepEqual(installNodePathResolution(sys, dir), [dir]);
    const pkgJson = path.join(ROOT_NODE_MODULES, 'pkg', 'package.json');
    assert.equal(sys.fileExists(pkgJson), true);
    assert.equal(sys.directoryExists(ROOT_NODE_MODULES), true);
    assert.equal(sys.readFile(pkgJson), '{"name":"pkg"}');
    assert.equal(sys.realpath(pkgJson), fs.realpathSync(path.join(dir, 'pkg', 'package.json')));
    assert.deepEqual(installNodePathResolution({ ...sys }, ''), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a missing module names where the kernel looked and both fixes', () => {
    const hint = stripAnsi(moduleNotFoundHint('asl-workbook/sub', '/home/me/notes', undefined));
    assert.match(hint, /looks for 'asl-workbook' in the node_modules folders of \/home\/me\/notes/);
    assert.match(hint, /NODE_PATH \(not set\)/);
    assert.match(hint, /npm install asl-workbook asl-workbook-notebook @tensorflow\/tfjs/);
    assert.match(hint, /npx asl-kernel install/);
    assert.match(stripAnsi(moduleNotFoundHint('@scope/lib/x')), /npm install @scope\/lib$/m);
  });
});
