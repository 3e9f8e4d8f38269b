/**
 * The job bundle an ssh target ships (one CommonJS file plus the runtimes' files, no
 * node_modules) runs jobs on its own: built and laid out here exactly as on a board, and run by
 * this machine's Node, so a change that breaks the bundle (an import.meta in a CommonJS file, a
 * runtime file not shipped) fails here without an emulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveConfig } from '../../harness/config/schema.ts';
import { planJobs } from '../../harness/plan.ts';
import { evalInputsInNode, loadWeightsInNode } from '../../harness/probe/node-env.ts';
import { encodeEvalInputs } from '../../harness/probe/wire.ts';
import type { JobResult } from '../../contract/results.ts';
import { runtimeTree } from '../../runners/ssh/bundle.ts';
import type { RemoteJobRequest } from '../../harness/probe/board-job.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

test('the shipped bundle runs tfjs-wasm, ort-web and ort-node jobs from its own folder, streaming a device line then the result', async () => {
  const tree = tempDir('mnb-bundle-');
  try {
    const { files, ortNodeUnavailable } = await runtimeTree(process.platform, process.arch);
    assert.equal(ortNodeUnavailable, null);
    // The bundle carries only the board's runtimes (models/loaders/board.ts): no LiteRT.js.
    const bundle = readFileSync(files.find((f) => f.rel === 'job.cjs')!.local, 'utf8');
    assert.match(bundle, /models\/loaders\/board\.ts/);
    assert.doesNotMatch(bundle, /models\/litert\.ts|node_modules\/@litertjs\//);
    for (const f of files) {
      mkdirSync(dirname(join(tree, f.rel)), { recursive: true });
      copyFileSync(f.local, join(tree, f.rel));
    }
    const config = resolveConfig({
      targets: [{ type: 'node' }],
      implementations: ['tfjs:wasm', 'ort-web:wasm', 'ort-node'],
      variants: { alpha: [0.25], resolution: [128] },
      sampling: { warmupSamples: 1, warmupTimeMs: 0, minSamples: 3, minTimeMs: 0 },
      accuracy: { samples: 1 },
    });
    for (const job of planJobs(config).jobs) {
      const inputsFile = join(tree, `${job.implementation.impl}.inputs.bin`);
      writeFileSync(inputsFile, encodeEvalInputs(await evalInputsInNode(job, await loadWeightsInNode(job.weights, job))));
      const request: RemoteJobRequest = { job, weightsFile: null, inputsFile, tfjsWasmDir: `${tree}/tfjs-wasm/`, ortWasmDir: `${tree}/ort-wasm/` };
      // Run from an empty folder with no node_modules anywhere above: only the shipped files exist.
      const lines = await new Promise<string[]>((done, fail) => {
        const child = spawn(process.execPath, [join(tree, 'job.cjs')], { cwd: tree, env: { PATH: process.env.PATH ?? '' } });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
        });
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
        });
        child.on('exit', (code) => (code === 0 ? done(out.trim().split('\n')) : fail(new Error(`exit ${code}: ${err.slice(-1000)}`))));
        child.stdin.write(`${JSON.stringify(request)}\n`); // stdin stays open, as over SSH
      });
      const device = JSON.parse(lines[0]) as { type: string; arch: string };
      assert.equal(device.type, 'device');
      assert.equal(device.arch, process.arch);
      const { result } = JSON.parse(lines[lines.length - 1]) as { result: JobResult };
      assert.equal(result.status, 'ok', `${job.id}: ${result.error}`);
      assert.equal(result.effective?.impl, job.implementation.impl);
      assert.equal(result.accuracy?.agreementTop1, 1);
    }
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
});
