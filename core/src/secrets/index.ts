// The redaction rules: which keys name a secret, and every form a secret value takes (typed, percent-encoded,
// JSON-escaped, base64, inside a Basic header). The bottom of core/src beside errors/: the workflow, the
// capabilities and the Audit Trail all scrub by these rules; the walks over data stay with their concern.
export { isSecretKey, isSensitiveHeader, isHeadersKey, MIN_SECRET_LENGTH, REDACTED } from './rules.ts';
export { secretForms, basicAuthForms, expandSecrets, scrubText } from './forms.ts';
