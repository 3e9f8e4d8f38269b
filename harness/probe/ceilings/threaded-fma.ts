/**
 * The threaded WebAssembly ceiling's threads: N workers, each with its own instance of the
 * ceilings module, started together and timed to the slowest. The start is one Atomics.notify
 * on a SharedArrayBuffer every worker waits on, so no thread begins a message later than the
 * others; a repetition ends when the last worker has said it is done. The worker's script is
 * one string for both hosts (a Node worker_threads eval, a page's Blob worker); the platform
 * says how a worker is started and how many the target allows. Browser-safe.
 */

/** What a worker is given: the module's bytes and the control words it waits on. */
export interface FmaThreadInit {
  bytes: Uint8Array;
  /** Int32Array over it: [0] the generation (−1: stop), [1] the fma iterations (or stream repetitions) of this generation. */
  control: SharedArrayBuffer;
  /**
   * Run the read-write stream instead of fma: each repetition `rw` over the next `chunkBytes` of the
   * worker's own memory, round its `pieces` (the module must have chunkBytes × pieces of memory).
   */
  stream?: { chunkBytes: number; pieces: number };
}

/** What a worker says: ready once, then done for each generation, or the error that stopped it. */
export type FmaThreadMessage = { ready: true } | { done: number } | { error: string };

/** A started worker. */
export interface FmaThreadHandle {
  terminate(): unknown;
}

/** The threads a target allows and how to start one; or why it has none. */
export type FmaThreadHost =
  | {
      /** Threads the target allows (Node: os.availableParallelism(); a page: navigator.hardwareConcurrency). */
      count: number;
      /** Where the count came from, for the method. */
      countSource: string;
      start(init: FmaThreadInit, onMessage: (m: FmaThreadMessage) => void, onError: (why: string) => void): FmaThreadHandle;
    }
  | { unavailable: string };

/**
 * The worker's body: `start(init, post)`. Waits on control[0]; at each new generation runs
 * fma(control[1]) (or control[1] stream repetitions) and posts the generation back; stops at −1. Plain ES2017 in a string, so no
 * bundler or transpiler rewrites it.
 */
export const FMA_THREAD_BODY = `
function start(init, post) {
  try {
    var ex = new WebAssembly.Instance(new WebAssembly.Module(init.bytes)).exports;
    var s = init.stream;
    var next = 0;
    var work = s
      ? function (reps) {
          for (var r = 0; r < reps; r++) {
            ex.rw(next * s.chunkBytes, s.chunkBytes, 1);
            next = (next + 1) % s.pieces;
          }
        }
      : function (iters) { ex.fma(iters); };
    var control = new Int32Array(init.control);
    if (s) new Float32Array(ex.memory.buffer).fill(1);
    work(s ? s.pieces : 1000);
    post({ ready: true });
    var seen = 0;
    for (;;) {
      Atomics.wait(control, 0, seen);
      seen = Atomics.load(control, 0);
      if (seen < 0) return;
      work(Atomics.load(control, 1));
      post({ done: seen });
    }
  } catch (e) {
    post({ error: String(e && e.message || e) });
  }
}
`;

/** N started workers that run fma (or the stream) together. */
export interface FmaThreads {
  count: number;
  /** Every thread runs `fma(iters)` (or `iters` stream repetitions), released at once; resolves when the slowest is done. */
  run(iters: number): Promise<void>;
  close(): void;
}

/**
 * Start `count` workers on `host` with the module `bytes`; rejects with why when one fails, or when
 * not all are ready within `startTimeoutMs` (the ceilings' budget left: a worker under qemu starts slowly).
 */
export async function startFmaThreads(
  host: Exclude<FmaThreadHost, { unavailable: string }>,
  bytes: Uint8Array,
  count: number,
  startTimeoutMs = 10_000,
  stream?: FmaThreadInit['stream'],
): Promise<FmaThreads> {
  const control = new SharedArrayBuffer(8);
  const words = new Int32Array(control);
  let generation = 0;
  let waiting: { generation: number; left: number; done(): void; fail(why: string): void } | null = null;
  let failure: string | null = null;
  let ready = 0;
  let readyWake: (() => void) | null = null;
  const fail = (why: string) => {
    failure ??= why;
    waiting?.fail(why);
    readyWake?.();
  };
  const handles: FmaThreadHandle[] = [];
  const close = () => {
    Atomics.store(words, 0, -1);
    Atomics.notify(words, 0);
    for (const h of handles) h.terminate();
  };
  for (let i = 0; i < count; i++)
    handles.push(
      host.start(
        { bytes, control, ...(stream ? { stream } : {}) },
        (m) => {
          if ('error' in m) fail(`a worker failed: ${m.error}`);
          else if ('ready' in m) {
            ready++;
            if (ready === count) readyWake?.();
          } else if (waiting && m.done === waiting.generation && --waiting.left === 0) waiting.done();
        },
        (why) => fail(`a worker failed: ${why}`),
      ),
    );
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), startTimeoutMs);
    readyWake = () => {
      clearTimeout(timer);
      resolve(true);
    };
    if (ready === count) readyWake();
  });
  readyWake = null;
  if (failure || !started) {
    close();
    throw new Error(failure ?? `only ${ready} of ${count} workers were ready within ${(startTimeoutMs / 1000).toFixed(1)} s`);
  }
  return {
    count,
    run: (iters) =>
      new Promise<void>((done, reject) => {
        if (failure) return reject(new Error(failure));
        generation++;
        waiting = { generation, left: count, done, fail: (why) => reject(new Error(why)) };
        Atomics.store(words, 1, iters);
        Atomics.store(words, 0, generation);
        Atomics.notify(words, 0);
      }),
    close,
  };
}
