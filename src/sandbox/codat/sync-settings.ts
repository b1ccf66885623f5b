import { isReply, type SandboxReply } from '../framework.js';
import { findCompany, type CodatContext, type CodatErrors, type CodatHandler } from './replies.js';
import type { SyncSetting } from './state.js';

/**
 * A settings update replaces the list wholesale (Codat "overrides" the settings); optional
 * numbers left out keep their current value, so `{dataType, fetchOnFirstLink}` is enough.
 */
export function parseSettings(
  body: unknown,
  current: SyncSetting[],
  errors: CodatErrors,
): SyncSetting[] | SandboxReply {
  const settings = (body as Record<string, unknown> | undefined)?.['settings'];
  if (!Array.isArray(settings))
    return errors.badRequest('settings must be an array of sync settings.', 'settings');
  const byType = new Map(current.map((s) => [s.dataType, s]));
  const result = new Map<string, SyncSetting>();
  for (const [i, raw] of settings.entries()) {
    const s = raw as Record<string, unknown>;
    if (typeof s?.['dataType'] !== 'string' || !s['dataType'])
      return errors.badRequest('dataType is required.', `settings[${i}].dataType`);
    if (typeof s['fetchOnFirstLink'] !== 'boolean')
      return errors.badRequest(
        'fetchOnFirstLink must be a boolean.',
        `settings[${i}].fetchOnFirstLink`,
      );
    for (const key of ['syncSchedule', 'syncOrder', 'syncFromWindow', 'monthsToSync'] as const) {
      if (s[key] !== undefined && !Number.isInteger(s[key]))
        return errors.badRequest(`${key} must be an integer.`, `settings[${i}].${key}`);
    }
    const previous = byType.get(s['dataType']);
    result.set(s['dataType'], {
      ...previous,
      ...(s as Partial<SyncSetting>),
      dataType: s['dataType'],
      fetchOnFirstLink: s['fetchOnFirstLink'],
      syncSchedule: (s['syncSchedule'] as number | undefined) ?? previous?.syncSchedule ?? 24,
      syncOrder: (s['syncOrder'] as number | undefined) ?? previous?.syncOrder ?? i,
    });
  }
  return [...result.values()];
}

/** Sync settings of a company (overriding the client's) and of the client (the profile). */
export function syncSettingsHandlers(ctx: CodatContext) {
  const { state, errors } = ctx;

  const getCompanySettings: CodatHandler = (req) => {
    const company = findCompany(ctx, req);
    if (isReply(company)) return company;
    return {
      status: 200,
      body: {
        companyId: company.id,
        settings: state.effectiveSettings(company),
        overridesDefaults: company.syncSettings !== undefined,
      },
    };
  };

  const putCompanySettings: CodatHandler = (req) => {
    const company = findCompany(ctx, req);
    if (isReply(company)) return company;
    const settings = parseSettings(req.body, state.effectiveSettings(company), errors);
    if (isReply(settings)) return settings;
    company.syncSettings = settings;
    return { status: 200, body: { companyId: company.id, settings, overridesDefaults: true } };
  };

  const getProfileSettings: CodatHandler = () => ({
    status: 200,
    body: { clientId: 'sandbox-client', settings: state.profileSettings, overridesDefaults: true },
  });

  const putProfileSettings: CodatHandler = (req) => {
    const settings = parseSettings(req.body, state.profileSettings, errors);
    if (isReply(settings)) return settings;
    state.profileSettings = settings;
    return { status: 200, body: { clientId: 'sandbox-client', settings, overridesDefaults: true } };
  };

  return { getCompanySettings, putCompanySettings, getProfileSettings, putProfileSettings };
}
