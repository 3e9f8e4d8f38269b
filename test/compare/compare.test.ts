/** compare on hand-built, schema-validated results: every verdict, every exit code, every output format. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobResultSchema, RunInfoSchema, SCHEMA_VERSION, type JobResult, type RunInfo } from '../../contract/results.ts';
import { mulberry32 } from '../../contract/stats/describe.ts';
import { compareRuns, CompareError, type RunData } from '../../analysis/compare/compare.ts';
import { formatJunit, formatMarkdown, formatTable } from '../../analysis/compare/format.ts';
import { loadComparable, saveBaseline } from '../../analysis/compare/load.ts';
import { compareCommand } from '../../cli/compare.ts';
import { baselineCommand } from '../../cli/baseline.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { sustainedWindows } from '../../harness/sustained.ts';

/** n log-normal samples around `medianMs` with spread sigma (seeded). */
function samples(medianMs: number, n = 40, sigma = 0.05, seed = 1): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
    return medianMs * Math.exp(sigma * z);
  });
}

const IDS = ['node/reference/0.25_128', 'node/ort-node-cpu/0.25_128', 'node/tfjs-wasm/0.25_128', 'node/reference/0.5_160'];

/** A schema-valid job line. */
function job(id: string, over: Partial<JobResult> & { samplesMs?: number[]; peakRss?: number; predictions?: number[]; agreement?: number } = {}): JobResult {
  const [target, implLabel, variant] = id.split('/');
  const [alpha, resolution] = variant.split('_').map(Number);
  const s = over.samplesMs ?? samples(10, 40, 0.05, id.length);
  const sorted = [...s].sort((a, b) => a - b);
  const med = sorted[Math.floor(s.length / 2)];
  const { samplesMs: _s, peakRss, predictions, agreement, ...rest } = over;
  return JobResultSchema.parse({
    schemaVersion: SCHEMA_VERSION,
    id,
    target,
    impl: implLabel.startsWith('ort') ? 'ort-node' : implLabel.split('-')[0],
    backend: 'x',
    threads: null,
    alpha,
    resolution,
    precision: 'float32',
    weightsSource: 'synthetic(seed 0)',
    status: 'ok',
    startedAt: '2026-11-24T07:00:00.000Z',
    durationMs: 1000,
    effective: null,
    coldStart: null,
    latency: {
      samplesMs: s,
      medianMs: med,
      p90Ms: med,
      p99Ms: med,
      meanMs: med,
      minMs: sorted[0],
      maxMs: sorted.at(-1)!,
      madMs: 0,
      ci95Ms: [med, med],
      warmupSamples: 2,
      stoppedBy: 'minimums',
      drift: null,
    },
    memory: {
      peakRssBytes: peakRss ?? 120 * 2 ** 20,
      peakRssSource: 'VmHWM',
      jsHeapUsedBytes: null,
      jsHeapTotalBytes: null,
      externalBytes: null,
      arrayBuffersBytes: null,
      wasmMemoryBytes: null,
      tfjs: null,
    },
    analytic: { macs: 1, params: 1, gmacPerSecond: null },
    accuracy: {
      n: 100,
      top1: null,
      top5: null,
      agreementTop1: agreement ?? 1,
      maxAbsLogitDelta: 0,
      predictions: predictions ?? Array.from({ length: 100 }, (_, i) => i % 10),
    },
    ...rest,
  });
}

function info(runId: string, ids = IDS): RunInfo {
  return RunInfoSchema.parse({
    schemaVersion: SCHEMA_VERSION,
    runId,
    startedAt: '2026-11-24T07:00:00.000Z',
    endedAt: '2026-11-24T07:01:00.000Z',
    gitCommit: null,
    harnessVersion: '0.1.0',
    packages: { 'onnxruntime-node': '1.30.0' },
    host: { cpuModel: 'cpu', cores: 2, totalMemoryBytes: 1, os: 'Linux', arch: 'x64', nodeVersion: 'v20' },
    config: { accuracy: { samples: 100, seed: 0 } },
    plannedJobIds: ids,
    orderSeed: 1,
    resumes: [],
  });
}

