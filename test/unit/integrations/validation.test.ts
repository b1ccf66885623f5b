import { createECDH, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ConfigureWorkflowInput } from '../../../src/generated/graphql.js';
import { triggerId } from '../../../src/modules/integrations/ids.js';
import {
  validateConfigureWorkflow,
  validatePushSubscription,
} from '../../../src/modules/integrations/validation.js';

const fields = (errors: Array<{ field: string[] | null }>) => errors.map((e) => e.field?.join('.'));

describe('validatePushSubscription', () => {
  const p256dh = createECDH('prime256v1').generateKeys().toString('base64url');
  const auth = randomBytes(16).toString('base64url');

  it('accepts what a browser gives', () => {
    expect(
      validatePushSubscription({ endpoint: 'https://push.example.com/x', keys: { p256dh, auth } }),
    ).toEqual([]);
  });

  it('refuses keys of the wrong size or alphabet and non-https endpoints', () => {
    const compressed = createECDH('prime256v1').generateKeys('base64url', 'compressed');
    expect(
      fields(
        validatePushSubscription({
          endpoint: 'https://p.example.com',
          keys: { p256dh: compressed, auth },
        }),
      ),
    ).toEqual(['input.keys.p256dh']);
    expect(
      fields(
        validatePushSubscription({
          endpoint: 'https://p.example.com',
          keys: { p256dh, auth: randomBytes(15).toString('base64url') },
        }),
      ),
    ).toEqual(['input.keys.auth']);
    expect(
      fields(
        validatePushSubscription({
          endpoint: 'wss://p.example.com',
          keys: { p256dh: `${p256dh}!`, auth },
        }),
      ),
    ).toEqual(['input.endpoint', 'input.keys.p256dh']);
  });
});

describe('validateConfigureWorkflow', () => {
  const base: ConfigureWorkflowInput = {
    name: 'Notify',
    entityType: 'SHIPMENT',
    triggerId: triggerId('Shipment', 'g1'),
    action: { type: 'SEND_EMAIL', recipient: 'customer', template: 'delivered' },
  };

  it('accepts a complete input', () => {
    expect(validateConfigureWorkflow(base)).toEqual([]);
  });

  it('requires the fields each action needs', () => {
    expect(fields(validateConfigureWorkflow({ ...base, action: { type: 'SEND_EMAIL' } }))).toEqual([
      'input.action.recipient',
      'input.action.template',
    ]);
    expect(
      fields(
        validateConfigureWorkflow({
          ...base,
          action: { type: 'WEBHOOK', url: 'http://x.example.com' },
        }),
      ),
    ).toEqual(['input.action.url']);
    expect(
      fields(validateConfigureWorkflow({ ...base, action: { type: 'UPDATE_STATUS' } })),
    ).toEqual(['input.action.status']);
    expect(fields(validateConfigureWorkflow({ ...base, action: { type: 'UNKNOWN' } }))).toEqual([
      'input.action.type',
    ]);
  });

  it('refuses UNKNOWN entity types, foreign trigger ids and non-object conditions', () => {
    expect(fields(validateConfigureWorkflow({ ...base, entityType: 'UNKNOWN' }))).toEqual([
      'input.entityType',
    ]);
    expect(
      fields(validateConfigureWorkflow({ ...base, triggerId: triggerId('Order', 'g1') })),
    ).toEqual(['input.triggerId']);
    expect(
      fields(
        validateConfigureWorkflow({
          ...base,
          triggerId: 'gid://commerce-graph/Workflow/Shipment:g1',
        }),
      ),
    ).toEqual(['input.triggerId']);
    expect(fields(validateConfigureWorkflow({ ...base, conditions: ['status'] }))).toEqual([
      'input.conditions',
    ]);
  });
});
