/** The options of a paired A/B decision, with their defaults (docs/ab-verdicts.md#options). */
import type { AbOptions } from '../../contract/ab-verdicts.ts';

/**
 * Defaults: a change must exceed 3 %; a 5 % false-alarm budget per job over all its looks,
 * spent O'Brien–Fleming-style; at most 240 pairs or 60 s per job, judged every 20 pairs,
 * and no look before 4 worker pairs have run (fewer leave the interval too few degrees of freedom).
 * `familySize`: the number of jobs compared at once (the controller sets it); each job spends α / familySize.
 */
export const DEFAULT_AB_OPTIONS: AbOptions = {
  minEffect: 0.03,
  alpha: 0.05,
  maxPairs: 240,
  maxSeconds: 60,
  batchPairs: 20,
  minWorkerPairs: 4,
  familySize: 1,
  spending: 'obrien-fleming',
};

/** The defaults with the given options over them; throws a RangeError naming a bad one. */
export function abOptions(partial: Partial<AbOptions> = {}): AbOptions {
  const o = { ...DEFAULT_AB_OPTIONS, ...partial };
  const bad = (name: string, why: string) => new RangeError(`A/B option ${name}: ${why}`);
  if (!(o.minEffect > 0 && o.minEffect < 1)) throw bad('minEffect', `${o.minEffect} is not a fraction in (0, 1) (0.03 = 3 %)`);
  if (!(o.alpha > 0 && o.alpha <= 0.5)) throw bad('alpha', `${o.alpha} is not in (0, 0.5]`);
  if (!(Number.isInteger(o.maxPairs) && o.maxPairs >= 2)) throw bad('maxPairs', `${o.maxPairs} is not a whole number ≥ 2`);
  if (!(o.maxSeconds > 0)) throw bad('maxSeconds', `${o.maxSeconds} is not > 0`);
  if (!(Number.isInteger(o.batchPairs) && o.batchPairs >= 1)) throw bad('batchPairs', `${o.batchPairs} is not a whole number ≥ 1`);
  if (!(Number.isInteger(o.minWorkerPairs) && o.minWorkerPairs >= 2)) throw bad('minWorkerPairs', `${o.minWorkerPairs} is not a whole number ≥ 2`);
  if (!(Number.isInteger(o.familySize) && o.familySize >= 1)) throw bad('familySize', `${o.familySize} is not a whole number ≥ 1`);
  if (o.spending !== 'obrien-fleming' && o.spending !== 'pocock') throw bad('spending', `'${o.spending}' is not obrien-fleming or pocock`);
  return o;
}
