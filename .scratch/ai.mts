import { mobilenetV1 } from '../models/spec.ts';
import { layerBytes } from '../models/traffic.ts';
const n = mobilenetV1(1, 224);
const ai = (k: string, s?: number) => n.layers.filter((l) => l.kind === k && (s === undefined || l.stride === s)).map((l) => l.macs / layerBytes(l, 'float32'));
const r = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
console.log('dw s1', r(ai('depthwise', 1)), 'dw s2', r(ai('depthwise', 2)), 'pw', r(ai('pointwise')), 'net', (n.macs / n.layers.reduce((s, l) => s + layerBytes(l, 'float32'), 0)).toFixed(2));
