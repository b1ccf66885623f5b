import type { SandboxReply, SandboxRequest } from '../framework.js';
import type { AccountState } from './accounts.js';

/**
 * Dispatch's `{data, success}` envelope and its three documented errors (404 NOT_FOUND,
 * 400 CONFIGURATION_ERROR, 409 CONFLICT), and the checks its handlers share.
 */

export type DispatchHandler = (req: SandboxRequest, state: AccountState) => SandboxReply;

export const ok = (data?: unknown): SandboxReply => ({
  status: 200,
  body: data === undefined ? { success: true } : { data, success: true },
});

export const failure = (status: number, code: string, message: string): SandboxReply => ({
  status,
  body: { success: false, error: { code, message } },
});

export const notFound = (message: string) => failure(404, 'NOT_FOUND', message);
export const configurationError = (message: string) => failure(400, 'CONFIGURATION_ERROR', message);
export const conflict = (message: string) => failure(409, 'CONFLICT', message);

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
export const isHttpsUrl = (v: unknown): boolean => {
  if (typeof v !== 'string') return false;
  try {
    return new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
};
