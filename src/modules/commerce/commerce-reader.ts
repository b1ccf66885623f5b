import { hash } from 'node:crypto';
import { ErrorCode, GatewayError, badUserInput } from '../../errors.js';
import type { GraphQLContext } from '../../request-context.js';
import type {
  CommerceCompanyProfileModel,
  CommerceConnectionModel,
  CommerceSourceState,
} from './connection.js';
import { sourceStatus } from './connection.js';
import type { CommerceLinkRepository } from './link-repository.js';
import type { MergePosition, MergeStream } from './merge.js';
import { mergedWindow, type ListCursor } from './merged-window.js';
import type {
  CommerceDataset,
  CommerceSourceKind,
  CompanyInfoModel,
  DatasetRecords,
} from './model.js';
import type { CommerceSourceRegistry } from './source-registry.js';
import type { CommerceLink, CommerceLinkStatus, RecordFilter } from './sources/source.js';
import { sourceFailure } from './sources/upstream-errors.js';
import type { CursorCodec } from '../base/cursor-codec.js';
import { checkPageArgs, DEFAULT_PAGE_SIZE } from '../base/relay-page.js';

export interface LinkFilterArgs {
  sources?: readonly CommerceSourceKind[] | null;
  linkIds?: readonly string[] | null;
}

export interface ListArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  filter?:
    | (LinkFilterArgs & {
        createdAfter?: Date | null;
        createdBefore?: Date | null;
        modifiedAfter?: Date | null;
      })
    | null;
}

/**
 * Reads the workspace's commerce data: its links, newest-first lists merged across them, and
 * company profiles. Links are read once per request (`ctx.once`); lookups by id are
 * record-loaders.ts's.
 */
export class CommerceReader {
  constructor(
    private readonly links: CommerceLinkRepository,
    private readonly registry: CommerceSourceRegistry,
    private readonly cursors: CursorCodec,
    /** The link's status as its source reports it now. */
    private readonly refreshStatus: (link: CommerceLink) => Promise<CommerceLinkStatus>,
    /** Most records a backward page may read to reach its window (COMMERCE_BACKWARD_SCAN_MAX). */
    private readonly backwardScanMax: number,
  ) {}

  /** Every link of the caller's workspace, newest first, read once per request. */
  workspaceLinks(ctx: GraphQLContext): Promise<CommerceLink[]> {
    return ctx.once('commerce.links', () => this.loadLinks(ctx.workspace.id));
  }

  async link(ctx: GraphQLContext, linkId: string): Promise<CommerceLink | undefined> {
    return (await this.workspaceLinks(ctx)).find((l) => l.id === linkId);
  }

  /** Links matching a filter, in workspace order (newest first). */
  async selectLinks(
    ctx: GraphQLContext,
    filter: LinkFilterArgs | null | undefined,
  ): Promise<CommerceLink[]> {
    const all = await this.workspaceLinks(ctx);
    const sources = filter?.sources ? new Set(filter.sources) : undefined;
    const ids = filter?.linkIds ? new Set(filter.linkIds.map(localLinkId)) : undefined;
    return all.filter((l) => (!sources || sources.has(l.source)) && (!ids || ids.has(l.id)));
  }

  async list<D extends CommerceDataset>(
    ctx: GraphQLContext,
    dataset: D,
    args: ListArgs,
  ): Promise<CommerceConnectionModel<DatasetRecords[D]>> {
    const window = windowArgs(args);
    const filter = recordFilter(args.filter);
    const selected = await this.selectLinks(ctx, args.filter);
    const offers = (l: CommerceLink) => this.registry.get(l.source)?.datasets.has(dataset) ?? false;
    const links = selected.filter(offers);
    const scope = `commerce.${dataset}:${filterDigest(args.filter)}`;
    const cursor = (name: 'after' | 'before') => {
      const value = args[name];
      return value ? cursorOf(this.cursors.decode<unknown>(scope, value, name), name) : undefined;
    };

    const streams: MergeStream<DatasetRecords[D]>[] = links.map((link) => {
      const source = this.registry.get(link.source)!;
      return {
        key: link.id,
        fetch: (position, sizeHint) =>
          source.listPage(link, dataset, { position, sizeHint, filter }),
      };
    });
    const page = await mergedWindow(streams, {
      ...window,
      after: cursor('after'),
      before: cursor('before'),
      maxScan: this.backwardScanMax,
    });
    const byId = new Map(links.map((l) => [l.id, l]));
    const failed = await Promise.all(
      page.failures.map(async (f) => {
        const link = byId.get(f.key)!;
        return { link, error: sourceFailure(link, f.error), status: await this.status(ctx, link) };
      }),
    );
    // A link the merchant has not authorised, or that lost access, has nothing to give: it is a
    // state of the list's sources, not an error. Errors are for links that should have answered.
    const failures = failed.filter((f) => failedState(f.status, f.error).state === 'FAILED');
    if (failures.length > 0 && failures.length === links.length)
      throw allFailed(
        dataset,
        failures.map((f) => f.error),
      );
    const stateOf = new Map(failed.map((f) => [f.link.id, failedState(f.status, f.error)]));
    return {
      dataset,
      edges: page.items.map((item) => this.cursors.edge(scope, item.cursor, item.record)),
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      totalCount: failures.length > 0 ? null : page.totalCount,
      failures: failures.map(({ link, error }) => ({ link, error })),
      sources: selected.map((link) => {
        const { state, error } = offers(link)
          ? (stateOf.get(link.id) ?? { state: 'INCLUDED' as const, error: null })
          : { state: 'NOT_OFFERED' as const, error: null };
        return sourceStatus(link, state, error, dataset);
      }),
    };
  }

