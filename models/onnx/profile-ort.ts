/**
 * ONNX Runtime's session profiler, shared by onnxruntime-node and onnxruntime-web: a session
 * created with `enableProfiling` records Chrome trace events (`model_run` per inference, one
 * `<node name>_kernel_time` event per node run, times in µs); `endProfiling()` writes them out
 * (a JSON file in Node; printed line by line in the WebAssembly build). Here: parse them, split
 * them by inference, and map ORT's node names onto the spec's layers. Our exporter
 * (export.ts) names each layer's Conv/Gemm/GlobalAveragePool node after the layer (conv0, dw1,
 * pw1, …, pool, fc) and its Clip `<layer>.relu6`; ORT's optimizer fuses Conv + Clip and
 * renames the fused node (`dw1` as FusedConv in the wasm build, `dw1.out_nchwc` after the
 * native NCHWc transformer), so a node belongs to a layer when its name starts with the layer's.
 */
import type { ProfiledInference, ProfiledOp } from '../profile.ts';

/** One event of ORT's profile (the subset we read). */
export interface OrtProfileEvent {
  cat: string;
  name: string;
  ph?: string;
  ts: number;
  dur: number;
  args?: { op_name?: string; provider?: string; [key: string]: unknown };
}

const LAYER_PREFIX = /^(conv0|dw\d+|pw\d+|pool|fc)(?=$|[._])/;
const KERNEL_SUFFIX = '_kernel_time';

/** The spec layer an ONNX or ORT node name belongs to (`pw3`, `pw3.relu6`, `pw3.out_nchwc` → pw3), or undefined (to_nchw, flatten, ReorderOutput…). */
export function layerOfOrtNode(nodeName: string): string | undefined {
  return LAYER_PREFIX.exec(nodeName)?.[1];
}

/** How an ORT node maps onto its layer when it is not the exported node as written. */
function ortMappingNote(nodeName: string, opType: string): string | undefined {
  if (nodeName.endsWith('_nchwc')) return `Conv + Clip (ReLU6) fused by ORT and run in its NCHWc layout (${opType})`;
  if (opType === 'FusedConv') return 'Conv + Clip (ReLU6) fused by ORT into FusedConv';
  if (nodeName.endsWith('.relu6')) return "the layer's ReLU6 (Clip) as a node of its own";
  return undefined;
}

/**
 * Split ORT's events into inferences (one per `model_run`) with each node's kernel time, in
 * run order; `wallMs[i]` is the caller's wall time of the i-th recorded run. Runs before the
 * last `wallMs.length` ones (warm-up) are dropped.
 */
export function ortInferences(events: readonly OrtProfileEvent[], wallMs: readonly number[]): ProfiledInference[] {
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  if (runs.length < wallMs.length) throw new Error(`ORT's profile holds ${runs.length} model_run events, expected at least ${wallMs.length}`);
  const kept = runs.slice(runs.length - wallMs.length);
  const nodes = events.filter((e) => e.cat === 'Node' && e.name.endsWith(KERNEL_SUFFIX));
  return kept.map((run, i) => {
    const ops: ProfiledOp[] = nodes
      .filter((e) => e.ts >= run.ts && e.ts <= run.ts + run.dur)
      .sort((a, b) => a.ts - b.ts)
      .map((e) => {
        const name = e.name.slice(0, -KERNEL_SUFFIX.length);
        const op = String(e.args?.op_name ?? 'unknown');
        const layer = layerOfOrtNode(name);
        const mapping = layer ? ortMappingNote(name, op) : undefined;
        return { name, op, startMs: (e.ts - run.ts) / 1000, durMs: e.dur / 1000, ...(layer ? { layer } : {}), ...(mapping ? { mapping } : {}) };
      });
    return { wallMs: wallMs[i], ops };
  });
}

/** Parse ORT's profile output: a JSON array of events, possibly with other printed lines around it. */
export function parseOrtProfile(text: string): OrtProfileEvent[] {
  const start = text.indexOf('[');
  const end = text.lastIndexOf(']');
  if (start < 0 || end < start) throw new Error('ORT wrote no profile (no JSON array in its output)');
  const events = JSON.parse(text.slice(start, end + 1)) as unknown;
  if (!Array.isArray(events)) throw new Error("ORT's profile is not a JSON array");
  return events as OrtProfileEvent[];
}

/** Run one warm-up and `n` timed inferences, returning the wall times of the timed ones. */
export async function timedRuns(run: () => Promise<unknown>, n: number, now: () => number): Promise<number[]> {
  await run();
  const wall: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = now();
    await run();
    wall.push(now() - t0);
  }
  return wall;
}