const run = (label: string, results: JobResult[]): RunData => ({
  source: `/tmp/${label}`,
  label,
  run: info(
    label,
    results.map((r) => r.id),
  ),
  results,
});
const baseJobs = () => IDS.map((id, i) => job(id, { samplesMs: samples(10 + i * 5, 40, 0.05, i + 1) }));
const scaled = (jobs: JobResult[], f: number, only?: string) =>
  jobs.map((j) => (only && j.id !== only ? j : JobResultSchema.parse({ ...j, latency: { ...j.latency!, samplesMs: j.latency!.samplesMs.map((x) => x * f) } })));
const verdicts = (r: ReturnType<typeof compareRuns>) => Object.fromEntries(r.jobs.map((j) => [j.id, j.verdict]));

test('a run against itself: every job unchanged, exit 0', () => {
  const b = run('a', baseJobs());
  const r = compareRuns(b, b);
  assert.equal(r.exitCode, 0);
  assert.ok(r.jobs.every((j) => j.verdict === 'unchanged' && !j.regressed));
  assert.ok(r.jobs.every((j) => j.latency!.pAdjusted === 1 && j.latency!.ratio === 1));
});

test('samples ×1.3: every job slower, exit 1, named; ×0.7 is faster and exits 0', () => {
  const b = run('a', baseJobs());
  const r = compareRuns(b, run('b', scaled(baseJobs(), 1.3)));
  assert.equal(r.exitCode, 1);
  assert.deepEqual(r.regressions, IDS);
  for (const j of r.jobs) {
    assert.equal(j.verdict, 'slower');
    assert.ok(Math.abs(j.latency!.ratio - 1.3) < 1e-9);
    assert.ok(j.latency!.ratioCi95[0] > 1.2 && j.latency!.pAdjusted < 1e-6);
    assert.match(j.reasons[0], /\+30\.0 %/);
  }
  assert.match(formatTable(r), /REGRESSED \(4\):\n {2}node\/reference\/0\.25_128: slower/);
  const f = compareRuns(b, run('c', scaled(baseJobs(), 0.7)));
  assert.equal(f.exitCode, 0);
  assert.ok(f.jobs.every((j) => j.verdict === 'faster'));
});

test('only the slowed job is flagged', () => {
  const r = compareRuns(run('a', baseJobs()), run('b', scaled(baseJobs(), 1.3, IDS[2])));
  assert.deepEqual(r.regressions, [IDS[2]]);
  assert.deepEqual(Object.values(verdicts(r)), ['unchanged', 'unchanged', 'slower', 'unchanged']);
});

test('both conditions are needed: significant but small, or large but not significant, is unchanged', () => {
  // 3 % slower with tiny noise: highly significant, below the 10 % floor.
  const tight = IDS.map((id, i) => job(id, { samplesMs: samples(10 + i, 200, 0.005, i + 1) }));
  const small = compareRuns(run('a', tight), run('b', scaled(tight, 1.03)));
  assert.equal(small.exitCode, 0);
  for (const j of small.jobs) {
    assert.ok(j.latency!.pAdjusted < 1e-6 && j.latency!.threshold === 0.1 && j.latency!.thresholdSource === 'floor');
    assert.match(j.latency!.reason, /significant .* but within/);
  }
  // 50 % slower on 4 samples: beyond the threshold, but the exact test cannot reach 0.05 after Holm across 4 jobs.
  const few = IDS.map((id, i) => job(id, { samplesMs: samples(10, 4, 0.05, i + 1) }));
  const big = compareRuns(run('a', few), run('b', scaled(few, 1.5)), { threshold: 0.1 });
  assert.equal(big.exitCode, 0);
  assert.ok(big.jobs.every((j) => j.latency!.test === 'exact' && /not significant/.test(j.latency!.reason)));
  // On 3 samples a side the test can never reach 0.05 (smallest p 0.1): inconclusive, and with every job so, exit 2.
  const three = IDS.map((id, i) => job(id, { samplesMs: samples(10, 3, 0.05, i + 1) }));
  const none = compareRuns(run('a', three), run('b', scaled(three, 1.5)), { threshold: 0.1 });
  assert.equal(none.exitCode, 2);
  assert.ok(none.jobs.every((j) => j.verdict === 'inconclusive' && j.latency === null));
  // --threshold 40 % hides a 30 % slowdown.
  assert.equal(compareRuns(run('a', baseJobs()), run('b', scaled(baseJobs(), 1.3)), { threshold: 0.4 }).exitCode, 0);
});

