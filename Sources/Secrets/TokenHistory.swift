import Foundation
import Sodium

/// The key the token history is fingerprinted under: 32 random bytes made once per store, kept in its metadata
/// sealed under the master key, and re-sealed (not replaced) by a re-key. So fingerprints taken before a re-key
/// still match after the old master key is dropped: a token Sigil once held is recognized for good. Never printed.
public struct TokenHistory: Sendable, CustomStringConvertible {
    static let metadataKey = "token_history_key"
    static let filledKey = "token_history_filled"
    static let associatedData = Array("sigil:token-history-key".utf8)
    let key: [UInt8]

    public var description: String { "TokenHistory(redacted)" }

    init(key: [UInt8]) { self.key = key }

    /// The history fingerprint of token text.
    public func fingerprint(_ text: String) -> [UInt8] {
        Sodium.hmacSHA256(key: key, message: Array("sigil token history v1\u{0}".utf8) + Array(text.utf8))
    }

    /// The store's history key, made and stored (sealed under the ring's current key) on first use.
    static func load(store: any SecretStore, keys: MasterKeyRing) async throws -> TokenHistory {
        if let sealed = try await store.metadata(metadataKey) {
            guard let key = SealedToken.open(sealed, associatedData: associatedData, keys: keys), key.count == 32 else {
                throw SecretServiceError.wrongMasterKey
            }
            return TokenHistory(key: key)
        }
        // Another replica starting at the same time may store its own first: the one stored wins, for both.
        let stored = try await store.insertMetadata(
            metadataKey, SealedToken.seal(Sodium.randomBytes(32), associatedData: associatedData, key: keys.current))
        guard let key = SealedToken.open(stored, associatedData: associatedData, keys: keys), key.count == 32 else {
            throw SecretServiceError.unavailable("the token history key did not read back")
        }
        return TokenHistory(key: key)
    }

    /// Seals the history key under `keys`' current master key (a re-key).
    func reseal(store: any SecretStore, keys: MasterKeyRing) async throws {
        try await store.setMetadata(Self.metadataKey, SealedToken.seal(key, associatedData: Self.associatedData, key: keys.current))
    }
}
