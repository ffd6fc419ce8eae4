// Resolved instead of @actionhost/core (see tsconfig.json "paths"): the registry never depends on core, so an
// import of it fails to compile with "has no exported member".
export {};
