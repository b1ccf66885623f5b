/**
 * What the SHOPLINE types of schema/shopline.graphql read: a merchant as reduced from its
 * webhooks and a token as the API may describe it (never the token itself).
 */

export interface ShoplineMerchantModel {
  merchantId: string;
  /** The workspace that claimed the merchant; null until one does. */
  workspaceId: string | null;
  installState: 'INSTALLED' | 'UNINSTALLED' | 'PENDING';
  applicationId: string | null;
  appSettings: unknown;
  installedAt: Date | null;
  uninstalledAt: Date | null;
  linkedAt: Date | null;
  updatedAt: Date;
}

export interface ShoplineTokenModel {
  tokenId: string;
  merchantId: string;
  scopes: string[];
  status: 'ACTIVE' | 'REVOKED' | 'MERCHANT_UNINSTALLED';
  createdAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  rejectedAt: Date | null;
}

export type ShoplineUpdateReason =
  | 'INSTALLED'
  | 'UNINSTALLED'
  | 'TOKEN_CREATED'
  | 'TOKEN_REVOKED'
  | 'TOKEN_REJECTED'
  | 'LINKED'
  | 'UNLINKED'
  | 'UPDATED';

/** What `Subscription.shoplineMerchantUpdated` delivers. */
export interface ShoplineMerchantUpdateModel {
  reason: ShoplineUpdateReason;
  merchant: ShoplineMerchantModel;
}
