// The user attributes Get User and Search Users can read: named here once, so the output schema lists each of them
// and a later node's placeholder (#nodes.lookup.output.user.mail#) is checked when the workflow is published.
export const READABLE_ATTRIBUTES = [
  'sAMAccountName',
  'userPrincipalName',
  'cn',
  'mail',
  'givenName',
  'sn',
  'displayName',
  'initials',
  'description',
  'department',
  'title',
  'company',
  'manager',
  'employeeID',
  'employeeNumber',
  'employeeType',
  'telephoneNumber',
  'mobile',
  'physicalDeliveryOfficeName',
  'streetAddress',
  'l',
  'st',
  'postalCode',
  'co',
  'memberOf',
  'proxyAddresses',
  'userAccountControl',
  'objectGUID',
  'objectSid',
  'whenCreated',
  'whenChanged',
  'pwdLastSet',
  'accountExpires',
  'lastLogonTimestamp',
] as const;
export type ReadableAttribute = (typeof READABLE_ATTRIBUTES)[number];

/** Attributes that hold several values: returned as lists, the others as their single value. */
export const MULTI_VALUED: ReadonlySet<string> = new Set(['memberOf', 'proxyAddresses']);
