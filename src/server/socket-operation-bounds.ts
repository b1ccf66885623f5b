import {
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { ErrorCode } from '../errors.js';
import type { GraphQLContext } from '../request-context.js';
import {
  admitOperationCost,
  settleOperationCost,
  type AdmittedCost,
  type OperationCostMetrics,
  type OperationCostOptions,
} from './operation-cost-plugin.js';

/** The bounds HTTP operations pass (apollo.ts), handed to graphql-ws to apply the same. */
export interface SocketOperationBounds {
  /** operationValidationRules: document limits and depth, after the spec's rules. */
  validationRules: ValidationRule[];
  /** How operations are costed and charged to their workspace (operationCostOptions). */
  cost: OperationCostOptions;
  costMetrics: OperationCostMetrics;
}

/** What a graphql-ws subscribe message asks for. */
export interface SocketOperationRequest {
  query: string;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

export type BoundedOperation =
  { args: ExecutionArgs } | { errors: GraphQLError[]; outcome: 'invalid' | 'refused' };

/**
 * Parses, validates and costs an operation sent over graphql-ws as Apollo does one sent over
 * HTTP: the parser stops after `maxTokens`, validation runs the spec's rules and the app's
 * (document limits, depth), and the cost is estimated with the request's variables, refused past
 * `maxCost` and charged to the workspace's budget (operation-cost-plugin.ts). A refused operation
 * gets typed errors and nothing runs. Queries and mutations are measured on their answer and
 * refunded as over HTTP; a subscription is charged once, its estimate, when it starts: its
 * events are driven by upstream changes, not by the member, and are not charged one by one.
 */
export class SocketOperationGuard {
  private readonly rules: ValidationRule[];
  /** What each admitted operation was charged, keyed by its context value. */
  private readonly admitted = new WeakMap<object, AdmittedCost>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly bounds: SocketOperationBounds,
    private readonly maxTokens: number,
  ) {
    // In Apollo's order: the spec's rules, then the app's.
    this.rules = [...specifiedRules, ...bounds.validationRules];
  }

  async bound(
    request: SocketOperationRequest,
    contextValue: GraphQLContext,
  ): Promise<BoundedOperation> {
    let document: DocumentNode;
    try {
      document = parse(request.query, { maxTokens: this.maxTokens });
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return { errors: [asRequestError(error)], outcome: 'invalid' };
    }
    const errors = validate(this.schema, document, this.rules);
    if (errors.length > 0) return { errors: errors.map(asRequestError), outcome: 'invalid' };
    const variables = request.variables ?? {};
    const args: ExecutionArgs = {
      schema: this.schema,
      document,
      operationName: request.operationName ?? null,
      variableValues: variables,
      contextValue,
    };
    const operation = getOperationAST(document, request.operationName);
    // graphql-ws would answer this itself, but without a code (INTERNAL_SERVER_ERROR once
    // formatted): the caller's to fix, as over HTTP.
    if (!operation) {
      const error = new GraphQLError(unidentifiedOperation(request.operationName));
      return { errors: [asRequestError(error)], outcome: 'invalid' };
    }
    const { cost, costMetrics } = this.bounds;
    try {
      this.admitted.set(
        contextValue,
        await admitOperationCost(cost, costMetrics, {
          document,
          operation,
          variables,
          ctx: contextValue,
        }),
      );
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return { errors: [error], outcome: 'refused' };
    }
    return { args };
  }

  /** Measures a query's or mutation's answer and refunds what it was estimated beyond it. */
  settle(args: ExecutionArgs, result: ExecutionResult): void {
    const ctx = args.contextValue as GraphQLContext;
    const admitted = this.admitted.get(ctx);
    const operation = getOperationAST(args.document, args.operationName);
    if (!admitted || !operation) return;
    const { cost, costMetrics } = this.bounds;
    settleOperationCost(cost, costMetrics, admitted, {
      document: args.document,
      operation,
      data: result.data,
      ctx,
    });
  }
}

/** graphql-js's words (what Apollo answers over HTTP) for an operation it cannot pick. */
function unidentifiedOperation(operationName: string | null | undefined): string {
  return operationName
    ? `Unknown operation named "${operationName}".`
    : 'Must provide operation name if query contains multiple operations.';
}

/**
 * A parse or validation error with a code, as Apollo gives one (the error formatter shows it
 * as BAD_USER_INPUT); a limit's own typed error (document limits, depth) stays as it is.
 */
function asRequestError(error: GraphQLError): GraphQLError {
  if (error.extensions['code'] !== undefined) return error;
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    extensions: { ...error.extensions, code: ErrorCode.BAD_USER_INPUT },
  });
}
