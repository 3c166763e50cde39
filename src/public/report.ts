/**
 * `rsattae/report`: The experiment report: one self-contained HTML page with Vega-Lite charts rendered to SVG.
 * @packageDocumentation
 */

export { buildReport, type Report, type ReportChart, type ReportOptions } from '../report/build-report.js';
export { COLORS as REPORT_COLORS } from '../report/charts.js';
export { escapeHtml } from '../report/html.js';
export { type ColdStart, type Curve, type Evaluation, type ExperimentRuns, type ModelCurves, type ReportInputs, type ReportSources, type Run, type RunOf, readColdStart, readEvaluation, readExperimentRuns, readModelCurves, readReportInputs } from '../report/inputs.js';
export { type MarkCounts, type RenderedChart, renderChart } from '../report/render.js';
