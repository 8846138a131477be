/// Why a commit or a record proof was refused; the message names the step.
public struct CommitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which kind of refusal: a resolver names them differently.
    public enum Kind: Sendable, Equatable {
        /// Not a CAR, not a commit, a block not matching its CID, a malformed node.
        case malformed
        /// A block the verification needs is not in the proof.
        case missingBlock
        /// The commit is another account's.
        case wrongAccount
        /// The signature does not verify with the key given.
        case signature
    }

    public let description: String
    public let kind: Kind

    public init(description: String, kind: Kind = .malformed) {
        self.description = description
        self.kind = kind
    }
}

/// A repository commit, version 3: `{did, version: 3, data: CID (the MST root), rev, prev: CID|null, sig}`, signed by
/// the account's `#atproto` key over the DAG-CBOR of the same map without `sig`.
public struct Commit: Sendable, Equatable {
    public let did: String
    public let data: CID
    public let rev: String
    public let prev: CID?
    public let signature: [UInt8]
    /// The bytes the signature covers: the commit without `sig`, canonically encoded.
    public let unsignedBytes: [UInt8]

    /// Decodes a commit block (canonical DAG-CBOR).
    public init(block: [UInt8]) throws(CommitError) {
        let value: DataValue
        do {
            value = try DAGCBOR.decode(block)
        } catch {
            throw CommitError(description: "the commit is not DAG-CBOR: \(error)")
        }
        guard case .map(var fields) = value else { throw CommitError(description: "the commit is not a map") }
        guard fields["version"]?.integerValue == 3 else { throw CommitError(description: "the commit is not version 3") }
        guard let did = fields["did"]?.stringValue, did.hasPrefix("did:") else { throw CommitError(description: "the commit names no DID") }
        guard let data = fields["data"]?.linkValue else { throw CommitError(description: "the commit's data is not a CID") }
        guard let rev = fields["rev"]?.stringValue, !rev.isEmpty, rev.utf8.count <= 64 else {
            throw CommitError(description: "the commit has no rev")
        }
        let prev: CID?
        switch fields["prev"] {
        case .link(let cid)?: prev = cid
        case .null?, nil: prev = nil
        default: throw CommitError(description: "the commit's prev is neither a CID nor null")
        }
        guard let signature = fields["sig"]?.bytesValue, signature.count == 64 else {
            throw CommitError(description: "the commit's signature is not 64 bytes")
        }
        fields["sig"] = nil
        (self.did, self.data, self.rev, self.prev, self.signature) = (did, data, rev, prev, signature)
        unsignedBytes = DAGCBOR.encode(.map(fields))
    }

    /// Whether the signature verifies under `isValid` (the account's key: a 64-byte low-S `r‖s` over SHA-256 of the
    /// unsigned bytes, e.g. `Multikey.isValidSignature`).
    public func isSigned(by isValid: (_ signature: [UInt8], _ message: [UInt8]) -> Bool) -> Bool {
        isValid(signature, unsignedBytes)
    }
}

/// A record as `com.atproto.sync.getRecord` proves it: a CAR whose root is a signed commit, the MST path from the
/// commit's data to the record's key, and the record's block.
public enum RecordProof {
    /// The record at `collection/rkey` in `did`'s repository, proved by `car`, its commit signed per `isValid`;
    /// nil when the proof shows the record absent. Every refusal names its step.
    public static func verify(
        car: [UInt8], did: String, collection: String, rkey: String, limits: CAR.Limits = CAR.Limits(),
        isValid: (_ signature: [UInt8], _ message: [UInt8]) -> Bool
    ) throws(CommitError) -> (record: DataValue, cid: CID, commit: Commit)? {
        let (roots, blocks): ([CID], [CID: [UInt8]])
        do {
            (roots, blocks) = try CAR.read(car, limits: limits)
        } catch {
            throw CommitError(description: "the proof is not a CAR: \(error)")
        }
        guard roots.count == 1, let root = roots.first else { throw CommitError(description: "the proof has \(roots.count) roots, not one commit") }
        guard let block = blocks[root] else { throw CommitError(description: "the proof is missing its commit block", kind: .missingBlock) }
        let commit = try Commit(block: block)
        guard commit.did == did else { throw CommitError(description: "the commit is \(commit.did)'s, not \(did)'s", kind: .wrongAccount) }
        guard commit.isSigned(by: isValid) else {
            throw CommitError(description: "the commit's signature does not verify with \(did)'s key", kind: .signature)
        }
        let found: CID?
        do {
            found = try MST.lookup("\(collection)/\(rkey)", root: commit.data, blocks: blocks)
        } catch {
            throw CommitError(description: "the proof's tree: \(error)", kind: error.isMissingBlock ? .missingBlock : .malformed)
        }
        guard let found else { return nil }
        guard let recordBlock = blocks[found] else {
            throw CommitError(description: "the proof is missing the record block \(found)", kind: .missingBlock)
        }
        do {
            return (try DAGCBOR.decode(recordBlock), found, commit)
        } catch {
            throw CommitError(description: "the record is not DAG-CBOR: \(error)")
        }
    }
}
