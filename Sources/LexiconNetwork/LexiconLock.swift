import ATData
import Foundation
import Lexicon

/// `lexicons.lock.json`: the schemas a lexicon directory took from the network, each pinned to the account that
/// published it and the CID of its record, so a later pull or a CI check notices when either changes:
///
/// ```json
/// {
///   "version": 1,
///   "lexicons": {
///     "com.example.feed.post": { "did": "did:plc:…", "cid": "bafyrei…" }
///   }
/// }
/// ```
public struct LexiconLock: Sendable, Equatable {
    /// One pinned schema.
    public struct Pin: Sendable, Equatable {
        public var did: String
        public var cid: CID

        public init(did: String, cid: CID) {
            self.did = did
            self.cid = cid
        }
    }

    public var pins: [String: Pin]

    public init(pins: [String: Pin] = [:]) { self.pins = pins }

    /// Largest lock file read.
    public static let maxBytes = 4 << 20

    /// Why a lock file could not be read.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The lock file of `directory`; nil when there is none.
    public static func read(directory: String) throws(Failure) -> LexiconLock? {
        let path = (directory as NSString).appendingPathComponent(LexiconCatalog.lockFileName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path), data.count <= maxBytes else {
            throw Failure(description: "\(path): cannot read it, or it is larger than \(maxBytes) bytes")
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: [UInt8](data))
        } catch {
            throw Failure(description: "\(path): not JSON: \(error)")
        }
        guard json["version"] == .integer(1) else { throw Failure(description: "\(path): version must be 1") }
        guard case .object(let entries)? = json["lexicons"] else { throw Failure(description: "\(path): no \"lexicons\" object") }
        var pins: [String: Pin] = [:]
        for (nsid, entry) in entries {
            guard NSID.isValid(nsid) else { throw Failure(description: "\(path): \(nsid.prefix(200)) is not an NSID") }
            guard let did = entry["did"]?.stringValue, DID.isValid(did) else { throw Failure(description: "\(path): \(nsid) has no valid did") }
            guard let text = entry["cid"]?.stringValue, let cid = CID(text) else { throw Failure(description: "\(path): \(nsid) has no valid cid") }
            pins[nsid] = Pin(did: did, cid: cid)
        }
        return LexiconLock(pins: pins)
    }

    /// The file's text: keys sorted, one pin per line, so diffs show which schema moved.
    public var text: String {
        let lines = pins.sorted { $0.key < $1.key }.map { nsid, pin in
            "    \(JSONValue.string(nsid).jsonString): { \"did\": \(JSONValue.string(pin.did).jsonString), \"cid\": \"\(pin.cid)\" }"
        }
        return "{\n  \"version\": 1,\n  \"lexicons\": {\n" + lines.joined(separator: ",\n") + (lines.isEmpty ? "" : "\n") + "  }\n}\n"
    }

    /// Writes the lock file atomically (a temporary file renamed over it).
    public func write(directory: String) throws {
        let path = (directory as NSString).appendingPathComponent(LexiconCatalog.lockFileName)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The CID a schema has as a `com.atproto.lexicon.schema` record: the document with that `$type`, canonical
    /// DAG-CBOR. Throws when the document is outside the data model (a float, say).
    public static func recordCID(of schema: JSONValue) throws(DataModelJSONError) -> CID {
        var record = schema
        if case .object(var fields) = schema {
            fields["$type"] = .string("com.atproto.lexicon.schema")
            record = .object(fields)
        }
        return CID.of(DAGCBOR.encode(try DataValue(json: record)))
    }

    /// `com.example.feed.post` → `com/example/feed/post.json` below `directory`.
    public static func path(of nsid: String, in directory: String) -> String {
        (directory as NSString).appendingPathComponent(nsid.replacingOccurrences(of: ".", with: "/") + ".json")
    }

    /// Checks each pinned schema's file in `sources` against its CID: a missing, unreadable or changed file is a
    /// problem naming the file and both CIDs.
    public func problems(in sources: [LexiconSource], directory: String) -> [LexiconProblem] {
        let byID = Dictionary(sources.compactMap { source in source.expectedID.map { ($0, source) } }, uniquingKeysWith: { first, _ in first })
        var problems: [LexiconProblem] = []
        for (nsid, pin) in pins.sorted(by: { $0.key < $1.key }) {
            guard let source = byID[nsid] else {
                problems.append(
                    LexiconProblem(
                        file: Self.path(of: nsid, in: directory), path: "",
                        message: "\(nsid) is pinned in \(LexiconCatalog.lockFileName) but has no file"))
                continue
            }
            let local: CID
            do {
                local = try Self.recordCID(of: try JSONValue(parsing: source.bytes))
            } catch {
                problems.append(LexiconProblem(file: source.name, path: "", message: "\(nsid) cannot be pinned: \(error)"))
                continue
            }
            if local != pin.cid {
                problems.append(
                    LexiconProblem(
                        file: source.name, path: "",
                        message:
                            "\(nsid) differs from its pin in \(LexiconCatalog.lockFileName): the file is \(local), the pin \(pin.cid) (from \(pin.did))"
                    ))
            }
        }
        return problems
    }
}
