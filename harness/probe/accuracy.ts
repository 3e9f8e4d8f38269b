/** The accuracy pass: top-1/top-5 against labels and agreement with the reference implementation. */
import type { Accuracy } from '../../contract/results.ts';

/** Preprocessed inputs for the accuracy pass, identical for every implementation. */
export interface EvalInputs {
  /** NHWC float32 tensors in [-1, 1]. */
  tensors: Float32Array[];
  /** Class index per tensor in the model's class space (1000 or 1001), null when unlabelled. */
  labels: Array<number | null>;
  /** The reference implementation's logits for the first tensors (maybe not all); null when this job is the reference itself. */
  referenceLogits: Float32Array[] | null;
  /** Why accuracy is partial or missing (e.g. images skipped, weights synthetic). */
  note?: string;
  /** Central-crop fraction the eval-set images were preprocessed with (absent for synthetic inputs). */
  crop?: number;
  /** The model's class names (a user's labels file): the accuracy then carries a confusion matrix. */
  classNames?: string[];
  /** The preprocessing stated in the results (user models). */
  preprocessing?: string;
  /** For the reference job: keep its logits so other implementations need not recompute them. */
  rememberReferenceLogits?: (logits: Float32Array[]) => void;
}

/** Indices of the k largest values, largest first. */
function topK(values: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    let pos = best.length;
    while (pos > 0 && values[i] > values[best[pos - 1]]) pos--;
    if (pos < k) {
      best.splice(pos, 0, i);
      if (best.length > k) best.pop();
    }
  }
  return best;
}

/** Run every input through `run` and score it. */
export async function measureAccuracy(inputs: EvalInputs, run: (x: Float32Array) => Promise<Float32Array>): Promise<Accuracy> {
  let labelled = 0,
    top1 = 0,
    top5 = 0,
    agree = 0,
    compared = 0,
    maxDelta = 0;
  const predictions: number[] = [];
  const kept: Float32Array[] = [];
  for (let i = 0; i < inputs.tensors.length; i++) {
    const logits = await run(inputs.tensors[i]);
    if (inputs.rememberReferenceLogits) kept.push(logits.slice());
    const best = topK(logits, 5);
    predictions.push(best[0]);
    const label = inputs.labels[i];
    if (label !== null && label !== undefined) {
      labelled++;
      if (best[0] === label) top1++;
      if (best.includes(label)) top5++;
    }
    const ref = inputs.referenceLogits?.[i];
    if (ref) {
      compared++;
      if (topK(ref, 1)[0] === best[0]) agree++;
      for (let c = 0; c < ref.length; c++) maxDelta = Math.max(maxDelta, Math.abs(ref[c] - logits[c]));
    }
  }
  inputs.rememberReferenceLogits?.(kept);
  const confusion =
    inputs.classNames && inputs.classNames.length <= MAX_CONFUSION_CLASSES ? confusionMatrix(inputs.labels, predictions, inputs.classNames) : undefined;
  const n = inputs.tensors.length;
  const isReference = inputs.referenceLogits === null;
  return {
    n,
    top1: labelled ? top1 / labelled : null,
    top5: labelled ? top5 / labelled : null,
    agreementTop1: isReference ? 1 : compared ? agree / compared : null,
    maxAbsLogitDelta: isReference ? 0 : compared ? maxDelta : null,
    agreementN: isReference ? n : compared,
    predictions,
    ...(inputs.note ? { note: inputs.note } : {}),
    ...(inputs.crop !== undefined ? { crop: inputs.crop } : {}),
    ...(confusion ? { confusion } : {}),
    ...(inputs.preprocessing ? { preprocessing: inputs.preprocessing } : {}),
  };
}

/** Heads with more classes than this get no confusion matrix (it would be mostly zeros and huge). */
const MAX_CONFUSION_CLASSES = 100;

/** Rows: the true class; columns: the predicted one; over the classes that occur as a label or a prediction (pure). */
function confusionMatrix(labels: Array<number | null>, predictions: number[], names: string[]): { classes: string[]; matrix: number[][] } {
  const used = [...new Set([...labels.filter((l): l is number => l !== null), ...predictions])].filter((c) => c < names.length).sort((a, b) => a - b);
  const at = new Map(used.map((c, i) => [c, i]));
  const matrix = used.map(() => used.map(() => 0));
  labels.forEach((l, i) => {
    const p = predictions[i];
    if (l !== null && at.has(l) && at.has(p)) matrix[at.get(l)!][at.get(p)!]++;
  });
  return { classes: used.map((c) => names[c]), matrix };
}
