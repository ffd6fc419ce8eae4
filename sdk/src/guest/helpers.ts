// The SDK's pure helpers for plugin code: plain ECMAScript, no imports, safe both in Node and in the sandbox.
export { encodeBase64, decodeBase64, bytesToBase64, base64ToBytes, utf8Encode, utf8Decode } from './base64.ts';
export { parseUrl, parseQuery, buildQuery, withQuery, type ParsedUrl, type QueryValue } from './url.ts';
