import type {
  ConfigureIntegrationInput,
  ConfigureWorkflowInput,
  SavePushSubscriptionInput,
} from '../../generated/graphql.js';
import { userError, type UserErrorModel } from '../base/mutations.js';
import { parseScopedId } from './ids.js';
import { toDispatchActionType, toDispatchEntityType } from './enums.js';

/**
 * Input checks that run before any Dispatch call, so a malformed request never reaches it.
 * Each returns userErrors naming the input field at fault.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const MAX_TEXT = 1024;

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:' && value.length <= 2048;
  } catch {
    return false;
  }
}

function requireText(
  errors: UserErrorModel[],
  field: string[],
  value: string | null | undefined,
  label: string,
): void {
  if (value === null || value === undefined || value.trim() === '') {
    errors.push(userError(field, `${label} must not be empty`));
  } else if (value.length > MAX_TEXT) {
    errors.push(userError(field, `${label} must be at most ${MAX_TEXT} characters`));
  }
}

export function validateConfigureIntegration(input: ConfigureIntegrationInput): UserErrorModel[] {
  const errors: UserErrorModel[] = [];
  if (!UUID.test(input.providerId))
    errors.push(userError(['input', 'providerId'], 'providerId must be a UUID'));
  requireText(errors, ['input', 'credentials', 'apiKey'], input.credentials.apiKey, 'apiKey');
  requireText(
    errors,
    ['input', 'credentials', 'apiSecret'],
    input.credentials.apiSecret,
    'apiSecret',
  );
  if (!isHttpsUrl(input.credentials.storeUrl)) {
    errors.push(userError(['input', 'credentials', 'storeUrl'], 'storeUrl must be an https URL'));
  }
  return errors;
}

function decodedLength(value: string): number | undefined {
  if (!BASE64URL.test(value)) return undefined;
  return Buffer.from(value.replace(/=+$/, ''), 'base64url').length;
}

export function validatePushSubscription(input: SavePushSubscriptionInput): UserErrorModel[] {
  const errors: UserErrorModel[] = [];
  if (!isHttpsUrl(input.endpoint))
    errors.push(userError(['input', 'endpoint'], 'endpoint must be an https URL'));
  const p256dh = input.keys.p256dh;
  // An uncompressed P-256 point: 65 bytes starting with 0x04.
  if (
    decodedLength(p256dh) !== 65 ||
    Buffer.from(p256dh.replace(/=+$/, ''), 'base64url')[0] !== 0x04
  ) {
    errors.push(
      userError(
        ['input', 'keys', 'p256dh'],
        'p256dh must be a base64url P-256 public key (65 bytes)',
      ),
    );
  }
  if (decodedLength(input.keys.auth) !== 16) {
    errors.push(
      userError(['input', 'keys', 'auth'], 'auth must be a base64url secret of 16 bytes'),
    );
  }
  return errors;
}

export function validateConfigureWorkflow(input: ConfigureWorkflowInput): UserErrorModel[] {
  const errors: UserErrorModel[] = [];
  if (input.name.trim() === '') errors.push(userError(['input', 'name'], 'name must not be empty'));
  else if (input.name.length > 200)
    errors.push(userError(['input', 'name'], 'name must be at most 200 characters'));
  const entityType = toDispatchEntityType(input.entityType);
  if (!entityType)
    errors.push(userError(['input', 'entityType'], 'entityType must be a known entity type'));
  const trigger = parseScopedId(input.triggerId, 'WorkflowTrigger');
  if (!trigger) {
    errors.push(userError(['input', 'triggerId'], 'triggerId must be the id of a WorkflowTrigger'));
  } else if (entityType && trigger.entityType !== entityType) {
    errors.push(
      userError(['input', 'triggerId'], 'triggerId must be a trigger of the same entity type'),
    );
  }
  const action = input.action;
  const at = (f: string) => ['input', 'action', f];
  switch (action.type) {
    case 'SEND_EMAIL':
      requireText(errors, at('recipient'), action.recipient, 'recipient');
      requireText(errors, at('template'), action.template, 'template');
      break;
    case 'SEND_PUSH':
      requireText(errors, at('recipient'), action.recipient, 'recipient');
      break;
    case 'WEBHOOK':
      if (!action.url || !isHttpsUrl(action.url))
        errors.push(userError(at('url'), 'url must be an https URL'));
      break;
    case 'UPDATE_STATUS':
      requireText(errors, at('status'), action.status, 'status');
      break;
    default:
      if (!toDispatchActionType(action.type))
        errors.push(userError(at('type'), 'type must be a known action'));
  }
  const conditions = input.conditions;
  if (
    conditions !== null &&
    conditions !== undefined &&
    (typeof conditions !== 'object' || Array.isArray(conditions))
  ) {
    errors.push(userError(['input', 'conditions'], 'conditions must be a JSON object'));
  }
  return errors;
}
