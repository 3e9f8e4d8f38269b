/**
 * A time limit on a step that waits for something outside this process (a board, a browser, a
 * server): the step's promise raced against a timer. The step itself is not cancelled (only its
 * owner can do that: `onTimeout` closes a channel, kills a process); what it resolves to later
 * is handed to `onLate` so nothing it opened is left behind.
 */

/** A step did not finish within its limit; the message says which step, where and what to do. */
export class TimeLimitError extends Error {
  constructor(
    message: string,
    readonly limitMs: number,
  ) {
    super(message);
    this.name = 'TimeLimitError';
  }
}

/** Seconds, for messages. */
export const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export interface TimeLimitOptions<T> {
  /** Called when the limit passes (stop the step: close its channel, kill its process). */
  onTimeout?: () => void;
  /** Called with what the step resolves to after its limit passed (close the late runner). */
  onLate?: (value: T) => void;
}

/** Resolve as `step` does, or reject with a TimeLimitError saying `message` after `ms`. */
export function withTimeLimit<T>(step: Promise<T>, ms: number, message: string, options: TimeLimitOptions<T> = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let over = false;
    const timer = setTimeout(() => {
      over = true;
      try {
        options.onTimeout?.();
      } finally {
        reject(new TimeLimitError(message, ms));
      }
    }, ms);
    step.then(
      (value) => {
        clearTimeout(timer);
        if (over) options.onLate?.(value);
        else resolve(value);
      },
      (e: unknown) => {
        clearTimeout(timer);
        if (!over) reject(e);
      },
    );
  });
}