  /** A failed link's status, read again from the source (a recorded one may be stale). */
  private status(ctx: GraphQLContext, link: CommerceLink): Promise<CommerceLinkStatus> {
    return ctx.once(`commerce.link-status:${link.id}`, () =>
      // A status that cannot be read says nothing: the link is taken to have failed.
      this.refreshStatus(link).catch((): CommerceLinkStatus => 'UNKNOWN'),
    );
  }

  /** One entry per selected link: its profile, or why it has none. */
  async companyProfiles(
    ctx: GraphQLContext,
    filter: LinkFilterArgs | null | undefined,
  ): Promise<CommerceCompanyProfileModel[]> {
    const links = await this.selectLinks(ctx, filter);
    return Promise.all(
      links.map(async (link): Promise<CommerceCompanyProfileModel> => {
        const source = this.registry.get(link.source);
        const profile = (
          state: CommerceSourceState,
          error: GatewayError | null,
          companyInfo: CompanyInfoModel | null,
        ) => ({ ...sourceStatus(link, state, error, 'company profile'), companyInfo });
        if (!source) return profile('NOT_OFFERED', null, null);
        try {
          const companyInfo = await source.companyInfo(link);
          return companyInfo
            ? profile('INCLUDED', null, companyInfo)
            : profile('NOT_OFFERED', null, null);
        } catch (error) {
          const failed = failedState(await this.status(ctx, link), sourceFailure(link, error));
          return profile(failed.state, failed.error, null);
        }
      }),
    );
  }

  private async loadLinks(workspaceId: string): Promise<CommerceLink[]> {
    const own = await this.links.list(workspaceId);
    const external = await Promise.all(
      this.registry.all().map((s) => s.listLinks?.(workspaceId) ?? Promise.resolve([])),
    );
    return [...own, ...external.flat()];
  }
}

/** Link ids in filters are global ids; the local id is accepted too. */
function localLinkId(id: string): string {
  const prefix = 'gid://commerce-graph/CommerceLink/';
  return id.startsWith(prefix) ? decodeURIComponent(id.slice(prefix.length)) : id;
}

function windowArgs(args: ListArgs): { size: number; backward: boolean } {
  const { first, last } = checkPageArgs(args);
  // Unlike the other lists, `before` alone pages backward from it (as `last` would).
  const backward = last !== undefined || (first === undefined && args.before != null);
  return { size: (backward ? last : first) ?? DEFAULT_PAGE_SIZE, backward };
}

function recordFilter(filter: ListArgs['filter']): RecordFilter {
  if (filter?.createdAfter && filter.createdBefore && filter.createdAfter > filter.createdBefore) {
    throw badUserInput('"createdAfter" must not be later than "createdBefore"', 'filter');
  }
  return {
    ...(filter?.createdAfter ? { createdAfter: filter.createdAfter } : {}),
    ...(filter?.createdBefore ? { createdBefore: filter.createdBefore } : {}),
    ...(filter?.modifiedAfter ? { modifiedAfter: filter.modifiedAfter } : {}),
  };
}

/** A cursor belongs to one list and one filter: its scope carries a digest of the filter. */
function filterDigest(filter: ListArgs['filter']): string {
  const canonical = JSON.stringify([
    [...(filter?.sources ?? [])].sort(),
    [...(filter?.linkIds ?? [])].map(localLinkId).sort(),
    filter?.createdAfter?.toISOString() ?? null,
    filter?.createdBefore?.toISOString() ?? null,
    filter?.modifiedAfter?.toISOString() ?? null,
  ]);
  return hash('sha256', canonical, 'base64url').slice(0, 16);
}

/** Signed cursors are ours, but their shape is still checked before use. */
function cursorOf(value: unknown, argument: 'after' | 'before'): ListCursor {
  const invalid = () =>
    badUserInput(`The "${argument}" cursor is not valid for this list`, argument);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid();
  const { p, i } = value as { p?: unknown; i?: unknown };
  if (!Number.isInteger(i) || (i as number) < 0) throw invalid();
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw invalid();
  for (const state of Object.values(p)) {
    const ok =
      state === 0 ||
      (Array.isArray(state) &&
        Number.isInteger(state[1]) &&
        state[1] >= 0 &&
        (state.length === 2 ||
          (state.length === 3 && state[0] === null && Number.isInteger(state[2]) && state[2] > 0)));
    if (!ok) throw invalid();
  }
  return { p: p as MergePosition, i: i as number };
}

/** A link that failed and is authorised failed indeed; otherwise its status says why. */
function failedState(
  status: CommerceLinkStatus,
  error: GatewayError,
): { state: CommerceSourceState; error: GatewayError | null } {
  return status === 'LINKED' || status === 'UNKNOWN'
    ? { state: 'FAILED', error }
    : { state: status, error: null };
}

function allFailed(dataset: CommerceDataset, errors: GatewayError[]): GatewayError {
  if (errors.length === 1) return errors[0]!;
  const code = errors.every((e) => e.code === errors[0]!.code)
    ? errors[0]!.code
    : ErrorCode.UPSTREAM_UNAVAILABLE;
  return new GatewayError(code, `No commerce source could serve ${dataset}`, {
    extra: {
      sources: errors.map((e) => ({
        code: e.code,
        source: e.extensions['source'],
        linkId: e.extensions['linkId'],
        ...(e.extensions['syncStatus'] ? { syncStatus: e.extensions['syncStatus'] } : {}),
      })),
    },
  });
}
