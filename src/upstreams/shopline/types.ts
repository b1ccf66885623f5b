import type { components } from '../../generated/upstreams/shopline.js';

/** SHOPLINE records, generated from schema/upstreams/shopline.yaml. */
type Schemas = components['schemas'];

export type ShoplineOrder = Schemas['Order'];
export type ShoplineProduct = Schemas['Product'];
export type ShoplineCustomer = Schemas['Customer'];
export type ShoplineTokenInfo = Schemas['TokenInfo'];

export interface ShoplineRecordOf {
  orders: ShoplineOrder;
  products: ShoplineProduct;
  customers: ShoplineCustomer;
}

/** The list envelope `{items, pagination}`. */
export interface ShoplinePage<T> {
  items: T[];
  pagination: Schemas['Pagination'];
}
