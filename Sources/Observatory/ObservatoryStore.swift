import Foundation
import GRDB
import Lexicon

/// Where the observatory keeps its state: per collection its counts (with the state last written, so a shared
/// store can add just what changed), the records held for a lexicon, and this observer's cursor.
public protocol ObservatoryStorage: Sendable {
    /// Whether other observers write to the same view (the pages then show the stored sum, reloaded after each
    /// flush, rather than this process's counts).
    var isShared: Bool { get }
    /// Everything stored: every collection (all observers'), and this observer's held records and cursor.
    func load() async throws -> ObservatoryStore.Loaded
    /// Writes `changes` (each collection now, and as it was at the last write), this observer's held records (nil:
    /// unchanged since the last write) and its cursor, atomically.
    func save(_ changes: [(now: ObservedCollection, written: ObservedCollection)], held: [Observatory.HeldRecord]?, cursor: Int64?) async throws
}

/// The observatory's state in SQLite (`observatory.sqlite` in its data directory): per collection its totals, hours,
/// violations with examples, unresolvable reasons and lexicon origin; the records held while a lexicon is
/// resolved; the Jetstream cursor. Written in one transaction per flush (WAL, synchronous NORMAL: a crash loses
/// at most the last flush, and then the cursor with it).
public final class ObservatoryStore: ObservatoryStorage, @unchecked Sendable {
    public var isShared: Bool { false }

    let queue: DatabaseQueue

