import type { CommerceSourceKind } from './model.js';
import type { CommerceSource } from './sources/source.js';

/**
 * The commerce sources the gateway serves, by kind. Built with the services; a source module
 * (e.g. SHOPLINE) adds its adapter with `register` when the services are created.
 */
export class CommerceSourceRegistry {
  private readonly sources = new Map<CommerceSourceKind, CommerceSource>();

  register(source: CommerceSource): void {
    this.sources.set(source.kind, source);
  }

  get(kind: CommerceSourceKind): CommerceSource | undefined {
    return this.sources.get(kind);
  }

  all(): CommerceSource[] {
    return [...this.sources.values()];
  }
}
