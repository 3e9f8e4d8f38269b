/**
 * Every report section, in page order. The HTML navigation, the HTML body and the Markdown
 * summary all walk this one list; adding a section is a file in reports/sections/ and one line
 * here (docs/reports.md, "Adding a report section").
 *
 * Run-wide sections appear where they are listed. The per-target sections are gathered into one
 * block per target, which stands where the first per-target section is listed.
 */
import type { ReportSection, RunSection, TargetSection } from './section.ts';
import { agreementSection } from './sections/agreement.ts';
import { coldStartSection } from './sections/cold-start.ts';
import { distributionsSection } from './sections/distributions.ts';
import { environmentSection } from './sections/environment.ts';
import { gmacsSection } from './sections/gmacs.ts';
import { headlineTableSection } from './sections/headline-table.ts';
import { heatmapSection } from './sections/heatmap.ts';
import { memorySection } from './sections/memory.ts';
import { methodologySection } from './sections/methodology.ts';
import { numbersSection } from './sections/numbers.ts';
import { overviewSection } from './sections/overview.ts';
import { ownModelsSection } from './sections/own-models.ts';
import { paretoSection } from './sections/pareto.ts';
import { problemsSection } from './sections/problems.ts';
import { profileSection } from './sections/profile.ts';
import { quantizationSection } from './sections/quantization.ts';
import { recommendationSection } from './sections/recommendation.ts';
import { sustainedSection } from './sections/sustained.ts';

export const REPORT_SECTIONS: readonly ReportSection[] = [
  overviewSection,
  // One block per target, from here:
  recommendationSection,
  headlineTableSection,
  paretoSection,
  ownModelsSection,
  quantizationSection,
  heatmapSection,
  distributionsSection,
  coldStartSection,
  sustainedSection,
  memorySection,
  gmacsSection,
  agreementSection,
  profileSection,
  numbersSection,
  // Run-wide again, after the targets:
  environmentSection,
  problemsSection,
  methodologySection,
];

/** The page in order: run-wide sections, and one `'targets'` slot where the per-target blocks go. */
export function pageOrder(sections: readonly ReportSection[] = REPORT_SECTIONS): (RunSection | 'targets')[] {
  const out: (RunSection | 'targets')[] = [];
  for (const s of sections) {
    if (s.scope === 'run') out.push(s);
    else if (!out.includes('targets')) out.push('targets');
  }
  return out;
}

/** The per-target sections, in order. */
export function targetSections(sections: readonly ReportSection[] = REPORT_SECTIONS): TargetSection[] {
  return sections.filter((s): s is TargetSection => s.scope === 'target');
}

// Ids are anchors: a clash would make one section's link land on another.
const ids = REPORT_SECTIONS.map((s) => s.id);
const clash = ids.find((id, i) => ids.indexOf(id) !== i);
if (clash) throw new Error(`two report sections have the id "${clash}"`);