    /// Opens (creating) the store at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE observed (nsid TEXT PRIMARY KEY, seen INTEGER NOT NULL, valid INTEGER NOT NULL, invalid INTEGER NOT NULL,
                        unresolvable INTEGER NOT NULL, source TEXT, did TEXT, cid TEXT, rev TEXT);
                    CREATE TABLE observed_hours (nsid TEXT NOT NULL, hour INTEGER NOT NULL, seen INTEGER NOT NULL, valid INTEGER NOT NULL,
                        invalid INTEGER NOT NULL, unresolvable INTEGER NOT NULL, PRIMARY KEY (nsid, hour));
                    CREATE TABLE observed_violations (nsid TEXT NOT NULL, rule TEXT NOT NULL, path TEXT NOT NULL, count INTEGER NOT NULL,
                        last_hour INTEGER NOT NULL, examples TEXT NOT NULL, PRIMARY KEY (nsid, rule, path));
                    CREATE TABLE observed_reasons (nsid TEXT NOT NULL, reason TEXT NOT NULL, count INTEGER NOT NULL, message TEXT NOT NULL,
                        PRIMARY KEY (nsid, reason));
                    CREATE TABLE observed_held (seq INTEGER PRIMARY KEY, time_us INTEGER NOT NULL, nsid TEXT NOT NULL, uri TEXT NOT NULL,
                        record TEXT NOT NULL);
                    CREATE TABLE observer_cursor (name TEXT PRIMARY KEY, time_us INTEGER NOT NULL);
                    """)
        }
        try migrator.migrate(queue)
    }

    /// What a restart starts from.
    public struct Loaded {
        public var collections: [ObservedCollection] = []
        public var held: [Observatory.HeldRecord] = []
        public var cursor: Int64?
    }

    public func load() async throws -> Loaded { try loadNow() }

    /// The same, synchronously (reports).
    public func loadNow() throws -> Loaded {
        try queue.read { db in
            var loaded = Loaded()
            var byID: [String: ObservedCollection] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM observed") {
                let nsid: String = row["nsid"]
                var collection = ObservedCollection(nsid: nsid)
                collection.total = Tally(seen: row["seen"], valid: row["valid"], invalid: row["invalid"], unresolvable: row["unresolvable"])
                if let source: String = row["source"] {
                    collection.lexicon = LexiconOrigin(source: source, did: row["did"], cid: row["cid"], rev: row["rev"])
                }
                byID[nsid] = collection
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM observed_hours") {
                let nsid: String = row["nsid"]
                byID[nsid]?.hourly[row["hour"]] = Tally(
                    seen: row["seen"], valid: row["valid"], invalid: row["invalid"], unresolvable: row["unresolvable"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM observed_violations") {
                let nsid: String = row["nsid"]
                let rule: String = row["rule"]
                let path: String = row["path"]
                let examples = (try? JSONValue(parsing: Array((row["examples"] as String).utf8)))?.arrayValue ?? []
                let key = rule == ObservatoryLimits.overflowViolation ? rule : rule + "\u{0}" + path
                byID[nsid]?.violations[key] = Violation(
                    rule: rule, path: path, count: row["count"], lastHour: row["last_hour"],
                    examples: examples.map {
                        ViolationExample(
                            uri: $0["uri"]?.stringValue ?? "", pointer: $0["pointer"]?.stringValue ?? "", value: $0["value"]?.stringValue ?? "")
                    })
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM observed_reasons") {
                let nsid: String = row["nsid"]
                byID[nsid]?.reasons[row["reason"]] = (row["count"], row["message"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM observed_held ORDER BY seq") {
                guard let record = try? JSONValue(parsing: Array((row["record"] as String).utf8)) else { continue }
                loaded.held.append(.init(time: row["time_us"], collection: row["nsid"], uri: row["uri"], record: record))
                byID[row["nsid"]]?.pending += 1
            }
            loaded.collections = Array(byID.values)
            loaded.cursor = try Int64.fetchOne(db, sql: "SELECT time_us FROM observer_cursor WHERE name = 'jetstream'")
            return loaded
        }
    }

    /// Replaces the rows of the changed collections, all held records, and the cursor, atomically.
    public func save(_ changes: [(now: ObservedCollection, written: ObservedCollection)], held: [Observatory.HeldRecord]?, cursor: Int64?)
        async throws
    {
        try await queue.write { db in
            for collection in changes.map(\.now) {
                let nsid = collection.nsid
                try db.execute(
                    sql: """
                        INSERT INTO observed (nsid, seen, valid, invalid, unresolvable, source, did, cid, rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (nsid) DO UPDATE SET seen = excluded.seen, valid = excluded.valid, invalid = excluded.invalid,
                            unresolvable = excluded.unresolvable, source = excluded.source, did = excluded.did, cid = excluded.cid, rev = excluded.rev
                        """,
                    arguments: [
                        nsid, collection.total.seen, collection.total.valid, collection.total.invalid, collection.total.unresolvable,
                        collection.lexicon?.source, collection.lexicon?.did, collection.lexicon?.cid, collection.lexicon?.rev,
                    ])
                try db.execute(sql: "DELETE FROM observed_hours WHERE nsid = ?", arguments: [nsid])
                for (hour, tally) in collection.hourly {
                    try db.execute(
                        sql: "INSERT INTO observed_hours VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [nsid, hour, tally.seen, tally.valid, tally.invalid, tally.unresolvable])
                }
                try db.execute(sql: "DELETE FROM observed_violations WHERE nsid = ?", arguments: [nsid])
                for violation in collection.violations.values {
                    let examples = JSONValue.array(
                        violation.examples.map { ["uri": .string($0.uri), "pointer": .string($0.pointer), "value": .string($0.value)] })
                    try db.execute(
                        sql: "INSERT INTO observed_violations VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [nsid, violation.rule, violation.path, violation.count, violation.lastHour, examples.jsonString])
                }
                try db.execute(sql: "DELETE FROM observed_reasons WHERE nsid = ?", arguments: [nsid])
                for (reason, entry) in collection.reasons {
                    try db.execute(sql: "INSERT INTO observed_reasons VALUES (?, ?, ?, ?)", arguments: [nsid, reason, entry.count, entry.message])
                }
            }
            if held != nil { try db.execute(sql: "DELETE FROM observed_held") }
            for record in held ?? [] {
                try db.execute(
                    sql: "INSERT INTO observed_held (time_us, nsid, uri, record) VALUES (?, ?, ?, ?)",
                    arguments: [record.time, record.collection, record.uri, record.record.jsonString])
            }
            if let cursor {
                try db.execute(
                    sql: "INSERT INTO observer_cursor VALUES ('jetstream', ?) ON CONFLICT (name) DO UPDATE SET time_us = excluded.time_us",
                    arguments: [cursor])
            }
        }
    }
}
