/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A three-letter ISO 4217 currency code. */
  CurrencyCode: { input: string; output: string; }
  /** An ISO 8601 date-time with a zone offset. */
  DateTime: { input: string; output: string; }
  /** An exact decimal number as a string. */
  Decimal: { input: string; output: string; }
  /** Arbitrary JSON. */
  JSON: { input: unknown; output: unknown; }
};

/** Kind of a postal address. */
export type AddressKind =
  /** Billing address. */
  | 'BILLING'
  /** Delivery (shipping) address. */
  | 'DELIVERY'
  /** Where stock is kept. */
  | 'INVENTORY'
  /** Address on an order. */
  | 'ORDER'
  /** The source did not say, or said something new. */
  | 'UNKNOWN';

/** Input of `claimShoplineMerchant`. */
export type ClaimShoplineMerchantInput = {
  /** The one-time code the SHOPLINE landing page showed after SHOPLINE confirmed the merchant. */
  code: Scalars['String']['input'];
  /** Makes retries safe: a repeated call with the same key returns the first result. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
};

/** A commerce dataset, as named in sync requests and sync statuses. */
export type CommerceDataType =
  /** The business's own profile. */
  | 'COMPANY_INFO'
  /** Customers. */
  | 'CUSTOMERS'
  /** Disputes (chargebacks and inquiries). */
  | 'DISPUTES'
  /** Locations (stores, warehouses). */
  | 'LOCATIONS'
  /** Orders. */
  | 'ORDERS'
  /** Payments. */
  | 'PAYMENTS'
  /** Products and their variants. */
  | 'PRODUCTS'
  /** Transactions (payments, refunds, payouts, fees). */
  | 'TRANSACTIONS';

/** Which links to read from. */
export type CommerceLinkFilter = {
  /** Only these links. */
  linkIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Only these sources. */
  sources?: InputMaybe<Array<CommerceSourceKind>>;
};

/** State of a workspace's link to a store. */
export type CommerceLinkStatus =
  /** The source lost access (credentials revoked or expired); the merchant must authorise again. */
  | 'AUTH_ERROR'
  /** Authorised; data can be synced and read. */
  | 'LINKED'
  /** Created; the merchant has not authorised access yet (send them `authorizationUrl`). */
  | 'PENDING_AUTHORIZATION'
  /** A state the gateway does not know yet. */
  | 'UNKNOWN'
  /** Unlinked by the merchant or an operator. */
  | 'UNLINKED';

/** Which records of a commerce list to return. Every condition narrows the list. */
export type CommerceRecordFilter = {
  /** Records created at or after this time. */
  createdAfter?: InputMaybe<Scalars['DateTime']['input']>;
  /** Records created at or before this time. */
  createdBefore?: InputMaybe<Scalars['DateTime']['input']>;
  /** Only these links (ids of `CommerceLink`). */
  linkIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Records modified at or after this time. */
  modifiedAfter?: InputMaybe<Scalars['DateTime']['input']>;
  /** Only these sources. */
  sources?: InputMaybe<Array<CommerceSourceKind>>;
};

/**
 * A commerce source: the service a store's data is read through. Every normalized commerce record
 * says which one it came from.
 */
export type CommerceSourceKind =
  /** Codat's commerce API (a company and its commerce data connection). */
  | 'CODAT'
  /** Qard's commerce API (a user and its data connection to a provider such as Shopify). */
  | 'QARD'
  /** SHOPLINE's Open API (a store that installed the app). */
  | 'SHOPLINE';

/** Whether a link's data is in an answer, and if not, why. */
export type CommerceSourceState =
  /** The source lost access to the store; the merchant must authorise again. */
  | 'AUTH_ERROR'
  /** The link should have answered and could not (not synced yet, upstream down, …); the answer carries an error at its path with the code in `errorCode`. */
  | 'FAILED'
  /** The link answered: its records (or profile) are in the answer. */
  | 'INCLUDED'
  /** The link's source does not offer this data (e.g. Qard has no payments and no company profile). */
  | 'NOT_OFFERED'
  /** The merchant has not authorised the link yet: there is nothing to read until they do. */
  | 'PENDING_AUTHORIZATION'
  /** The link was unlinked: the source no longer reads the store. */
  | 'UNLINKED';

/** How a link's sync round ended. */
export type CommerceSyncOutcome =
  /** Every dataset of the round finished: its records are readable, as of their `dataAsOf`. */
  | 'COMPLETED'
  /** At least one dataset's sync failed (state ERROR); the others finished. */
  | 'FAILED';

/** How often and how far back one dataset syncs. */
export type CommerceSyncSettingInput = {
  /** Dataset. */
  dataType: CommerceDataType;
  /** Fetch as soon as the merchant authorises. */
  fetchOnFirstLink: Scalars['Boolean']['input'];
  /** How many months of history to fetch. */
  monthsToSync?: InputMaybe<Scalars['Int']['input']>;
  /** Hours between automatic syncs (0 disables them). */
  syncScheduleHours: Scalars['Int']['input'];
};

/** How the gateway learned that a sync round ended. */
export type CommerceSyncSignal =
  /** The gateway's own reading of the source's sync status (Qard; Codat without a webhook secret). */
  | 'POLLING'
  /** The source's webhook (Codat's `read.completed`), verified by its signature. */
  | 'WEBHOOK';

/** Where the sync of one dataset stands. */
export type CommerceSyncState =
  /** Finished: the data is readable and as of `dataAsOf`. */
  | 'COMPLETE'
  /** The last sync failed; `upstreamStatus` says how. */
  | 'ERROR'
  /** Reading from the store. */
  | 'FETCHING'
  /** Never synced. */
  | 'NOT_SYNCED'
  /** Read; being processed by the source. */
  | 'PROCESSING'
  /** Waiting to start. */
  | 'QUEUED'
  /** A state the gateway does not know yet; see `upstreamStatus`. */
  | 'UNKNOWN';

/** Input of `configureIntegration`. */
export type ConfigureIntegrationInput = {
  /** Store credentials (write-only). */
  credentials: IntegrationCredentialsInput;
  /** Client-generated key that makes retries safe: a replay returns the first result. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Dispatch's id of the provider (a UUID). */
  providerId: Scalars['String']['input'];
  /** Kind of provider. */
  providerType?: InputMaybe<IntegrationProviderType>;
  /** Sync settings. */
  settings?: InputMaybe<IntegrationSettingsInput>;
};

/** Input of `configureQardProvider`. */
export type ConfigureQardProviderInput = {
  /** Connect users automatically when they authorise. */
  autoConnect: Scalars['Boolean']['input'];
  /** New credentials; omitted keeps the current ones. */
  credentials?: InputMaybe<QardProviderCredentialsInput>;
  /** Whether the provider is enabled. */
  enabled: Scalars['Boolean']['input'];
  /** Makes retries safe. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Qard provider name, e.g. `shopify`. */
  provider: Scalars['String']['input'];
};

/** Input of `configureWorkflow`. */
export type ConfigureWorkflowInput = {
  /** What the workflow does. */
  action: WorkflowActionInput;
  /** Conditions the entity must meet (e.g. `{"status": "delivered"}`). */
  conditions?: InputMaybe<Scalars['JSON']['input']>;
  /** Entity type whose events start the workflow. */
  entityType: WorkflowEntityType;
  /** Client-generated key that makes retries safe: a replay returns the first result. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Display name; a workflow with the same name and entity type is updated. */
  name: Scalars['String']['input'];
  /** Id of a WorkflowTrigger of the same entity type. */
  triggerId: Scalars['ID']['input'];
};

/**
 * A family of merchant platforms API Panda connects to. The relation between categories and
 * integration types is fixed (see `Query.integrationCatalog`).
 */
export type ConnectionCategory =
  /** Sales channels: Shopify, Etsy, TikTok, Amazon. */
  | 'MARKETPLACE'
  /** Print-on-demand services: Printify, Printful. */
  | 'PRINT_ON_DEMAND'
  /** A category API Panda reported that this gateway does not know yet. Never valid as input. */
  | 'UNKNOWN';

/** Narrows `Query.connections`; every set field must match. */
export type ConnectionFilter = {
  /** Only connections of this category. */
  category?: InputMaybe<ConnectionCategory>;
  /** Only connections to this platform. */
  integrationType?: InputMaybe<ConnectionIntegrationType>;
  /** Only connections with this status. */
  status?: InputMaybe<ConnectionStatus>;
};

/** The platform a connection links to. */
export type ConnectionIntegrationType =
  /** Amazon seller account (marketplace). */
  | 'AMAZON'
  /** Etsy shop (marketplace). */
  | 'ETSY'
  /** Printful account (print on demand). */
  | 'PRINTFUL'
  /** Printify account (print on demand). */
  | 'PRINTIFY'
  /** Shopify store (marketplace). */
  | 'SHOPIFY'
  /** TikTok Shop (marketplace). */
  | 'TIKTOK'
  /** A platform API Panda reported that this gateway does not know yet. Never valid as input. */
  | 'UNKNOWN';

/** Where a connection stands in its onboarding. */
export type ConnectionStatus =
  /** The account owner refused access on the authorisation page. */
  | 'DENIED'
  /** Approved; the gateway holds the access token and can use the account. */
  | 'ESTABLISHED'
  /** API Panda ended the onboarding with an error (e.g. a revoked token); start a new connection. */
  | 'FAILED'
  /** Waiting for the account owner to approve access at `authenticationUrl`. */
  | 'PENDING_AUTH';

/** Input of `deleteWorkflow`. */
export type DeleteWorkflowInput = {
  /** Client-generated key that makes retries safe: a replay returns the first result. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Id of the workflow. */
  workflowId: Scalars['ID']['input'];
};

/** Input of `disableIntegration`. */
export type DisableIntegrationInput = {
  /** Client-generated key that makes retries safe: a replay returns the first result. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Id of the integration. */
  integrationId: Scalars['ID']['input'];
};

/** Status of a dispute. */
export type DisputeStatus =
  /** Accepted by the merchant. */
  | 'ACCEPTED'
  /** The charge was refunded. */
  | 'CHARGE_REFUNDED'
  /** Evidence is needed. */
  | 'EVIDENCE_REQUIRED'
  /** An inquiry was closed. */
  | 'INQUIRY_CLOSED'
  /** An inquiry needs evidence. */
  | 'INQUIRY_EVIDENCE_REQUIRED'
  /** An inquiry is under review. */
  | 'INQUIRY_PROCESSING'
  /** Decided for the cardholder. */
  | 'LOST'
  /** Open, not decided yet. */
  | 'PENDING'
  /** Under review. */
  | 'PROCESSING'
  /** A status the gateway does not know yet. */
  | 'UNKNOWN'
  /** Waiting for a third party. */
  | 'WAITING_THIRD_PARTY'
  /** Decided for the merchant. */
  | 'WON';

/**
 * Codes of top-level errors (`errors[].extensions.code`). Expected failures of a mutation are
 * returned as `userErrors` in its payload instead.
 */
export type ErrorCode =
  /** The request itself is invalid (bad argument, malformed query or cursor). */
  | 'BAD_USER_INPUT'
  /** The operation conflicts with the current state. */
  | 'CONFLICT'
  /** The upstream has not finished syncing this data yet; `extensions` carries the sync status. */
  | 'DATA_NOT_READY'
  /** The credentials are valid but lack the role this operation needs. */
  | 'FORBIDDEN'
  /** An unexpected error inside the gateway; it has been logged with the request id. */
  | 'INTERNAL_SERVER_ERROR'
  /** The object does not exist or is not visible to this workspace. */
  | 'NOT_FOUND'
  /** Too many requests; `extensions.retryAfter` says how many seconds to wait. */
  | 'RATE_LIMITED'
  /** No valid credentials were sent: use `x-api-key` or `Authorization: Bearer <JWT>`. */
  | 'UNAUTHENTICATED'
  /** An upstream service answered with an unexpected error. */
  | 'UPSTREAM_ERROR'
  /** An upstream service did not answer in time. */
  | 'UPSTREAM_TIMEOUT'
  /** An upstream service could not be reached or is failing; other fields may still have data. */
  | 'UPSTREAM_UNAVAILABLE';

/** Fulfilment status of an order. */
export type FulfillmentStatus =
  /** Every item shipped. */
  | 'FULFILLED'
  /** Some items shipped. */
  | 'PARTIAL'
  /** Nothing shipped yet. */
  | 'UNFULFILLED'
  /** A status the gateway does not know yet. */
  | 'UNKNOWN';

/** Credentials of the store, passed to Dispatch and never stored or returned by the gateway. */
export type IntegrationCredentialsInput = {
  /** API key of the store. */
  apiKey: Scalars['String']['input'];
  /** API secret of the store. */
  apiSecret: Scalars['String']['input'];
  /** Base URL of the store (https). */
  storeUrl: Scalars['String']['input'];
};

/** The kind of platform an integration connects Dispatch to. */
export type IntegrationProviderType =
  /** An e-commerce store (orders in, tracking out). */
  | 'ECOMMERCE';

/** Sync settings of an integration; each defaults to true. */
export type IntegrationSettingsInput = {
  /** Import new orders from the store automatically. */
  autoImportOrders?: InputMaybe<Scalars['Boolean']['input']>;
  /** Push tracking information back to the store. */
  pushTracking?: InputMaybe<Scalars['Boolean']['input']>;
  /** Keep the product catalogue in sync. */
  syncProducts?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Whether Dispatch is using an integration. */
export type IntegrationStatus =
  /** Connected and syncing. */
  | 'ACTIVE'
  /** Temporarily disabled; configure it again to re-activate it. */
  | 'DISABLED'
  /** A status this gateway does not know yet. */
  | 'UNKNOWN';

/** Input of `linkCommerceSource`. */
export type LinkCommerceSourceInput = {
  /** Makes retries safe: the same key returns the first call's result. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Name of the business (1-100 characters). */
  name: Scalars['String']['input'];
  /** Platform of the store: a Codat platform key (`woocommerce`, `shopify`, …) or a Qard provider name (`shopify`). */
  platform: Scalars['String']['input'];
  /** Source to link through. */
  source: LinkableCommerceSource;
};

/** Sources a store can be linked through with `linkCommerceSource`. */
export type LinkableCommerceSource =
  /** Codat: creates a company and a commerce data connection. */
  | 'CODAT'
  /** Qard: creates a user and a data connection to the provider. */
  | 'QARD';

/** Payment status of an order. */
export type OrderStatus =
  /** Cancelled. */
  | 'CANCELLED'
  /** Paid. */
  | 'PAID'
  /** Awaiting payment. */
  | 'PENDING'
  /** Refunded. */
  | 'REFUNDED'
  /** A status the gateway does not know yet. */
  | 'UNKNOWN';

/** Status of a payment. */
export type PaymentStatus =
  /** Authorised, not captured. */
  | 'AUTHORIZED'
  /** Cancelled. */
  | 'CANCELLED'
  /** Failed. */
  | 'FAILED'
  /** Paid. */
  | 'PAID'
  /** Not settled yet. */
  | 'PENDING'
  /** A status the gateway does not know yet. */
  | 'UNKNOWN';

/** How a request was authenticated. */
export type PrincipalKind =
  /** An `x-api-key` created with `npm run cli -- api-key create`. */
  | 'API_KEY'
  /** A JWT bearer token from the configured identity provider. */
  | 'JWT';

/** Publication status of a product or variant. */
export type ProductStatus =
  /** Visible in the store. */
  | 'PUBLISHED'
  /** The source did not say, or said something new. */
  | 'UNKNOWN'
  /** Hidden from the store. */
  | 'UNPUBLISHED';

/** Keys of a Web Push subscription, as the browser's `PushSubscription.toJSON()` gives them. */
export type PushSubscriptionKeysInput = {
  /** The client's authentication secret, base64url (16 bytes). */
  auth: Scalars['String']['input'];
  /** The client's P-256 public key, base64url (65 bytes uncompressed). */
  p256dh: Scalars['String']['input'];
};

/** Credentials of the store platform's app, passed to Qard (write-only: never returned). */
export type QardProviderCredentialsInput = {
  /** The app's client id (Shopify API key). */
  clientId: Scalars['String']['input'];
  /** The app's client secret (Shopify API secret key). */
  clientSecret: Scalars['String']['input'];
};

/** Input of `refreshConnection`. */
export type RefreshConnectionInput = {
  /** Global id of the connection to check. */
  id: Scalars['ID']['input'];
  /** Client-generated key: a retry with the same key returns the first result. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
};

/** Input of `removeIntegration`. */
export type RemoveIntegrationInput = {
  /** Client-generated key that makes retries safe: a replay returns the first result. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Id of the integration. */
  integrationId: Scalars['ID']['input'];
};

/** Input of `resumeWorkflowExecution`. */
export type ResumeWorkflowExecutionInput = {
  /** Client-generated key that makes retries safe: a replay returns the first result. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Id of the workflow whose paused execution should continue. */
  workflowId: Scalars['ID']['input'];
};

/** A role that grants access to a set of operations. */
export type Role =
  /** May configure providers, claim merchants and change credentials. */
  | 'ADMIN'
  /** May read and run day-to-day operations. */
  | 'MEMBER';

/** Input of `savePushSubscription`. */
export type SavePushSubscriptionInput = {
  /** Push service endpoint (https). */
  endpoint: Scalars['String']['input'];
  /** Client-generated key that makes retries safe: a replay returns the first result. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Encryption keys of the subscription. */
  keys: PushSubscriptionKeysInput;
};

/** Input of `setDispatchServiceToken`. */
export type SetDispatchServiceTokenInput = {
  /** Client-generated key that makes retries safe: a replay returns the first result. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Dispatch service token for this workspace (write-only); null removes it. */
  token?: InputMaybe<Scalars['String']['input']>;
};

/** Whether the SHOPLINE merchant has the app installed, as its webhooks say. */
export type ShoplineInstallState =
  /** The app is installed (`application/install` is the latest install event). */
  | 'INSTALLED'
  /** No install or uninstall webhook has arrived yet (SHOPLINE does not guarantee webhook order). */
  | 'PENDING'
  /** The app was uninstalled: none of the merchant's tokens is used any more. */
  | 'UNINSTALLED'
  /** A state this version of the gateway does not know. */
  | 'UNKNOWN';

/** Why a SHOPLINE merchant changed. */
export type ShoplineMerchantUpdateReason =
  /** The app was installed or re-authorised. */
  | 'INSTALLED'
  /** The merchant was linked to this workspace. */
  | 'LINKED'
  /** SHOPLINE issued a token. */
  | 'TOKEN_CREATED'
  /** SHOPLINE refused a token with 401 Unauthorized. */
  | 'TOKEN_REJECTED'
  /** SHOPLINE revoked a token. */
  | 'TOKEN_REVOKED'
  /** The app was uninstalled. */
  | 'UNINSTALLED'
  /** The merchant was released from this workspace (`unlinkCommerceSource`). */
  | 'UNLINKED'
  /** Another change. */
  | 'UPDATED';

/** Whether the gateway may use a SHOPLINE token. */
export type ShoplineTokenStatus =
  /** Usable for the Open API within its scopes. */
  | 'ACTIVE'
  /** Past its expiry time. */
  | 'EXPIRED'
  /** Issued before the merchant uninstalled the app; never used again. */
  | 'MERCHANT_UNINSTALLED'
  /** SHOPLINE answered 401 Unauthorized when the gateway used it; never used again. */
  | 'REJECTED'
  /** Revoked by SHOPLINE (`access_token/revoke`); kept so that a late `create` cannot revive it. */
  | 'REVOKED'
  /** A status this version of the gateway does not know. */
  | 'UNKNOWN';

/** Input of `startConnection`. */
export type StartConnectionInput = {
  /** Optional check: the category the caller expects the integration type to belong to. */
  category?: InputMaybe<ConnectionCategory>;
  /** Client-generated key: a retry with the same key returns the first result without a second call. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** The platform to connect. */
  integrationType: ConnectionIntegrationType;
  /** Display name of the connection (1-200 characters). */
  name: Scalars['String']['input'];
  /** Store handle, where the platform has one (e.g. the Shopify shop name); at most 200 characters. */
  slug?: InputMaybe<Scalars['String']['input']>;
};

/** Input of `syncCommerceData`. */
export type SyncCommerceDataInput = {
  /** Datasets to refresh; all the link's datasets when omitted. */
  dataTypes?: InputMaybe<Array<CommerceDataType>>;
  /** Makes retries safe. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** The link to refresh. */
  linkId: Scalars['ID']['input'];
};

/** Input of `toggleWorkflow`. */
export type ToggleWorkflowInput = {
  /** Client-generated key that makes retries safe: a replay returns the first result and does not toggle again. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Id of the workflow. */
  workflowId: Scalars['ID']['input'];
};

/** What caused a transaction. */
export type TransactionSourceType =
  /** A fee. */
  | 'FEE'
  /** An order. */
  | 'ORDER'
  /** A payment. */
  | 'PAYMENT'
  /** A service charge. */
  | 'SERVICE_CHARGE'
  /** A cause the gateway does not know yet. */
  | 'UNKNOWN';

/** Kind of a transaction. */
export type TransactionType =
  /** A payout that failed. */
  | 'FAILED_PAYOUT'
  /** A payment. */
  | 'PAYMENT'
  /** A fee charged on a payment. */
  | 'PAYMENT_FEE'
  /** A refunded payment fee. */
  | 'PAYMENT_FEE_REFUND'
  /** A payout to the merchant. */
  | 'PAYOUT'
  /** A refund. */
  | 'REFUND'
  /** A transfer. */
  | 'TRANSFER'
  /** A kind the gateway does not know yet. */
  | 'UNKNOWN';

/** Input of `unlinkCommerceSource`. */
export type UnlinkCommerceSourceInput = {
  /** Makes retries safe. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** The link to remove. */
  linkId: Scalars['ID']['input'];
};

/** Input of `updateCommerceSyncSettings` (Codat links). */
export type UpdateCommerceSyncSettingsInput = {
  /** Makes retries safe. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** The Codat link whose company settings change. */
  linkId: Scalars['ID']['input'];
  /** The settings, one per dataset. */
  settings: Array<CommerceSyncSettingInput>;
};

/** Codes of expected mutation failures (`userErrors[].code`). */
export type UserErrorCode =
  /** The SHOPLINE claim code was already used; each code links a merchant once. */
  | 'CLAIM_CODE_ALREADY_USED'
  /** The SHOPLINE claim code has expired: open the app from the SHOPLINE admin for a new one. */
  | 'CLAIM_CODE_EXPIRED'
  /** Dispatch refused the configuration (for example invalid integration credentials). */
  | 'CONFIGURATION_ERROR'
  /** The request conflicts with the current state of the object. */
  | 'CONFLICT'
  /** The caller's role does not allow this change. */
  | 'FORBIDDEN'
  /**
   * The first request with this idempotency key was still running when this one had waited
   * IDEMPOTENCY_WAIT_MS for it; retry after `retryAfter` seconds to get its result.
   */
  | 'IDEMPOTENCY_KEY_IN_PROGRESS'
  /** This idempotency key was already used with different input. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** A value is missing, empty or malformed. */
  | 'INVALID'
  /** The referenced object does not exist or is not visible to this workspace. */
  | 'NOT_FOUND'
  /** The upstream service refused the request; `message` says why. */
  | 'UPSTREAM_REJECTED';

/** The action a workflow runs. Which optional fields apply depends on `type`. */
export type WorkflowActionInput = {
  /** Who receives the email or push (e.g. `customer`); required for SEND_EMAIL and SEND_PUSH. */
  recipient?: InputMaybe<Scalars['String']['input']>;
  /** Status to set; required for UPDATE_STATUS. */
  status?: InputMaybe<Scalars['String']['input']>;
  /** Template of the email or push (e.g. `delivery_confirmation`); required for SEND_EMAIL. */
  template?: InputMaybe<Scalars['String']['input']>;
  /** What to do. */
  type: WorkflowActionType;
  /** URL to call (https); required for WEBHOOK. */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** What a workflow does when its trigger fires. */
export type WorkflowActionType =
  /** Send an email notification. */
  | 'SEND_EMAIL'
  /** Send a push notification. */
  | 'SEND_PUSH'
  /** An action this gateway does not know yet (only in results; refused as input). */
  | 'UNKNOWN'
  /** Update the entity's status. */
  | 'UPDATE_STATUS'
  /** Call an external webhook. */
  | 'WEBHOOK';

/** What a workflow or trigger is about. */
export type WorkflowEntityType =
  /** Customer-related events. */
  | 'CUSTOMER'
  /** Order-related events. */
  | 'ORDER'
  /** Product-related events. */
  | 'PRODUCT'
  /** Shipment-related events. */
  | 'SHIPMENT'
  /** An entity type this gateway does not know yet (only in results; refused as input). */
  | 'UNKNOWN';

export type RecentOrdersQueryVariables = Exact<{
  first: Scalars['Int']['input'];
}>;


export type RecentOrdersQuery = { __typename?: 'Query', commerce: { __typename?: 'CommerceQuery', orders?: { __typename?: 'OrderConnection', totalCount?: number | null, nodes: Array<{ __typename?: 'Order', id: string, orderNumber?: string | null, totalAmount?: { __typename?: 'Money', amount: string, currencyCode: string } | null }> } | null } };


export const RecentOrdersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RecentOrders"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commerce"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"orderNumber"}},{"kind":"Field","name":{"kind":"Name","value":"totalAmount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<RecentOrdersQuery, RecentOrdersQueryVariables>;