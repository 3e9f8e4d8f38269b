/**
 * What a report section is: one object that the HTML page (its navigation and its body) and
 * the Markdown summary both read, so a new section is one file and one line in
 * reports/registry.ts (docs/reports.md, "Adding a report section").
 */
import type { ChartSink } from './chart-sink.ts';
import type { ReportModel, TargetView } from './data.ts';
import type { SafeHtml } from './escape.ts';

/** What a run-wide section is drawn from. */
export interface RunContext {
  model: ReportModel;
  /** Add a chart (drawn in the page by reports/client/report.ts); returns its canvas. */
  sink: ChartSink;
  /** The page anchor of a target's block, for links to it (never made from the name itself). */
  targetAnchor(targetName: string): string;
}

/** What a per-target section is drawn from: the whole model, and the one target. */
export interface TargetContext {
  model: ReportModel;
  view: TargetView;
  sink: ChartSink;
}

interface SectionBase {
  /** Unique among sections: the HTML anchor (`#<id>`, or `#target-N-<id>` per target). */
  id: string;
  /** The section's heading. */
  title: string;
  /** A shorter label for the navigation bar, where the title is long. */
  navTitle?: string;
}

/** A section shown once per report (overview, environment, …). Always listed in the navigation. */
export interface RunSection extends SectionBase {
  scope: 'run';
  /** The section's body (the frame adds the heading); null leaves the section out. */
  html(ctx: RunContext): SafeHtml | null;
  /** Markdown lines for the compact summary; absent or [] leaves it out there. */
  markdown?(ctx: Omit<RunContext, 'sink' | 'targetAnchor'>): string[];
}

/** A section shown in each target's block. */
export interface TargetSection extends SectionBase {
  scope: 'target';
  /** The section's body (the frame adds the heading); null leaves the section out for this target. */
  html(ctx: TargetContext): SafeHtml | null;
  /** Markdown lines under the target's heading; absent or [] leaves it out there. */
  markdown?(ctx: Omit<TargetContext, 'sink'>): string[];
  /** Listed under its target in the navigation bar (keep this to the few a reader jumps to). */
  nav?: boolean;
  /** Also shown when no job of the target finished ok (by default the target only says why). */
  showWithoutOkJobs?: boolean;
}

/** One registered section. */
export type ReportSection = RunSection | TargetSection;
