export { HostConfig, loadConfig, type ConfigFlags } from './config.ts';
