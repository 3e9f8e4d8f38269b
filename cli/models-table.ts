/** `mobilenet-bench models table [--json]`: analytic MACs and parameters of the 16 variants. */
import { allVariants, mobilenetV1, variantName } from '../models/spec.ts';

/** One row per variant, absolute counts (1001 classes, as the official models). */
function modelsTableRows() {
  return allVariants().map(({ alpha, resolution }) => {
    const net = mobilenetV1(alpha, resolution, 1001);
    return { alpha, resolution, macs: net.macs, params: net.params, inferenceParams: net.inferenceParams };
  });
}

/** Print the table as JSON lines (one object per variant) or aligned text. */
export function printModelsTable(json: boolean, out: (line: string) => void = console.log): void {
  const rows = modelsTableRows();
  if (json) {
    out(JSON.stringify(rows, null, 2));
    return;
  }
  out('variant    MACs (M)  params (M)  inference params (M)');
  for (const r of rows) {
    out(
      `${variantName(r).padEnd(9)}  ${(r.macs / 1e6).toFixed(1).padStart(8)}  ${(r.params / 1e6).toFixed(3).padStart(10)}  ${(r.inferenceParams / 1e6).toFixed(3).padStart(20)}`,
    );
  }
  out('');
  out('MACs: standard conv Dk·Dk·M·N·Df·Df, depthwise Dk·Dk·M·Df·Df, pointwise M·N·Df·Df, global average pool Df·Df·M, classifier M·1001.');
  out('params: trainable parameters = kernel weights + batch-norm γ, β + classifier weights and bias (1001 classes).');
  out('inference params: batch norm folded = kernel weights + one bias per output channel.');
}
