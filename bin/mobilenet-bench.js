#!/usr/bin/env node
// The CLI runs the built JavaScript in dist/. In a checkout whose sources changed since the last
// build, the guard rebuilds it first (a second or two), so a stale dist/ never runs silently.
import { ensureBuilt } from '../scripts/build.mjs';

await ensureBuilt();
await import('../dist/cli/main.js');
