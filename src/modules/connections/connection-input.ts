import type { StartConnectionInput } from '../../generated/graphql.js';
import { userError, type UserErrorModel } from '../base/mutations.js';
import { categoryOf, isKnownCategory, isKnownIntegrationType } from './catalog.js';
import type { StartConnectionCommand } from './connection-service.js';

const MAX_TEXT = 200;

/**
 * Checks a `startConnection` input before anything is called: every problem is a userError
 * naming its field, and an input with any problem never reaches API Panda.
 */
export function validateStartConnection(
  input: StartConnectionInput,
): { command: StartConnectionCommand } | { userErrors: UserErrorModel[] } {
  const errors: UserErrorModel[] = [];
  const name = input.name.trim();
  if (name === '') errors.push(userError(['input', 'name'], 'Name must not be empty'));
  else if (name.length > MAX_TEXT)
    errors.push(userError(['input', 'name'], `Name must be at most ${MAX_TEXT} characters`));

  const slug = input.slug?.trim() || null;
  if (slug !== null && slug.length > MAX_TEXT) {
    errors.push(userError(['input', 'slug'], `Slug must be at most ${MAX_TEXT} characters`));
  } else if (slug !== null && /\s/.test(slug)) {
    errors.push(userError(['input', 'slug'], 'Slug must not contain spaces'));
  }

  const { integrationType, category } = input;
  if (!isKnownIntegrationType(integrationType)) {
    errors.push(
      userError(
        ['input', 'integrationType'],
        'Choose one of the integration types of integrationCatalog',
      ),
    );
  } else if (category !== null && category !== undefined) {
    const actual = categoryOf(integrationType);
    if (!isKnownCategory(category) || actual !== category) {
      errors.push(
        userError(
          ['input', 'category'],
          `${integrationType} belongs to ${actual ?? 'no category'}, not ${category}`,
        ),
      );
    }
  }

  if (errors.length > 0 || !isKnownIntegrationType(integrationType)) return { userErrors: errors };
  return { command: { name, slug, integrationType } };
}
