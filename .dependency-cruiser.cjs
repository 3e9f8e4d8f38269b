/**
 * The layers, enforced in `npm test` (`npm run lint:deps`): cli/ on top, then reports/ and runners/,
 * then harness/, then models/. A lower layer never imports a higher one, and nothing imports in a
 * circle. See docs/architecture.md.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle makes load order matter and hides which module owns what: break it by moving the shared piece down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'models-import-nothing-above',
      severity: 'error',
      comment: 'models/ is the bottom layer: the networks, weights and runtimes know nothing of the harness, runners, reports or CLI.',
      from: { path: '^models/' },
      to: { path: '^(harness|runners|reports|cli|test)/' },
    },
    {
      name: 'harness-knows-no-runner-report-or-cli',
      severity: 'error',
      comment: 'harness/ declares what it needs from a runner (harness/runner.ts); runners implement it and cli/ wires them in.',
      from: { path: '^harness/' },
      to: { path: '^(runners|reports|cli|test)/' },
    },
    {
      name: 'reports-know-no-runner',
      severity: 'error',
      comment: 'Reports are drawn from results files alone (the result JSON is the contract), never from a runner.',
      from: { path: '^reports/' },
      to: { path: '^(runners|cli|test)/' },
    },
    {
      name: 'runners-know-no-report-or-cli',
      severity: 'error',
      comment: 'Runners are transports: the CLI decides what happens with their results.',
      from: { path: '^runners/' },
      to: { path: '^(reports|cli|test)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.standins|results/.+/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
