// Repo paths, shared identities, hex helpers, eventually(…), test tags and child-process helpers, for every file here.
@_exported import SigilTestSupport
// Fresh stores of each kind (SQLite, PostgreSQL) for tests that run against both.
@_exported import StoreTestSupport
