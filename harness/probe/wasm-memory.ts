/**
 * Tracks every WebAssembly.Memory a runtime creates or exports, so the probe can
 * report WASM memory for any runtime (tfjs-wasm, onnxruntime-web) in Node and in
 * pages alike. Install before the runtimes load. Wasm memories never shrink, so
 * the current size at the end is also their peak.
 */
const memories = new Set<WebAssembly.Memory>();

function collect(instance: WebAssembly.Instance): void {
  for (const value of Object.values(instance.exports)) if (value instanceof WebAssembly.Memory) memories.add(value);
}

let installed = false;

/** Wrap WebAssembly.Memory, Instance, instantiate and instantiateStreaming (idempotent). */
export function installWasmMemoryTracker(): void {
  if (installed || typeof WebAssembly === 'undefined') return;
  installed = true;
  const W = WebAssembly as unknown as Record<string, unknown>;
  const OriginalMemory = WebAssembly.Memory;
  const TrackedMemory = function (this: unknown, descriptor: WebAssembly.MemoryDescriptor) {
    const m = new OriginalMemory(descriptor);
    memories.add(m);
    return m;
  } as unknown as typeof WebAssembly.Memory;
  TrackedMemory.prototype = OriginalMemory.prototype;
  W.Memory = TrackedMemory;

  const OriginalInstance = WebAssembly.Instance;
  const TrackedInstance = function (this: unknown, module: WebAssembly.Module, imports?: WebAssembly.Imports) {
    const i = new OriginalInstance(module, imports);
    collect(i);
    return i;
  } as unknown as typeof WebAssembly.Instance;
  TrackedInstance.prototype = OriginalInstance.prototype;
  W.Instance = TrackedInstance;

  const track = (r: WebAssembly.Instance | WebAssembly.WebAssemblyInstantiatedSource) => {
    collect(r instanceof OriginalInstance ? r : (r as WebAssembly.WebAssemblyInstantiatedSource).instance);
    return r;
  };
  const instantiate = WebAssembly.instantiate.bind(WebAssembly);
  W.instantiate = (...args: Parameters<typeof WebAssembly.instantiate>) => (instantiate as (...a: unknown[]) => Promise<never>)(...args).then(track);
  if (typeof WebAssembly.instantiateStreaming === 'function') {
    const streaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
    W.instantiateStreaming = (...args: Parameters<typeof WebAssembly.instantiateStreaming>) => streaming(...args).then(track);
  }
}

/** Total bytes of all tracked memories, or null when none was seen. */
export function wasmMemoryBytes(): number | null {
  if (memories.size === 0) return null;
  let total = 0;
  for (const m of memories) total += m.buffer.byteLength;
  return total;
}
