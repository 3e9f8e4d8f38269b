/** `mobilenet-bench history add|list|prune`: the folder of run summaries that `compare --history`, `ci` and `trend` read (docs/history.md). */
import { parseArgs } from 'node:util';
import { fmtMs } from '../contract/format.ts';
import { recordRun } from '../analysis/history/record.ts';
import { describeProblems, HistoryError, pruneHistory, readHistory } from '../analysis/history/store.ts';
import { EXIT } from '../contract/exit-codes.ts';

export const HISTORY_USAGE = `mobilenet-bench history add <run dir>... --history DIR [--branch NAME] [--commit SHA] [--url URL] [--device-id NAME]
                                   add one summary per run (commit, branch, dirty flag and time from git and the CI's variables;
                                   --device-id or MOBILENET_BENCH_DEVICE_ID names the device instead of the host's fingerprint)
mobilenet-bench history list --history DIR [--json]      runs by branch and device
mobilenet-bench history prune --history DIR --keep N     keep the newest N runs of each branch and device
`;

const OUTCOME = { added: 'added', already: 'already in the history', updated: 'updated (the same run, summarised again, replaces its earlier entry)' };

const OPTIONS = {
  history: { type: 'string' },
  branch: { type: 'string' },
  commit: { type: 'string' },
  url: { type: 'string' },
  'device-id': { type: 'string' },
  keep: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `history`: returns the exit code (2 for bad input, with a message naming it). */
export async function historyCommand(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    err(`mobilenet-bench history: ${(e as Error).message}\n\n${HISTORY_USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined) {
    out(HISTORY_USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (!values.history) {
    err(`mobilenet-bench history ${sub}: give the history folder with --history DIR\n`);
    return EXIT.usage;
  }
  const dir = values.history;
  try {
    if (sub === 'add') {
      if (!rest.length) {
        err(`mobilenet-bench history add: give at least one run folder\n\n${HISTORY_USAGE}`);
        return EXIT.usage;
      }
      let failed = 0;
      for (const runDir of rest) {
        try {
          const r = recordRun(runDir, dir, { branch: values.branch, commit: values.commit, url: values.url, deviceId: values['device-id'] });
          out(
            `${OUTCOME[r.outcome]}: ${runDir} → ${r.file} (branch ${r.entry.source.branch ?? '?'}, commit ${r.entry.source.commit?.slice(0, 12) ?? '?'}${r.entry.source.dirty ? ', dirty' : ''}, ${r.entry.jobs.length} jobs)\n`,
          );
        } catch (e) {
          const name = (e as Error).name;
          if (name !== 'ResultsError' && name !== 'HistoryError' && name !== 'ZodError') throw e;
          err(`mobilenet-bench history add: ${runDir}: ${(e as Error).message}\n`);
          failed++;
        }
      }
      return failed ? EXIT.usage : EXIT.ok;
    }
    if (sub === 'list') {
      const h = readHistory(dir);
      err(describeProblems(h.problems));
      if (values.json) {
        out(
          `${JSON.stringify(
            h.entries.map((e) => ({
              id: e.id,
              runId: e.runId,
              branch: e.source.branch,
              commit: e.source.commit,
              dirty: e.source.dirty,
              time: e.source.time,
              device: e.device,
              jobs: e.jobs.length,
              file: h.fileOf.get(e),
            })),
            null,
            2,
          )}\n`,
        );
        return h.problems.length ? EXIT.usage : EXIT.ok;
      }
      const groups = new Map<string, typeof h.entries>();
      for (const e of h.entries) {
        const key = `branch ${e.source.branch ?? '(none)'} · device ${e.device} (${e.environment.cpuModel}, ${e.environment.cores} cores, ${e.environment.os} ${e.environment.arch})`;
        const list = groups.get(key);
        if (list) list.push(e);
        else groups.set(key, [e]);
      }
      out(
        `${h.entries.length} run${h.entries.length === 1 ? '' : 's'} in ${dir}${h.problems.length ? ` (${h.problems.length} file${h.problems.length === 1 ? '' : 's'} not counted, see above)` : ''}\n`,
      );
      for (const [key, list] of groups) {
        out(`\n${key}: ${list.length} run${list.length === 1 ? '' : 's'}\n`);
        for (const e of list) {
          const ok = e.jobs.filter((j) => j.status === 'ok');
          const med = ok.length ? fmtMs(ok[0].medianMs) : '—';
          out(
            `  ${e.source.time}  ${e.source.commit?.slice(0, 10) ?? '(no commit)'}${e.source.dirty ? '+dirty' : ''}  ${e.id}  ${ok.length}/${e.jobs.length} ok  (first: ${med})\n`,
          );
        }
      }
      return h.problems.length ? EXIT.usage : EXIT.ok;
    }
    if (sub === 'prune') {
      const keep = Number(values.keep);
      if (values.keep === undefined || !Number.isInteger(keep) || keep < 1) {
        err(`mobilenet-bench history prune: --keep N needs a whole number ≥ 1, got ${JSON.stringify(values.keep ?? null)}\n`);
        return EXIT.usage;
      }
      const h = readHistory(dir);
      err(describeProblems(h.problems));
      const removed = pruneHistory(dir, keep);
      out(`removed ${removed.length} run${removed.length === 1 ? '' : 's'}, kept the newest ${keep} of each branch and device\n`);
      return EXIT.ok;
    }
  } catch (e) {
    if (e instanceof HistoryError) {
      err(`mobilenet-bench history ${sub}: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  err(`mobilenet-bench history: unknown subcommand '${sub}'\n\n${HISTORY_USAGE}`);
  return EXIT.usage;
}
