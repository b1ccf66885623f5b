/** Every table of the store; each domain adds its own file and re-exports it here. */
export * from './core.js';
