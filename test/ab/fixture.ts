/** A judged A/B comparison for the output and report tests: a slower job, an unchanged one, a skipped one, hostile names throughout. */
import type { AbPair } from '../../contract/ab-pair.ts';
import { judgeComparison } from '../../analysis/ab/judge.ts';
import type { AbVerdicts, SideProvenance } from '../../contract/ab-verdicts.ts';
import { QUIET, runSequential, VM } from '../helpers/ab-pairs.ts';

/** A job id with every Markdown and HTML control character and a newline in it. */
export const HOSTILE_ID = 'node/ort|node\n# head *b* _i_ `c` [l](http://x) <img src=x onerror=alert(1)> \\';

const side = (name: 'A' | 'B', spec: string): SideProvenance => ({
  name,
  spec,
  commit: name === 'A' ? 'a'.repeat(40) : 'b'.repeat(40),
  dirty: name === 'B',
  kind: name === 'A' ? 'ref' : 'pkg',
  root: name === 'A' ? '/cache/ab/ref-aaaa' : '/work/checkout',
  harnessVersion: '0.1.0',
  packages: { 'onnxruntime-node': name === 'A' ? '1.29.0' : '1.30.0', 'onnxruntime-web': null },
  ...(name === 'B' ? { swapped: { 'onnxruntime-node': '1.30.0' } } : {}),
  weights: [
    { variant: '0.25_128', precision: 'float32', source: 'synthetic (seed 1)', file: null, sha256: null },
    { variant: '0.5_160', precision: 'float32', source: 'tflite', file: 'mobilenet_v1_0.5_160.tflite', sha256: 'c'.repeat(64) },
  ],
});

/** The comparison's pairs (all jobs) and its verdicts. */
export function abFixture(): { verdicts: AbVerdicts; pairs: AbPair[] } {
  const slow = runSequential(HOSTILE_ID, { ...VM, effect: 1.1, failRate: 0.03 }, 11, { familySize: 2 });
  const same = runSequential('chromium/ort-wasm/0.25_128', QUIET, 12, { familySize: 2 });
  const verdicts = judgeComparison(
    [
      { id: HOSTILE_ID, pairs: slow.pairs, dropped: slow.dropped, last: slow.decision },
      { id: 'chromium/ort-wasm/0.25_128', pairs: same.pairs, dropped: same.dropped, last: same.decision },
      { id: 'chromium/ort-webgpu/0.25_128', pairs: [], dropped: 0, skipped: 'side B: no WebGPU adapter <script>alert(2)</script>' },
    ],
    {},
    { a: side('A', 'ref:origin/main'), b: side('B', 'pkg:onnxruntime-node@1.30.0 | *x*') },
    new Date('2026-12-07T03:00:00Z'),
  );
  return { verdicts, pairs: [...slow.pairs, ...same.pairs] };
}
