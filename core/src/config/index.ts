export { HOST_SETTINGS, HostConfig, loadConfig, type HostSettingTexts } from './settings.ts';
export { renderSettingsTable, replaceSettingsSection, SETTINGS_MARKERS } from './docs.ts';
