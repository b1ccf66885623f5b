import { extensionPoint } from '../module.js';
import type { CommerceSource } from './sources/source.js';

/**
 * Commerce sources other modules serve (SHOPLINE's merchants): each joins the unified commerce
 * lists as a source of its own kind, registered like Codat's and Qard's adapters.
 */
export const commerceSources = extensionPoint<CommerceSource>('commerce.sources');
