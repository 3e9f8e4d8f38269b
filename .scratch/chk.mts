import puppeteer from 'puppeteer-core';
import { ceilingsWasm } from '/work/wt-29/harness/probe/ceilings/wasm-kernels.ts';
import { jsMultiplyAdd } from '/work/wt-29/harness/probe/ceilings/js-kernels.ts';
const b = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const p = await b.newPage();
const wasm = Array.from(ceilingsWasm({ pages: 1, relaxed: false }));
const src = jsMultiplyAdd.toString();
const out = await p.evaluate(async (wasm: number[], src: string) => {
  const f = new Function(`return ${src}`)();
  const res: string[] = [];
  // clock granularity
  const ds = new Set<number>(); let last = performance.now();
  for (let i = 0; i < 100000; i++) { const t = performance.now(); if (t !== last) { ds.add(+(t - last).toFixed(4)); last = t; } }
  res.push('clock steps: ' + [...ds].slice(0, 8).join(','));
  for (let k = 0; k < 30; k++) { const t0 = performance.now(); f(2e6); const ms = performance.now() - t0; if (k % 5 === 4) res.push(`js ${(24e6 / ms / 1e6).toFixed(2)} GMAC/s (${ms.toFixed(2)} ms)`); }
  const inst = await WebAssembly.instantiate(await WebAssembly.compile(new Uint8Array(wasm)));
  const e = inst.exports as any;
  for (let k = 0; k < 60; k++) { const t0 = performance.now(); e.fma(2e5); const ms = performance.now() - t0; if (k % 10 === 9) res.push(`wasm ${(48 * 2e5 / ms / 1e6).toFixed(2)} GMAC/s (${ms.toFixed(2)} ms)`); }
  return res;
}, wasm, src);
console.log(out.join('\n'));
await b.close();