test('the automatic threshold grows with the noise of the samples', () => {
  const noisy = IDS.map((id, i) => job(id, { samplesMs: samples(10, 20, 0.6, i + 1) }));
  const r = compareRuns(run('a', noisy), run('b', scaled(noisy, 1.3)));
  for (const j of r.jobs) assert.ok(j.latency!.thresholdSource === 'noise' && j.latency!.threshold > 0.3, `threshold ${j.latency!.threshold}`);
  assert.equal(r.exitCode, 0, 'a 30 % change is not claimed where the noise cannot resolve it');
});

test('repeated baseline runs: the between-run spread raises the threshold', () => {
  const runs = [1, 1.25, 0.8].map((f, k) => IDS.map((id, i) => job(id, { samplesMs: samples(10 * f, 40, 0.05, 10 * k + i) })));
  const base: RunData = { ...run('b0', runs[0]), repeats: runs.slice(1).map((x, k) => ({ run: info(`b${k + 1}`), results: x })) };
  const cur = run(
    'c',
    IDS.map((id, i) => job(id, { samplesMs: samples(13, 40, 0.05, 99 + i) })),
  );
  const r = compareRuns(base, cur);
  for (const j of r.jobs) assert.ok(j.latency!.betweenRuns && j.latency!.betweenRuns.runsBaseline === 3 && j.latency!.threshold > 0.3);
  assert.equal(r.exitCode, 0, '+30 % is inside what the baseline runs themselves spread over');
  assert.equal(compareRuns(run('b0', runs[0]), cur).exitCode, 1, 'one baseline run alone would have flagged it');
  assert.match(compareRuns(run('b0', runs[0]), cur).warnings.join('\n'), /one process per job per side/);
});

test('failed, missing, new and skipped jobs', () => {
  const base = baseJobs();
  const failedNow = base.map((j, i) =>
    i === 0 ? JobResultSchema.parse({ ...j, status: 'failed', error: 'process died (signal SIGKILL)\nstack', latency: null }) : j,
  );
  const r = compareRuns(run('a', base), run('b', failedNow));
  assert.equal(r.exitCode, 1);
  assert.equal(r.jobs[0].verdict, 'failed');
  assert.match(r.jobs[0].reasons[0], /^process died \(signal SIGKILL\) \(ok in the baseline\)$/);
  assert.match(formatTable(r), /node\/reference\/0\.25_128: failed: process died/);
  // Failing in both is reported but is not a new regression.
  const both = compareRuns(run('a', failedNow), run('b', failedNow));
  assert.equal(both.jobs[0].verdict, 'failed');
  assert.equal(both.exitCode, 0);
  // Missing fails unless allowed; new never fails.
  const fewer = run('b', base.slice(1));
  assert.equal(compareRuns(run('a', base), fewer).jobs[0].verdict, 'missing');
  assert.equal(compareRuns(run('a', base), fewer).exitCode, 1);
  assert.equal(compareRuns(run('a', base), fewer, { allowMissing: true }).exitCode, 0);
  const more = compareRuns(run('a', base.slice(1)), run('b', base));
  assert.equal(more.exitCode, 0);
  assert.equal(verdicts(more)[IDS[0]], 'new');
  // Skipped in both is fine; skipped now but ok before is missing.
  const skipped = base.map((j, i) => (i === 3 ? JobResultSchema.parse({ ...j, status: 'skipped', error: 'no adapter', latency: null }) : j));
  assert.equal(compareRuns(run('a', skipped), run('b', skipped)).exitCode, 0);
  assert.equal(verdicts(compareRuns(run('a', base), run('b', skipped)))[IDS[3]], 'missing');
});

