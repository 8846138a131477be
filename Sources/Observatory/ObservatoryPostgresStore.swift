import Foundation
import Lexicon
import Logging
import PostgresNIO
import PostgresStore

/// The observatory's state in PostgreSQL, shared by several observers (each with its own `observer` name, cursor
/// and held records): counts are **added** (each flush sends what changed since the last one), so observers that
/// watch different collections, or different Jetstreams, build one view together. Tables `observatory_*` in the
/// URL's schema, created if missing.
public final class ObservatoryPostgresStore: ObservatoryStorage, @unchecked Sendable {
    public var isShared: Bool { true }
    let client: PostgresClient
    let observer: String
    /// `"schema".`, validated.
    let prefix: String
    let logger: Logger
    let limits: ObservatoryLimits
    private let runTask: Task<Void, Never>

    /// Connects (a pool of 2) and creates the tables if missing.
    public init(url: String, schema: String = "public", observer: String, limits: ObservatoryLimits = ObservatoryLimits(), logger: Logger)
        async throws
    {
        guard let first = schema.unicodeScalars.first, first == "_" || ("a"..."z").contains(first), schema.count <= 63,
            schema.unicodeScalars.allSatisfy({ $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        else { throw ObservatoryStoreError(description: "the schema must be lower-case letters, digits and _, not \(schema.prefix(100))") }
        let prefix = "\"\(schema)\"."
        self.prefix = prefix
        var configuration = try PostgresURLConfiguration(url).configuration
        configuration.options.maximumConnections = 2
        configuration.options.minimumConnections = 0
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.observer = observer
        self.logger = logger
        self.limits = limits
        runTask = Task { await client.run() }
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('sigil.observatory'))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
            for statement in Self.schema(prefix) { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
        }
    }

    deinit { runTask.cancel() }

    /// Stops the pool.
    public func close() { runTask.cancel() }

    static func schema(_ prefix: String) -> [String] {
        [
            """
            CREATE TABLE IF NOT EXISTS \(prefix)observatory_collections (nsid TEXT PRIMARY KEY, seen BIGINT NOT NULL, valid BIGINT NOT NULL,
                invalid BIGINT NOT NULL, unresolvable BIGINT NOT NULL, source TEXT, did TEXT, cid TEXT, rev TEXT)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(prefix)observatory_hours (nsid TEXT NOT NULL, hour BIGINT NOT NULL, seen BIGINT NOT NULL, valid BIGINT NOT NULL,
                invalid BIGINT NOT NULL, unresolvable BIGINT NOT NULL, PRIMARY KEY (nsid, hour))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(prefix)observatory_violations (nsid TEXT NOT NULL, rule TEXT NOT NULL, path TEXT NOT NULL, count BIGINT NOT NULL,
                last_hour BIGINT NOT NULL, examples TEXT NOT NULL, example_count INTEGER NOT NULL, PRIMARY KEY (nsid, rule, path))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(prefix)observatory_reasons (nsid TEXT NOT NULL, reason TEXT NOT NULL, count BIGINT NOT NULL, message TEXT NOT NULL,
                PRIMARY KEY (nsid, reason))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(prefix)observatory_held (observer TEXT NOT NULL, seq INTEGER NOT NULL, time_us BIGINT NOT NULL, nsid TEXT NOT NULL,
                uri TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (observer, seq))
            """,
            "CREATE TABLE IF NOT EXISTS \(prefix)observatory_cursors (observer TEXT PRIMARY KEY, time_us BIGINT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS observatory_hours_by_hour ON \(prefix)observatory_hours (hour)",
        ]
    }

    public func load() async throws -> ObservatoryStore.Loaded {
        let prefix = self.prefix
        var loaded = ObservatoryStore.Loaded()
        var byID: [String: ObservedCollection] = [:]
        for try await (nsid, seen, valid, invalid, unresolvable, source, did, cid, rev) in try await client.query(
            "SELECT nsid, seen, valid, invalid, unresolvable, source, did, cid, rev FROM \(unescaped: prefix)observatory_collections", logger: logger
        ).decode((String, Int64, Int64, Int64, Int64, String?, String?, String?, String?).self) {
            var collection = ObservedCollection(nsid: nsid)
            collection.total = Tally(seen: Int(seen), valid: Int(valid), invalid: Int(invalid), unresolvable: Int(unresolvable))
            if let source { collection.lexicon = LexiconOrigin(source: source, did: did, cid: cid, rev: rev) }
            byID[nsid] = collection
        }
        for try await (nsid, hour, seen, valid, invalid, unresolvable) in try await client.query(
            "SELECT nsid, hour, seen, valid, invalid, unresolvable FROM \(unescaped: prefix)observatory_hours", logger: logger
        ).decode((String, Int64, Int64, Int64, Int64, Int64).self) {
            byID[nsid]?.hourly[hour] = Tally(seen: Int(seen), valid: Int(valid), invalid: Int(invalid), unresolvable: Int(unresolvable))
        }
        for try await (nsid, rule, path, count, lastHour, examples) in try await client.query(
            "SELECT nsid, rule, path, count, last_hour, examples FROM \(unescaped: prefix)observatory_violations", logger: logger
        ).decode((String, String, String, Int64, Int64, String).self) {
            let key = rule == ObservatoryLimits.overflowViolation ? rule : rule + "\u{0}" + path
            byID[nsid]?.violations[key] = Violation(
                rule: rule, path: path, count: Int(count), lastHour: lastHour, examples: Self.examples(examples))
        }
        for try await (nsid, reason, count, message) in try await client.query(
            "SELECT nsid, reason, count, message FROM \(unescaped: prefix)observatory_reasons", logger: logger
        ).decode((String, String, Int64, String).self) {
            byID[nsid]?.reasons[reason] = (Int(count), message)
        }
        let observer = self.observer
        for try await (time, nsid, uri, record) in try await client.query(
            "SELECT time_us, nsid, uri, record FROM \(unescaped: prefix)observatory_held WHERE observer = \(observer) ORDER BY seq", logger: logger
        ).decode((Int64, String, String, String).self) {
            guard let value = try? JSONValue(parsing: Array(record.utf8)) else { continue }
            loaded.held.append(.init(time: time, collection: nsid, uri: uri, record: value))
        }
        for try await time in try await client.query(
            "SELECT time_us FROM \(unescaped: prefix)observatory_cursors WHERE observer = \(observer)", logger: logger
        )
        .decode(Int64.self) {
            loaded.cursor = time
        }
        loaded.collections = Array(byID.values)
        return loaded
    }

    static func examples(_ text: String) -> [ViolationExample] {
        ((try? JSONValue(parsing: Array(text.utf8)))?.arrayValue ?? []).map {
            ViolationExample(uri: $0["uri"]?.stringValue ?? "", pointer: $0["pointer"]?.stringValue ?? "", value: $0["value"]?.stringValue ?? "")
        }
    }

    /// Adds what changed since the last write; replaces this observer's held records and cursor; one transaction.
    public func save(_ changes: [(now: ObservedCollection, written: ObservedCollection)], held: [Observatory.HeldRecord]?, cursor: Int64?)
        async throws
    {
        let observer = self.observer
        let prefix = self.prefix
        let hours = Int64(limits.hours)
        let newest = changes.flatMap { $0.now.hourly.keys }.max()
        let keep = limits.examplesPerViolation
        let logger = self.logger
        try await client.withTransaction(logger: logger) { connection in
            for (now, written) in changes {
                let nsid = now.nsid
                let delta = (
                    Int64(now.total.seen - written.total.seen), Int64(now.total.valid - written.total.valid),
                    Int64(now.total.invalid - written.total.invalid), Int64(now.total.unresolvable - written.total.unresolvable)
                )
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: prefix)observatory_collections (nsid, seen, valid, invalid, unresolvable, source, did, cid, rev)
                    VALUES (\(nsid), \(delta.0), \(delta.1), \(delta.2), \(delta.3), \(now.lexicon?.source), \(now.lexicon?.did), \(now.lexicon?.cid), \(now.lexicon?.rev))
                    ON CONFLICT (nsid) DO UPDATE SET seen = observatory_collections.seen + excluded.seen,
                        valid = observatory_collections.valid + excluded.valid, invalid = observatory_collections.invalid + excluded.invalid,
                        unresolvable = observatory_collections.unresolvable + excluded.unresolvable,
                        source = COALESCE(excluded.source, observatory_collections.source), did = COALESCE(excluded.did, observatory_collections.did),
                        cid = COALESCE(excluded.cid, observatory_collections.cid), rev = COALESCE(excluded.rev, observatory_collections.rev)
                    """, logger: logger)
                for (hour, tally) in now.hourly {
                    let before = written.hourly[hour] ?? Tally()
                    guard tally != before else { continue }
                    let (seen, valid, invalid, unresolvable) = (
                        Int64(tally.seen - before.seen), Int64(tally.valid - before.valid), Int64(tally.invalid - before.invalid),
                        Int64(tally.unresolvable - before.unresolvable)
                    )
                    try await connection.query(
                        """
                        INSERT INTO \(unescaped: prefix)observatory_hours VALUES (\(nsid), \(hour), \(seen), \(valid), \(invalid), \(unresolvable))
                        ON CONFLICT (nsid, hour) DO UPDATE SET seen = observatory_hours.seen + excluded.seen,
                            valid = observatory_hours.valid + excluded.valid, invalid = observatory_hours.invalid + excluded.invalid,
                            unresolvable = observatory_hours.unresolvable + excluded.unresolvable
                        """, logger: logger)
                }
                for (key, violation) in now.violations {
                    let count = Int64(violation.count - (written.violations[key]?.count ?? 0))
                    guard count != 0 else { continue }
                    let examples = JSONValue.array(
                        violation.examples.map { ["uri": .string($0.uri), "pointer": .string($0.pointer), "value": .string($0.value)] }
                    ).jsonString
                    let exampleCount = violation.examples.count
                    try await connection.query(
                        """
                        INSERT INTO \(unescaped: prefix)observatory_violations VALUES (\(nsid), \(violation.rule), \(violation.path), \(count), \(violation.lastHour), \(examples), \(exampleCount))
                        ON CONFLICT (nsid, rule, path) DO UPDATE SET count = observatory_violations.count + excluded.count,
                            last_hour = GREATEST(observatory_violations.last_hour, excluded.last_hour),
                            examples = CASE WHEN observatory_violations.example_count >= \(keep) THEN observatory_violations.examples ELSE excluded.examples END,
                            example_count = GREATEST(observatory_violations.example_count, excluded.example_count)
                        """, logger: logger)
                }
                for (reason, entry) in now.reasons {
                    let count = Int64(entry.count - (written.reasons[reason]?.count ?? 0))
                    guard count != 0 else { continue }
                    try await connection.query(
                        """
                        INSERT INTO \(unescaped: prefix)observatory_reasons VALUES (\(nsid), \(reason), \(count), \(entry.message))
                        ON CONFLICT (nsid, reason) DO UPDATE SET count = observatory_reasons.count + excluded.count, message = excluded.message
                        """, logger: logger)
                }
            }
            if let newest {
                try await connection.query("DELETE FROM \(unescaped: prefix)observatory_hours WHERE hour <= \(newest - hours)", logger: logger)
            }
            if held != nil {
                try await connection.query("DELETE FROM \(unescaped: prefix)observatory_held WHERE observer = \(observer)", logger: logger)
            }
            for (index, record) in (held ?? []).enumerated() {
                let (time, nsid, uri, text) = (record.time, record.collection, record.uri, record.record.jsonString)
                try await connection.query(
                    "INSERT INTO \(unescaped: prefix)observatory_held VALUES (\(observer), \(index), \(time), \(nsid), \(uri), \(text))",
                    logger: logger)
            }
            if let cursor {
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: prefix)observatory_cursors VALUES (\(observer), \(cursor))
                    ON CONFLICT (observer) DO UPDATE SET time_us = excluded.time_us
                    """, logger: logger)
            }
        }
    }
}

/// Why a store could not be opened.
public struct ObservatoryStoreError: Error, CustomStringConvertible {
    public let description: String
}
