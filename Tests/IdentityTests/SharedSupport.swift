// Repo paths, shared identities, hex helpers, eventually(…), test tags and child-process helpers, for every file here.
@_exported import SigilTestSupport
