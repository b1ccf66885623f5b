import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { renderChart } from './harness/chart.js';
import { renderReport } from './harness/report.js';
import type { RunRecord } from './harness/run-record.js';

/**
 * `node --import tsx bench/report.ts bench/results/<date>.json`: renders the chart and the
 * generated part of RESULTS.md again from a stored run, without measuring anything.
 */
const file = process.argv[2];
if (!file) {
  console.error('usage: node --import tsx bench/report.ts bench/results/<date>.json');
  process.exit(2);
}
const record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
const markdown = await renderReport(record, basename(file, '.json'), renderChart);
console.log(`rendered ${markdown} and the chart of ${file}`);
