import type { CommerceSourceKind } from './model.js';
import type { CommerceSource } from './sources/source.js';

/**
 * The commerce sources the gateway serves, by kind. Built with the services; a source module
 * (e.g. SHOPLINE) gives its adapter to the `commerceSources` extension point, which registers it.
 */
export class CommerceSourceRegistry {
  private readonly sources = new Map<CommerceSourceKind, CommerceSource>();

  /**
   * @param keep wraps a source of synced copies so that its records are kept across requests
   *   (CachedCommerceSource); absent when the gateway keeps none.
   */
  constructor(private readonly keep?: (source: CommerceSource) => CommerceSource) {}

  register(source: CommerceSource): void {
    this.sources.set(source.kind, this.keep && source.syncedCopy ? this.keep(source) : source);
  }

  get(kind: CommerceSourceKind): CommerceSource | undefined {
    return this.sources.get(kind);
  }

  all(): CommerceSource[] {
    return [...this.sources.values()];
  }
}