test('memory: heavier only past both the relative and the absolute threshold', () => {
  const MiB = 2 ** 20;
  const base = IDS.map((id, i) => job(id, { samplesMs: samples(10, 40, 0.05, i + 1), peakRss: 100 * MiB }));
  const cur = base.map((j, i) => JobResultSchema.parse({ ...j, memory: { ...j.memory!, peakRssBytes: [120, 103, 80, 100][i] * MiB } }));
  const r = compareRuns(run('a', base), run('b', cur));
  assert.deepEqual(
    r.jobs.map((j) => j.memory!.verdict),
    ['heavier', 'unchanged', 'lighter', 'unchanged'],
  );
  assert.deepEqual(r.regressions, [IDS[0]]);
  assert.equal(r.jobs[0].verdict, 'heavier');
  // +20 % of a 20 MiB process is 4 MiB: below the 5 MiB floor.
  const small = base.map((j) => JobResultSchema.parse({ ...j, memory: { ...j.memory!, peakRssBytes: 20 * MiB } }));
  const smallCur = small.map((j) => JobResultSchema.parse({ ...j, memory: { ...j.memory!, peakRssBytes: 24 * MiB } }));
  assert.equal(compareRuns(run('a', small), run('b', smallCur)).exitCode, 0);
});

test('accuracy: predictions that changed count only with a drop, and beyond the allowance', () => {
  const preds = Array.from({ length: 100 }, (_, i) => i % 10);
  const changed = (k: number) => preds.map((p, i) => (i < k ? p + 1 : p));
  const base = IDS.map((id, i) => job(id, { samplesMs: samples(10, 40, 0.05, i + 1) }));
  const cur = base.map((j, i) =>
    JobResultSchema.parse({ ...j, accuracy: { ...j.accuracy!, predictions: changed([5, 1, 5, 0][i]), agreementTop1: [0.95, 0.99, 1, 1][i] } }),
  );
  const r = compareRuns(run('a', base), run('b', cur));
  assert.deepEqual(
    r.jobs.map((j) => j.accuracy!.verdict),
    ['less-accurate', 'unchanged', 'unchanged', 'unchanged'],
  );
  assert.equal(r.jobs[0].accuracy!.changed, 5);
  assert.equal(r.jobs[0].accuracy!.allowed, 1);
  assert.match(r.jobs[0].reasons[0], /^accuracy: 5 of 100 top-1 predictions changed/);
  assert.match(r.jobs[2].accuracy!.reason, /did not fall/);
  assert.deepEqual(r.regressions, [IDS[0]]);
  assert.equal(compareRuns(run('a', base), run('b', cur), { accuracyMaxChanged: 5 }).exitCode, 0);
  // Different eval sets: the rate difference only.
  const other = run('b', cur);
  other.run = { ...other.run, config: { accuracy: { samples: 50, seed: 3 } } };
  const fallback = compareRuns(run('a', base), other);
  assert.equal(fallback.jobs[0].accuracy!.basis, 'agreement');
  assert.equal(fallback.jobs[0].accuracy!.verdict, 'less-accurate', '5 % of 100 images is more than 1 allowed');
  assert.match(fallback.warnings.join('\n'), /config\.accuracy differs/);
});

test('incompatible runs cannot be compared (CompareError names the problem)', () => {
  const base = run('a', baseJobs());
  const otherWeights = run(
    'b',
    baseJobs().map((j) => JobResultSchema.parse({ ...j, weightsSource: 'tflite' })),
  );
  assert.throws(
    () => compareRuns(base, otherWeights),
    (e: Error) => e instanceof CompareError && /different variants under the same job ids:\n {2}node\/reference\/0\.25_128: weightsSource/.test(e.message),
  );
  const disjoint = run('c', [job('node/reference/1.0_224')]);
  assert.throws(() => compareRuns(base, disjoint), /different variants: no job id in common/);
});

