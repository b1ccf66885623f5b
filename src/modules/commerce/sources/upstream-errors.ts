import { ErrorCode, GatewayError } from '../../../errors.js';
import { UpstreamHttpError } from '../../../upstreams/upstream-http-error.js';
import { toGlobalId } from '../../base/global-id.js';
import type { CommerceDataset } from '../model.js';
import type { CommerceLink, DatasetSyncStatus } from './source.js';

/**
 * The error a source reports for a dataset that has not finished syncing: DATA_NOT_READY, with
 * the link, the dataset and the sync status in `extensions` so a client can show progress.
 */
export function dataNotReady(
  link: CommerceLink,
  dataset: CommerceDataset | 'companyInfo',
  status: DatasetSyncStatus | undefined,
  cause?: UpstreamHttpError,
): GatewayError {
  return new GatewayError(
    ErrorCode.DATA_NOT_READY,
    `${link.source} has not finished syncing ${dataset} for link "${link.name}"`,
    {
      upstream: link.source.toLowerCase(),
      ...(cause?.correlationId ? { correlationId: cause.correlationId } : {}),
      extra: {
        source: link.source,
        linkId: toGlobalId('CommerceLink', link.id),
        dataset,
        syncStatus: status
          ? {
              state: status.state,
              upstreamStatus: status.upstreamStatus,
              dataAsOf: status.dataAsOf,
            }
          : { state: 'NOT_SYNCED', upstreamStatus: null, dataAsOf: null },
      },
      cause,
    },
  );
}

/** Any other failure of a source: the shared status mapping, tagged with the source and link. */
export function sourceFailure(link: CommerceLink, error: unknown): GatewayError {
  const gatewayError =
    error instanceof GatewayError
      ? error
      : error instanceof UpstreamHttpError
        ? error.toGatewayError()
        : new GatewayError(ErrorCode.UPSTREAM_ERROR, `${link.source} failed`, {
            upstream: link.source.toLowerCase(),
            cause: error,
          });
  if (gatewayError.extensions['linkId'] !== undefined) return gatewayError;
  return new GatewayError(gatewayError.code, gatewayError.message, {
    ...gatewayError.details,
    extra: {
      ...gatewayError.details.extra,
      source: link.source,
      linkId: toGlobalId('CommerceLink', link.id),
    },
  });
}
