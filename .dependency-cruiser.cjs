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
      name: 'contract-imports-nothing-of-ours',
      severity: 'error',
      comment: 'contract/ (the results schema, store, reader, formats and stats) is what every other layer agrees on: it depends on no code of ours, so a result file can be read with it alone.',
      from: { path: '^contract/' },
      to: { path: '^(api|harness|analysis|runners|reports|cli|models|test|bin)/' },
    },
    {
      name: 'models-import-only-the-contract',
      severity: 'error',
      comment: 'models/ (networks, weights, runtimes) knows nothing of the engine, analysis, runners, reports or CLI; it may use the contract (its seeded PRNG).',
      from: { path: '^models/' },
      to: { path: '^(api|harness|analysis|runners|reports|cli|test|bin)/' },
    },
    {
      name: 'analysis-reads-only-the-contract',
      severity: 'error',
      comment: 'Compare, history and A/B verdicts judge results files: they import the contract, never the engine, runners, reports or CLI.',
      from: { path: '^analysis/' },
      to: { path: '^(api|harness|runners|reports|cli|models|test|bin)/' },
    },
    {
      name: 'reports-read-only-the-contract',
      severity: 'error',
      comment: 'Reports are drawn from results files alone (the result JSON is the contract, as Lighthouse renders from the LHR), never from a runner or the engine.',
      from: { path: '^reports/' },
      to: { path: '^(api|harness|analysis|runners|cli|test|bin)/' },
    },
    {
      name: 'engine-knows-no-analysis-report-runner-or-cli',
      severity: 'error',
      comment: 'harness/ (the run engine) declares what it needs from a runner (harness/runner.ts); runners implement it and the API wires them in.',
      from: { path: '^harness/' },
      to: { path: '^(api|analysis|runners|reports|cli|test|bin)/' },
    },
    {
      name: 'runners-know-no-analysis-report-or-cli',
      severity: 'error',
      comment: 'Runners are transports: the API decides what happens with their results.',
      from: { path: '^runners/' },
      to: { path: '^(api|analysis|reports|cli|test|bin)/' },
    },
    {
      name: 'api-knows-no-cli',
      severity: 'error',
      comment: 'api/ wires the engine, runners, analysis and reports together; the CLI is one client of it, never the other way round.',
      from: { path: '^api/' },
      to: { path: '^(cli|test|bin)/' },
    },
    {
      name: 'nothing-imports-test',
      severity: 'error',
      comment: 'Shipped code never depends on test code: a benchmark that needs a test helper moves the helper out of test/.',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.standins|results/.+/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
