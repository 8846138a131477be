import Foundation
import GRDB
import SigilTestSupport
import Storage
import StoreTestSupport
import Testing
import Webhooks

@testable import PostgresStore
@testable import SQLiteStore
@testable import Secrets

/// Migrations are history: one ordered list of literal SQL per backend, and a database upgraded from any earlier
/// schema ends up exactly where a fresh one starts.
@Suite("Migration history")
struct MigrationHistoryTests {
    // MARK: - The lists themselves

    @Test func sqliteNamesStrictlyIncrease() throws {
        let numbers = try SQLiteSchema.migrations.map { migration in
            let digits = migration.name.dropFirst().prefix { $0.isNumber }
            #expect(migration.name.hasPrefix("v"), "\(migration.name)")
            return try #require(Int(digits), "\(migration.name) does not start with v<number>")
        }
        #expect(numbers == Array(1...numbers.count), "\(SQLiteSchema.migrations.map(\.name))")
    }

    @Test func postgresVersionsStrictlyIncrease() {
        let versions = PostgresSchemaHistory.migrations.map(\.version)
        #expect(versions == Array(1...Int64(versions.count)))
        #expect(Set(PostgresSchemaHistory.migrations.map(\.name)).count == versions.count)
    }

    /// The migration files hold literal SQL and nothing else: no interpolation, no application type, enum or function.
    @Test(arguments: [
        ("Sources/SQLiteStore/SQLiteMigrations.swift", "SQLiteMigration", ["name", "sql"], ["Crypto", "Foundation", "GRDB"]),
        ("Sources/PostgresStore/PostgresMigrations.swift", "PostgresMigration", ["version", "name", "statements"], [String]()),
    ])
    func migrationSourcesAreLiteralSQL(file: String, step: String, labels: [String], imports: [String]) throws {
        let source = try String(contentsOfFile: Repo.path(file), encoding: .utf8)
        let imported = source.split(separator: "\n").filter { $0.hasPrefix("import ") }.map { String($0.dropFirst(7)) }
        #expect(imported == imports, "\(file) imports \(imported)")
        let list = try #require(Self.migrationsList(in: source), "\(file) has no `static let migrations` list")
        #expect(list.count > 1_000 && list.contains("CREATE TABLE"), "the whole list, not its type: \(list.prefix(80))")
        try Self.checkLiteral(list, step: step, labels: labels, file: file)
    }

    /// The checker itself: it refuses interpolation, a reference to application code, and a computed string.
    @Test(arguments: [
        #"[ SQLiteMigration(name: "v1", sql: "CREATE TABLE t (a \(AuditEvent.Action.allCases))") ]"#,
        #"[ SQLiteMigration(name: "v1", sql: actions.joined()) ]"#,
        #"[ SQLiteMigration(name: "v1", sql: "A" + String(NewDelivery.self)) ]"#,
        #"[ SQLiteMigration(name: "v\(n)", sql: "SELECT 1") ]"#,
    ])
    func theCheckerRefusesCode(list: String) {
        #expect(throws: (any Error).self) { try Self.checkLiteral(list, step: "SQLiteMigration", labels: ["name", "sql"], file: "test") }
    }

    // MARK: - SQLite: fresh equals upgraded

