export { definePlugin, type PluginDefinition, type ContextFor } from './define.ts';
