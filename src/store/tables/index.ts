/** Every table of the store; each domain adds its own file and re-exports it here. */
export * from './core.js';
export * from './connections.js';
export * from './integrations.js';
export * from './shopline.js';
export * from './commerce.js';
