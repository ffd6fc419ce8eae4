// LDAP string safety for plugins and the host: RFC 4514 DNs and RFC 4515 filters, dependency-free so a
// plugin can bundle it into its sandbox script.
export {
  escapeDnValue,
  childDn,
  parseDn,
  formatDn,
  normalizeDn,
  dnEquals,
  isDnWithin,
  parentDn,
  firstRdn,
  firstRdnValue,
  DnSyntaxError,
  type Rdn,
  type RdnPart,
} from './dn.ts';
export {
  escapeFilterValue,
  filterEquals,
  filterPresent,
  filterAnd,
  filterOr,
  filterNot,
  assertValidFilter,
} from './filter.ts';
