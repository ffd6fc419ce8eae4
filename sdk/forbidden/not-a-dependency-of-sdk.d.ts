// Resolved instead of @actionhost/core and @actionhost/registry (see tsconfig.json "paths"): the sdk depends on no
// other package of ours, so an import of either fails to compile with "has no exported member".
export {};
