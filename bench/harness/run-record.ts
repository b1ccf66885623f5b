/**
 * The record of a run, as bench/results/*.json holds it: its own module so that the report and
 * the target checks it holds both read it without importing each other.
 */
import type { CellFigures, SoakFigures } from './measure.js';
import type { MemoryFigures } from './memory.js';
import type { PairedFigures } from './paired.js';
import type { BenchOptions } from './options.js';

export interface CellResult {
  scenario: string;
  variant: string;
  latencyMs: number;
  connections: number;
  figures?: CellFigures;
  notApplicable?: string;
  error?: string;
  /** For the limit: whether its JSON equals the gateway's answer to the same scenario. */
  sameJsonAsGateway?: boolean | undefined;
  /** For the batched peer: whether its answer's data equals the peer's. */
  sameDataAsPeer?: boolean | undefined;
  /** For the gateway: its CPU per query against the limit handler's, loaded at the same time. */
  pairedWithLimit?: PairedFigures | undefined;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  commit: string;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | undefined;
}

export interface RunRecord {
  startedAt: string;
  machine: Machine;
  options: BenchOptions;
  cells: CellResult[];
  soak: SoakFigures | undefined;
  /** `npm start`'s RSS idle and after the tour, per store (bench/harness/memory.ts). */
  memory?: MemoryFigures[] | undefined;
  targets: TargetCheck[];
}