    /// A database built by the first k migrations (every earlier schema), then opened by this build, has exactly
    /// the schema of a fresh one; so has one built in the order earlier builds applied them (v4 before v3).
    @Test func sqliteUpgradedSchemaEqualsFresh() async throws {
        let fresh = try await Self.sqliteSchema { _ in }
        #expect(fresh.contains { $0.hasPrefix("table signing_keys") }, "\(fresh)")
        for count in 0..<SQLiteSchema.migrations.count {
            let upgraded = try await Self.sqliteSchema { pool in try SQLiteSchema.migrator(upTo: count).migrate(pool) }
            #expect(upgraded == fresh, "upgraded from the first \(count) migrations")
        }
        // Builds before the one list registered v4 before v3.
        let all = SQLiteSchema.migrations
        let earlierOrder = [all[0], all[1], all[3], all[2], all[4], all[5], all[6]]
        #expect(
            earlierOrder.map(\.name) == [
                "v1", "v2-webhooks", "v4-deliveries-follow-webhooks", "v3-rotation", "v5-delivery-log",
                "v6-pending-per-webhook", "v7-signing-keys",
            ])
        let reordered = try await Self.sqliteSchema { pool in try SQLiteSchema.migrator(earlierOrder).migrate(pool) }
        #expect(reordered == fresh)
        // And a file the previous build wrote (it applied v1–v7 in that order): an edit of a shipped migration shows here.
        let written = try await Self.sqliteSchema(copying: Repo.path("fixtures/stores/sqlite-f219d7c/sigil.sqlite")) { _ in }
        #expect(written == fresh)
    }

    /// The v4 step replaces queued inline secrets by their SHA-256, as the application computes it.
    @Test func sqliteV4ReplacesQueuedInlineSecretsByTheirFingerprint() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sigil.sqlite").path
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSchema.migrator(upTo: 3).migrate(pool)
            try await pool.write { db in
                for (id, secret) in [("a", "hunter2"), ("b", "ünïcode secret")] as [(String, String?)] + [("c", nil)] {
                    try db.execute(
                        sql: """
                            INSERT INTO deliveries (id, owner, webhook_rkey, url, inline_secret, body, status, next_attempt_at, created_at, updated_at)
                            VALUES (?, 'did:plc:x', 'r', 'https://example.com', ?, x'7b7d', 'pending', 0, 0, 0)
                            """, arguments: [id, secret])
                }
            }
            try pool.close()
        }
        let store = try SQLiteSecretStore(path: path)
        try await store.migrate()
        await store.close()
        let pool = try DatabasePool(path: path)
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, inline_secret, inline_secret_fingerprint FROM deliveries ORDER BY id")
        }
        try pool.close()
        #expect(rows.map { $0["inline_secret"] as String? } == [nil, nil, nil])
        #expect(
            rows.map { ($0["inline_secret_fingerprint"] as Data?).map { [UInt8]($0) } } == [
                NewDelivery.fingerprint(ofInlineSecret: "hunter2"), NewDelivery.fingerprint(ofInlineSecret: "ünïcode secret"), nil,
            ])
    }

    /// A store written before the token history: opening the service records every live token (a current one, and
    /// the previous one of a live overlap), so neither can be registered again.
    @Test func liveTokensOfAStoreBeforeTheHistoryAreRecordedAtOpen() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sigil.sqlite").path
        let key = MasterKey.generate()
        let current = try #require(SigningToken("whsec_" + Data(repeating: 5, count: 32).base64EncodedString()))
        let previous = try #require(SigningToken("whsec_" + Data(repeating: 6, count: 32).base64EncodedString()))
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSchema.migrator(upTo: 8).migrate(pool)
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO secrets (owner, name, version, sealed, created_at, rotated_at, previous_version, previous_sealed, previous_valid_until)
                        VALUES ('did:plc:x', 'a', 2, ?, 1, 2, 1, ?, 9999999999999)
                        """,
                    arguments: [
                        Data(SealedToken.seal(current, owner: "did:plc:x", name: "a", version: 2, key: key)),
                        Data(SealedToken.seal(previous, owner: "did:plc:x", name: "a", version: 1, key: key)),
                    ])
            }
            try pool.close()
        }
        let store = try SQLiteSecretStore(path: path)
        try await store.migrate()
        let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: key))
        for token in [current, previous] {
            await #expect(throws: SecretServiceError.invalidRequest(SecretServiceError.tokenReusedMessage)) {
                _ = try await service.create(owner: "did:plc:y", name: "copy", token: token)
            }
        }
        await store.close()
    }

    // MARK: - PostgreSQL: fresh equals upgraded

    @Test(.enabled(if: !StoreKind.skipPostgres))
    func postgresUpgradedSchemaEqualsFresh() async throws {
        let url = try #require(
            StoreKind.testDatabaseURL, "SIGIL_TEST_DATABASE_URL is not set: run the tests through .ci/test, or set SIGIL_SKIP_POSTGRES=1")
        let fresh = try await Self.postgresSchema(url: url) { _ in }
        #expect(fresh.contains { $0.hasPrefix("column signing_keys.") }, "\(fresh)")
        for version in 0..<PostgresSchemaHistory.latestVersion {
            let upgraded = try await Self.postgresSchema(url: url) { store in try await store.migrate(through: version) }
            #expect(upgraded == fresh, "upgraded from version \(version)")
        }
        // The schema the previous build made (version 7), as its catalog described it: an edit of a shipped migration
        // shows here.
        let previous = try String(contentsOfFile: Repo.path("fixtures/stores/postgres-f219d7c/schema.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init).sorted()
        #expect(previous == (try await Self.postgresSchema(url: url, throughVersion: 7) { _ in }).sorted())
    }

    // MARK: - Helpers

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Builds a database with `prepare`, opens and migrates it as `sigil serve` does, and describes its schema.
    static func sqliteSchema(copying original: String? = nil, _ prepare: (DatabasePool) throws -> Void) async throws -> [String] {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sigil.sqlite").path
        if let original { try FileManager.default.copyItem(atPath: original, toPath: path) }
        do {
            let pool = try DatabasePool(path: path)
            try prepare(pool)
            try pool.close()
        }
        let store = try SQLiteSecretStore(path: path)
        try await store.migrate()
        await store.close()
        let pool = try DatabasePool(path: path)
        defer { try? pool.close() }
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").map { row in
                "\(row["type"] as String) \(row["name"] as String): \(row["sql"] as String? ?? "")"
            }
        }
    }

    /// Builds a schema of its own with `prepare`, migrates it as `sigil serve` does, describes it from the catalog
    /// (columns, indexes, constraints, sequences; the schema's name written as `S`), and drops it.
    static func postgresSchema(
        url: String, throughVersion last: Int64? = nil, _ prepare: (PostgresSecretStore) async throws -> Void
    ) async throws -> [String] {
        let schema = "mig_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let store = try PostgresSecretStore(url: url, schema: schema)
        do {
            try await prepare(store)
            if let last { try await store.migrate(through: last) } else { try await store.migrate() }
            let queries = [
                """
                SELECT 'column ' || table_name || '.' || column_name || ' ' || ordinal_position || ' ' || data_type || ' '
                    || is_nullable || ' ' || coalesce(column_default, '-') || ' ' || coalesce(collation_name, '-')
                FROM information_schema.columns WHERE table_schema = '\(schema)'
                """,
                "SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = '\(schema)'",
                """
                SELECT 'constraint ' || c.conrelid::regclass::text || ' ' || c.conname || ': ' || pg_get_constraintdef(c.oid)
                FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = '\(schema)'
                """,
                "SELECT 'sequence ' || sequencename FROM pg_sequences WHERE schemaname = '\(schema)'",
            ]
            var lines: [String] = []
            for query in queries {
                for row in try await store.execute(unsafeSQL: query) {
                    lines.append(try row.decode(String.self).replacingOccurrences(of: schema, with: "S"))
                }
            }
            try await store.dropSchema()
            await store.close()
            return lines.sorted()
        } catch {
            try? await store.dropSchema()
            await store.close()
            throw error
        }
    }

    /// The text of the `static let migrations` array literal, brackets included.
    static func migrationsList(in source: String) -> String? {
        guard let start = source.range(of: "static let migrations"),
            let assignment = source[start.upperBound...].range(of: "= ["),
            let open = source[assignment.lowerBound...].firstIndex(of: "[")
        else { return nil }
        var depth = 0
        var index = open
        var inString = false
        while index < source.endIndex {
            if source[index...].hasPrefix("\"\"\"") {
                inString.toggle()
                index = source.index(index, offsetBy: 3)
                continue
            }
            let character = source[index]
            if !inString {
                if character == "[" { depth += 1 }
                if character == "]" {
                    depth -= 1
                    if depth == 0 { return String(source[open...index]) }
                }
            }
            index = source.index(after: index)
        }
        return nil
    }

    struct NotLiteral: Error, CustomStringConvertible {
        let description: String
    }

    /// Throws unless `list` is `[ Step(label: literal, …), … ]` with string and integer literals only (comments
    /// allowed), and no string holds an interpolation.
    static func checkLiteral(_ list: String, step: String, labels: [String], file: String) throws {
        var rest = Substring(list)
        var tokens: [String] = []
        while let character = rest.first {
            if character.isWhitespace {
                rest = rest.dropFirst()
            } else if rest.hasPrefix("//") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("\"\"\"") || character == "\"" {
                let delimiter = rest.hasPrefix("\"\"\"") ? "\"\"\"" : "\""
                let body = rest.dropFirst(delimiter.count)
                guard let end = body.range(of: delimiter) else { throw NotLiteral(description: "\(file): an unterminated string") }
                let text = body[..<end.lowerBound]
                if text.contains("\\(") { throw NotLiteral(description: "\(file): interpolation in \(text.prefix(60))") }
                tokens.append("STRING")
                rest = body[end.upperBound...]
            } else if character.isLetter || character == "_" {
                let word = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                tokens.append(String(word))
                rest = rest.dropFirst(word.count)
            } else if character.isNumber {
                let number = rest.prefix { $0.isNumber }
                tokens.append("NUMBER")
                rest = rest.dropFirst(number.count)
            } else {
                tokens.append(String(character))
                rest = rest.dropFirst()
            }
        }
        let allowed = Set([step, "STRING", "NUMBER", "[", "]", "(", ")", ",", ":"] + labels)
        if let stranger = tokens.first(where: { !allowed.contains($0) }) {
            throw NotLiteral(description: "\(file): `\(stranger)` in the migrations list (only literal SQL may stand there)")
        }
        // Each label is followed by a colon and one literal.
        for (index, token) in tokens.enumerated() where labels.contains(token) {
            guard index + 2 < tokens.count, tokens[index + 1] == ":", ["STRING", "NUMBER", "["].contains(tokens[index + 2]) else {
                throw NotLiteral(description: "\(file): `\(token):` is not followed by a literal")
            }
        }
    }
}
