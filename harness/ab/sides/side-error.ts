/** A side that cannot be built (a missing ref, a failing install, a bad overlay): the comparison stops before any job, exit 2. */
export class SideError extends Error {
  override name = 'SideError';
  constructor(side: 'A' | 'B', spec: string, cause: string) {
    super(`side ${side} (${shown(spec)}): ${cause}`);
  }
}

/** A spec as messages show it: `pkg:a@1` as `pkg a@1`, which the secrets filter would otherwise read as a URL's user:password@host. */
export const shown = (spec: string) => (spec.startsWith('pkg:') ? `pkg ${spec.slice(4)}` : spec);
