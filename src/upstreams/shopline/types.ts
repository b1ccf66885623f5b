/**
 * SHOPLINE Open API records as the gateway reads them (schema/upstreams/shopline.yaml). Only the
 * fields the gateway maps are typed; the rest travels in `raw`.
 */

/** SHOPLINE's money object: `cents` is an integer in the currency's minor unit. */
export interface ShoplineMoney {
  cents: number;
  currency_iso: string;
  currency_symbol?: string;
  label?: string;
  dollars?: number;
}

export interface ShoplinePagination {
  current_page: number;
  per_page: number;
  total_count: number;
  total_pages: number;
}

export interface ShoplinePage<T> {
  items: T[];
  pagination: ShoplinePagination;
}

export interface ShoplineOrderItem {
  sku?: string | null;
  quantity: number;
  price?: ShoplineMoney | null;
  price_sale?: ShoplineMoney | null;
  total?: ShoplineMoney | null;
  title_translations?: Record<string, string>;
}

export interface ShoplineOrder {
  id: string;
  order_number: string;
  status: string;
  subtotal?: ShoplineMoney | null;
  total: ShoplineMoney;
  order_discount?: ShoplineMoney | null;
  subtotal_items?: ShoplineOrderItem[];
  order_payment?: { status?: string };
  order_delivery?: { delivery_status?: string };
  customer_id?: string | null;
  customer_name?: string | null;
  channel?: unknown;
  created_at: string;
  updated_at: string;
}

export interface ShoplineProductVariation {
  id: string;
  price?: ShoplineMoney | null;
  price_sale?: ShoplineMoney | null;
  sku?: string | null;
  fields_translations?: Record<string, string[]>;
}

export interface ShoplineProduct {
  id: string;
  status: string;
  title_translations?: Record<string, string>;
  price?: ShoplineMoney | null;
  price_sale?: ShoplineMoney | null;
  sku?: string | null;
  variations?: ShoplineProductVariation[];
  created_at?: string;
  updated_at?: string;
}

export interface ShoplineCustomer {
  id: string;
  name?: string | null;
  email?: string | null;
  phones?: string[];
  mobile_phone?: string | null;
  order_count?: number;
  orders_total_sum?: ShoplineMoney | null;
  is_member?: boolean;
  created_at: string;
  updated_at: string;
}

/** `GET /oauth/token/info`: who the bearer token acts for. */
export interface ShoplineTokenInfo {
  /** Doorkeeper-style owner; SHOPLINE's webhooks use `{id, performer_id}`. */
  resource_owner_id: string | { id: string; performer_id?: string };
  scope?: string[] | string;
  expires_in?: number | null;
  application?: { uid?: string };
}