test('JUnit XML is well-formed with one testcase per job; Markdown and JSON carry the verdicts', () => {
  const base = baseJobs();
  const cur = scaled(base, 1.3, IDS[1]).map((j, i) =>
    i === 3 ? JobResultSchema.parse({ ...j, status: 'failed', error: 'bad <xml> & "quotes"\u0001', latency: null }) : j,
  );
  const r = compareRuns(run('a', base), run('b', cur));
  const xml = formatJunit(r);
  assertWellFormedXml(xml);
  assert.equal(xml.match(/<testcase /g)!.length, IDS.length);
  assert.equal(xml.match(/<failure /g)!.length, 2);
  assert.match(xml, /<testsuite [^>]*tests="4" failures="2"/);
  assert.match(xml, /bad &lt;xml&gt; &amp; &quot;quotes&quot;/);
  const md = formatMarkdown(r);
  assert.match(md, /^### ❌ mobilenet-bench: 2 jobs regressed/);
  assert.match(md, /\| `node\/ort-node-cpu\/0\.25_128` \| \*\*slower\*\* \|/);
  assert.match(formatMarkdown(compareRuns(run('a', base), run('a', base))), /^### ✅ mobilenet-bench: no regression/);
});

/** A small XML 1.0 well-formedness check: one root, balanced tags, quoted attributes, known entities, no control characters. */
function assertWellFormedXml(xml: string) {
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  assert.ok(!/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml), 'no control characters');
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const re = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    if (m[6]) assert.fail(`stray '<' at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    const text = m[5] ?? m[3] ?? '';
    for (const ent of text.match(/&[^;\s]*;?/g) ?? []) assert.match(ent, /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/, `bad entity ${ent}`);
    if (m[5] !== undefined) {
      if (stack.length === 0) assert.equal(m[5].trim(), '', 'text outside the root');
      continue;
    }
    if (stack.length === 0) roots++;
    if (m[1]) assert.equal(stack.pop(), m[2], `closing ${m[2]}`);
    else if (!m[4]) stack.push(m[2]);
  }
  assert.deepEqual(stack, []);
  assert.equal(roots, 1);
}

/** Write a run folder as the harness does. */
function writeRun(dir: string, label: string, jobs: JobResult[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify(
      info(
        label,
        jobs.map((j) => j.id),
      ),
    ),
  );
  writeFileSync(join(dir, 'results.jsonl'), jobs.map((j) => JSON.stringify(j) + '\n').join(''));
  return dir;
}

test('CLI: exit 0 against itself, 1 with samples ×1.3 naming the jobs, 2 when it cannot compare; baseline save', async () => {
  const root = tempDir('mnb-compare-');
  const a = writeRun(join(root, 'a'), 'run-a', baseJobs());
  const slow = writeRun(join(root, 'slow'), 'run-slow', scaled(baseJobs(), 1.3, IDS[0]));
  const call = async (argv: string[]) => {
    let out = '';
    let err = '';
    const code = await compareCommand(
      argv,
      (s) => (out += s),
      (s) => (err += s),
    );
    return { code, out, err };
  };
  assert.equal((await call([a, a])).code, 0);
  const r = await call([a, slow, '--format', 'markdown', '--junit', join(root, 'junit.xml'), '--json', join(root, 'c.json')]);
  assert.equal(r.code, 1);
  assert.match(r.out, /node\/reference\/0\.25_128/);
  assert.deepEqual(JSON.parse(readFileSync(join(root, 'c.json'), 'utf8')).regressions, [IDS[0]]);
  assertWellFormedXml(readFileSync(join(root, 'junit.xml'), 'utf8'));
  assert.equal((await call([a, slow, '--threshold', '40%'])).code, 0);

  // Exit 2, with the reason.
  const missing = await call([a, join(root, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot compare: .*nope: not found/);
  const v2 = join(root, 'v2');
  mkdirSync(v2);
  writeFileSync(join(v2, 'run.json'), JSON.stringify({ ...info('x'), schemaVersion: 2 }));
  writeFileSync(join(v2, 'results.jsonl'), '');
  assert.match((await call([a, v2])).err, /incompatible schema: .*run\.json has schemaVersion 2, this harness reads schemaVersion 1/);
  const garbage = join(root, 'garbage.json');
  writeFileSync(garbage, '{not json');
  assert.match((await call([garbage, a])).err, /garbage\.json: not valid JSON/);
  const other = writeRun(join(root, 'other'), 'run-o', [job('node/reference/1.0_224')]);
  assert.match((await call([a, other])).err, /different variants/);
  assert.equal((await call([a, a, '--threshold', 'lots'])).code, 2);
  assert.equal((await call([a])).code, 2);

  // baseline save (several runs) → compare by file and by name.
  const dir = join(root, 'baselines');
  const a2 = writeRun(join(root, 'a2'), 'run-a2', baseJobs());
  let out = '';
  assert.equal(await baselineCommand(['save', a, a2, a, '--name', 'main', '--dir', dir], (s) => (out += s)), 0);
  assert.match(out, /Saved baseline 'main' \(4 jobs, 3 runs/);
  assert.equal(
    await baselineCommand(
      ['save', a, '--name', 'main', '--dir', dir],
      () => {},
      () => {},
    ),
    2,
    'no overwrite without --force',
  );
  const loaded = loadComparable('main', dir);
  assert.equal(loaded.repeats!.length, 2);
  assert.equal((await call(['main', a, '--baselines', dir])).code, 0);
  assert.equal((await call([join(dir, 'main.json'), slow])).code, 1);
  assert.throws(() => saveBaseline([a, other], { dir, name: 'mixed' }), /ran other jobs/);
});

test('repeated processes count as runs: a 25 % process-level spread widens the threshold; a consistent 25 % shift is still flagged', () => {
  // Three processes per side whose medians sit up to 25 % apart (as ORT's sub-millisecond jobs do here).
  const repeated = (medians: number[], seed: number) => {
    const parts = medians.map((m, k) => samples(m, 30, 0.03, seed + k));
    return job(IDS[0], {
      samplesMs: parts.flat(),
      latency: { ...job(IDS[0]).latency!, samplesMs: parts.flat(), processes: parts.map((p, k) => ({ medianMs: medians[k], samples: p.length })) },
    });
  };
  const base = run('a', [repeated([10, 10.5, 12.5], 1)]);
  const noisy = compareRuns(base, run('b', [repeated([12.5, 10.2, 12], 11)]));
  assert.equal(noisy.jobs[0].latency!.betweenRuns!.runsBaseline, 3);
  assert.equal(noisy.jobs[0].verdict, 'unchanged', noisy.jobs[0].reasons.join('; '));
  assert.ok(noisy.jobs[0].latency!.threshold > 0.1);
  const shifted = compareRuns(base, run('c', [repeated([20, 21, 25], 21)]));
  assert.equal(shifted.jobs[0].verdict, 'slower', shifted.jobs[0].reasons.join('; '));
  // One process per side cannot measure it, and says so.
  assert.ok(compareRuns(run('a', baseJobs()), run('b', baseJobs())).warnings.some((w) => /one process per job per side/.test(w)));
});

test('sustained and ordinary results are different configurations: marked, not compared; sustained against sustained compares normally', () => {
  // A sustained line: the same samples, with windows over 4 s of sampling time.
  const sustained = (j: JobResult, f = 1) => {
    const samplesMs = j.latency!.samplesMs.map((x) => x * f);
    const ends = samplesMs.map((_, i) => (i + 1) * 100);
    return JobResultSchema.parse({ ...j, latency: { ...j.latency!, samplesMs, sustained: sustainedWindows(samplesMs, ends, 1000) } });
  };
  const [first, ...rest] = baseJobs();
  const ordinary = run('a', [first, ...rest]);
  const mixed = compareRuns(ordinary, run('b', [sustained(first), ...rest]));
  const marked = mixed.jobs.find((j) => j.id === first.id)!;
  assert.equal(marked.verdict, 'inconclusive');
  assert.equal(marked.regressed, false);
  assert.equal(marked.latency, null, 'no latency test was run across the two modes');
  assert.match(marked.reasons[0], /not compared: ordinary sampling in the baseline, sustained now/);
  assert.match(formatTable(mixed), /INCONCLUSIVE \(1\):\n {2}node\/reference\/0\.25_128: not compared/);
  assert.ok(
    mixed.jobs.filter((j) => j.id !== first.id).every((j) => j.verdict === 'unchanged'),
    'the other jobs compare as usual',
  );
  const both = compareRuns(run('a', [sustained(first)]), run('b', [sustained(first, 1.3)]));
  assert.equal(both.jobs[0].verdict, 'slower', both.jobs[0].reasons.join('; '));
  assert.equal(compareRuns(run('a', [sustained(first)]), run('b', [sustained(first)])).jobs[0].verdict, 'unchanged');
});
