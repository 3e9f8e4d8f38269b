/** The inference call shared by onnxruntime-node and onnxruntime-web (same API from onnxruntime-common). */
import type { InferenceSession, Tensor } from 'onnxruntime-common';

type TensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;

/** A `run` for our exported graph (input `input` NHWC [1,R,R,3] → output `logits`) that returns a fresh Float32Array. */
export function logitsRunner(session: InferenceSession, TensorClass: TensorConstructor, resolution: number, isReleased: () => boolean, name: string) {
  const size = resolution * resolution * 3;
  return async (input: Float32Array): Promise<Float32Array> => {
    if (isReleased()) throw new Error(`${name} session was released`);
    if (input.length !== size) throw new RangeError(`input has ${input.length} values, expected ${size} (NHWC [1,${resolution},${resolution},3])`);
    const out = await session.run({ input: new TensorClass('float32', input, [1, resolution, resolution, 3]) });
    const logits = out.logits;
    const data = Float32Array.from(logits.data as Float32Array);
    logits.dispose();
    return data;
  };
}
