export { HOST_SETTINGS, HostConfig, loadConfig, CONNECTOR_SETTING_KEYS, type HostSettingTexts } from './settings.ts';
export { renderSettingsTable, replaceSettingsSection, SETTINGS_MARKERS } from './docs.ts';
