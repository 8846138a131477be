/// Why a key could not be looked up in an MST from the blocks given; the message names the node and the rule.
public struct MSTProofError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    /// The walk needed a block the proof does not have (rather than finding a wrong one).
    public var isMissingBlock = false
}

extension MST {
    /// The value of `key` in the tree at `root`, or nil if the tree proves it absent, reading only `blocks` (each
    /// checked against its CID): a proof of presence or of absence. A block the walk needs and does not have, a
    /// node that is not an MST node, or keys out of order are refused.
    public static func lookup(_ key: String, root: CID, blocks: [CID: [UInt8]]) throws(MSTProofError) -> CID? {
        let wanted = Array(key.utf8)
        var cid = root
        for _ in 0..<256 {
            guard let bytes = blocks[cid] else { throw MSTProofError(description: "the proof is missing block \(cid)", isMissingBlock: true) }
            guard CID.of(bytes, codec: cid.codec) == cid else { throw MSTProofError(description: "block \(cid) does not hash to its CID") }
            let node: DataValue
            do {
                node = try DAGCBOR.decode(bytes)
            } catch {
                throw MSTProofError(description: "block \(cid) is not DAG-CBOR: \(error)")
            }
            guard let entries = node["e"]?.arrayValue, let left = node["l"] else {
                throw MSTProofError(description: "block \(cid) is not an MST node (no l and e)")
            }
            var previous: [UInt8] = []
            // The subtree the key would be in: before the first entry above it (`l`, or the previous entry's `t`).
            var next: DataValue = left
            for entry in entries {
                guard let prefix = entry["p"]?.integerValue, prefix >= 0, Int(prefix) <= previous.count, let suffix = entry["k"]?.bytesValue,
                    let value = entry["v"]?.linkValue, let tree = entry["t"]
                else { throw MSTProofError(description: "block \(cid) has a malformed entry") }
                let full = Array(previous.prefix(Int(prefix))) + suffix
                guard previous.isEmpty || previous.lexicographicallyPrecedes(full) else {
                    throw MSTProofError(description: "block \(cid) has keys out of order")
                }
                if full == wanted { return value }
                if wanted.lexicographicallyPrecedes(full) { break }
                previous = full
                next = tree
            }
            switch next {
            case .null: return nil
            case .link(let child): cid = child
            default: throw MSTProofError(description: "block \(cid) has a subtree that is not a CID")
            }
        }
        throw MSTProofError(description: "the tree is deeper than 256 levels")
    }
}
