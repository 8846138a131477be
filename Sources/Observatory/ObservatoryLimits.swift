/// Every bound the observatory keeps, whatever the stream sends: memory stays flat with 10,000 collections.
public struct ObservatoryLimits: Sendable {
    /// Collections counted one by one; later ones are counted together under ``overflowCollection``.
    public var maxCollections = 20_000
    /// Distinct (rule, path) violations kept per collection; further ones are counted under one "other" key.
    public var maxViolationsPerCollection = 50
    /// Distinct unresolvable reasons kept per collection.
    public var maxReasonsPerCollection = 20
    /// Example AT-URIs kept per violation.
    public var examplesPerViolation = 3
    /// Characters of an offending value kept in an example.
    public var clippedValueCharacters = 120
    /// Hourly buckets kept (7 days).
    public var hours = 168
    /// Records held per collection while its lexicon is being resolved; later ones are counted as unresolvable
    /// ("pending-overflow") rather than held.
    public var pendingPerCollection = 200
    /// Records held while lexicons are being resolved, in all.
    public var pendingTotal = 20_000
    /// Bytes of records held, in all (a record is up to 2 MiB).
    public var pendingBytes = 64 << 20
    /// Lexicon resolutions running at once.
    public var resolutionConcurrency = 8
    /// First retry of a failed resolution; doubled up to ``maxRetry``.
    public var firstRetry: Duration = .seconds(60)
    public var maxRetry: Duration = .seconds(3_600)
    /// Lexicons a collection's schema may pull in through references (resolved too), per collection.
    public var maxReferencedLexicons = 32
    /// Time spent resolving one collection's references, in all.
    public var referenceBudget: Duration = .seconds(30)
    /// With a shared (PostgreSQL) store, how often the pages' view of every observer's counts is reloaded.
    public var sharedViewRefresh: Duration = .seconds(10)

    public init() {}

    /// The name all collections past ``maxCollections`` share.
    public static let overflowCollection = "(other collections)"
    /// The violation key all violations past the per-collection bound share.
    public static let overflowViolation = "(other violations)"
}
