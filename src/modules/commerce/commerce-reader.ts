import { hash } from 'node:crypto';
import { ErrorCode, GatewayError, badUserInput } from '../../errors.js';
import type { GraphQLContext } from '../../request-context.js';
import type { CommerceConnectionModel } from './connection.js';
import type { CommerceLinkRepository } from './link-repository.js';
import { mergeNewestFirst, type MergePosition, type MergeStream } from './merge.js';
import type {
  CommerceDataset,
  CommerceSourceKind,
  CompanyInfoModel,
  DatasetRecords,
} from './model.js';
import type { CommerceSourceRegistry } from './source-registry.js';
import type { CommerceLink, RecordFilter } from './sources/source.js';
import { sourceFailure } from './sources/upstream-errors.js';
import type { CursorCodec } from '../base/cursor-codec.js';
import { checkPageSize, DEFAULT_PAGE_SIZE } from '../base/relay-page.js';

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
 * Reads the workspace's commerce data: its links, merged newest-first lists across them, and
 * batched lookups by id. Links are read once per request (a per-request loader).
 */
export class CommerceReader {
  constructor(
    private readonly links: CommerceLinkRepository,
    private readonly registry: CommerceSourceRegistry,
    private readonly cursors: CursorCodec,
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
    const first = pageSize(args);
    const filter = recordFilter(args.filter);
    const links = (await this.selectLinks(ctx, args.filter)).filter((l) =>
      this.registry.get(l.source)?.datasets.has(dataset),
    );
    const scope = `commerce.${dataset}:${filterDigest(args.filter)}`;
    const start = args.after
      ? positionOf(this.cursors.decode<unknown>(scope, args.after, 'after'))
      : undefined;

    const streams: MergeStream<DatasetRecords[D]>[] = links.map((link) => {
      const source = this.registry.get(link.source)!;
      return {
        key: link.id,
        fetch: (position, sizeHint) =>
          source.listPage(link, dataset, { position, sizeHint, filter }),
      };
    });
    const page = await mergeNewestFirst(streams, start, first);
    const byId = new Map(links.map((l) => [l.id, l]));
    const failures = page.failures.map((f) => {
      const link = byId.get(f.key)!;
      return { link, error: sourceFailure(link, f.error) };
    });
    if (failures.length > 0 && failures.length === links.length)
      throw allFailed(
        dataset,
        failures.map((f) => f.error),
      );
    return {
      dataset,
      edges: page.items.map((item) => this.cursors.edge(scope, item.after, item.record)),
      hasNextPage: page.hasNextPage,
      hasPreviousPage: args.after !== null && args.after !== undefined,
      totalCount: failures.length > 0 ? null : page.totalCount,
      failures,
    };
  }

  /** One entry per selected link: its profile, or the error that kept it from answering. */
  async companyInfo(
    ctx: GraphQLContext,
    filter: LinkFilterArgs | null | undefined,
  ): Promise<Array<CompanyInfoModel | GatewayError | null>> {
    const links = await this.selectLinks(ctx, filter);
    return Promise.all(
      links.map(async (link) => {
        const source = this.registry.get(link.source);
        if (!source) return null;
        try {
          return await source.companyInfo(link);
        } catch (error) {
          return sourceFailure(link, error);
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

function pageSize(args: ListArgs): number {
  if (
    (args.last !== null && args.last !== undefined) ||
    (args.before !== null && args.before !== undefined)
  ) {
    throw badUserInput(
      'Commerce lists page forwards only: use first/after',
      args.last != null ? 'last' : 'before',
    );
  }
  return checkPageSize(args.first, 'first') ?? DEFAULT_PAGE_SIZE;
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

/** Signed positions are ours, but their shape is still checked before use. */
function positionOf(value: unknown): MergePosition {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw badUserInput('The "after" cursor is not valid for this list', 'after');
  for (const state of Object.values(value)) {
    const ok =
      state === 0 ||
      (Array.isArray(state) &&
        Number.isInteger(state[1]) &&
        state[1] >= 0 &&
        (state.length === 2 ||
          (state.length === 3 && state[0] === null && Number.isInteger(state[2]) && state[2] > 0)));
    if (!ok) throw badUserInput('The "after" cursor is not valid for this list', 'after');
  }
  return value as MergePosition;
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
