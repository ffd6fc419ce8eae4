// The Samba AD DC the tests run against (@actionhost/test/ad): its facts (URL, base DN, admin bind), builders for
// applications, users and containers, and independent admin reads to check what a plugin did.
export * from './facts.ts';
export * from './support.ts';
