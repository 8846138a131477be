import Sodium

/// Secrets found and rotated by presenting their current token (`dev.sigil.secret.rotateWithToken`).
extension SecretService {
    /// The secret whose current, unexpired token is `text`, found by its keyed fingerprint and confirmed by a
    /// constant-time comparison with the opened token. Any other text (a previous, expired, deleted or made-up
    /// token) is ``SecretServiceError/invalidToken``, the same answer however close it came.
    public func secret(presenting text: String) async throws(SecretServiceError) -> StoredSecret {
        guard text.utf8.count <= 512, SigningToken(text) != nil else { throw .invalidToken }
        let found: StoredSecret?
        do {
            found = try await store.secret(fingerprints: TokenFingerprint.candidates(text: text, keys: keys))
        } catch {
            throw SecretServiceError(error, name: "")
        }
        guard let found, let stored = SealedToken.open(found, keys: keys),
            Sodium.constantTimeEqual(Array(stored.text.utf8), Array(text.utf8)),
            !found.isExpired(at: clock())
        else { throw .invalidToken }
        return found
    }

    /// Rotates the secret whose current token is `text` (``secret(presenting:)``), under its policy, only if
    /// that token is still current when the rotation commits: two rotations by one token cannot both succeed.
    public func rotate(presenting text: String) async throws(SecretServiceError) -> (token: SigningToken, secret: StoredSecret) {
        let found = try await secret(presenting: text)
        do {
            return try await rotate(
                owner: found.owner, name: found.name,
                request: RotationRequest(by: .token, expectedFingerprints: TokenFingerprint.candidates(text: text, keys: keys)))
        } catch {
            if case .notFound = error { throw .invalidToken }
            throw error
        }
    }
}
