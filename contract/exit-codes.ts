/**
 * The CLI's exit codes, one meaning each, for every command (docs/faults.md#exit-codes). CI
 * scripts branch on them, so they never change meaning.
 */
export const EXIT = {
  /** Done as asked: every job ok or skipped; compare found no regression. */
  ok: 0,
  /** Done, with bad news: a job failed or was invalid (run); a regression (compare, ci). */
  failed: 1,
  /** Could not be done as asked: bad config, option or input files; nothing (more) was written. */
  usage: 2,
} as const;

/** One of the codes above. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** After a signal: 128 + its number, as shells report it (SIGHUP 1, SIGINT 2, SIGTERM 15). */
export const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
