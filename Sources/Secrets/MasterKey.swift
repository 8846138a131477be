import Foundation
import Sodium

/// The key every token is sealed under: 32 bytes, kept in a file as base64 text (mode 0600).
///
/// A wrong or missing key fails loudly at start (``SecretService/open(store:masterKey:)`` checks it
/// against a sealed check value in the store); there is no silent fallback.
public struct MasterKey: Sendable {
    let bytes: [UInt8]

    /// 8 bytes naming this key inside sealed values (HMAC of a fixed label; reveals nothing of the key).
    public var id: [UInt8] {
        Array(Sodium.hmacSHA256(key: bytes, message: Array("sigil master key id".utf8)).prefix(8))
    }

    /// Why a key file could not be used.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A new random key.
    public static func generate() -> MasterKey {
        MasterKey(bytes: Sodium.randomBytes(Sodium.AEAD.keyBytes))
    }

    /// Reads a key file (base64 of 32 bytes, surrounding whitespace ignored).
    public static func read(from path: String) throws(Failure) -> MasterKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "cannot read master key file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: text), bytes.count == Sodium.AEAD.keyBytes else {
            throw Failure(description: "master key file \(path) must hold base64 of exactly \(Sodium.AEAD.keyBytes) bytes")
        }
        return MasterKey(bytes: [UInt8](bytes))
    }

    /// Writes a new key file with mode 0600; refuses to overwrite an existing one (atomically).
    public func write(to path: String) throws(Failure) {
        guard try create(at: path) == .created else { throw Failure(description: "\(path) already exists") }
    }

    private func create(at path: String) throws(Failure) -> ExclusiveFile.Outcome {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        do {
            return try ExclusiveFile.create(atPath: path, contents: Array((Data(bytes).base64EncodedString() + "\n").utf8))
        } catch {
            throw Failure(description: "cannot write master key file \(path)")
        }
    }

    /// The key at `path`, creating it (0600) if there is none; `created` says which happened. Two processes
    /// starting at once end up with the same key.
    public static func loadOrCreate(at path: String) throws(Failure) -> (key: MasterKey, created: Bool) {
        if FileManager.default.fileExists(atPath: path) { return (try read(from: path), false) }
        let key = generate()
        if try key.create(at: path) == .created { return (key, true) }
        return (try read(from: path), false)
    }
}

/// The master key that seals new values, plus previous keys that may still open old ones (during an
/// online re-key: start replicas with the new key and the old one as previous, run `sigil secrets rekey`,
/// then drop the old key).
public struct MasterKeyRing: Sendable {
    public let current: MasterKey
    public let previous: [MasterKey]

    public init(current: MasterKey, previous: [MasterKey] = []) {
        self.current = current
        self.previous = previous
    }

    /// The key whose id is `id`.
    func key(id: ArraySlice<UInt8>) -> MasterKey? {
        ([current] + previous).first { $0.id[...] == id }
    }
}
