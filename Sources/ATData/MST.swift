import Crypto

/// atproto's Merkle Search Tree: the key → CID map a repository commits to. A key's height is the number of
/// leading zero bit-pairs of its SHA-256; a node holds the entries of one height with subtrees between them, and is
/// stored as DAG-CBOR `{"l": CID|null, "e": [{"p": prefix length, "k": key suffix, "v": CID, "t": CID|null}]}`.
public enum MST {
    /// The height of `key` in the tree.
    public static func height(of key: String) -> Int {
        var height = 0
        for byte in SHA256.hash(data: Array(key.utf8)) {
            if byte == 0 {
                height += 4
                continue
            }
            height += byte.leadingZeroBitCount / 2
            break
        }
        return height
    }

    /// How many leading bytes `a` and `b` share.
    public static func commonPrefixLength(_ a: String, _ b: String) -> Int {
        zip(a.utf8, b.utf8).prefix { $0 == $1 }.count
    }

    /// The root of the tree holding `entries` (keys unique), and every node's block by its CID. Nil for no entries.
    public static func build(_ entries: [String: CID]) -> (root: CID, blocks: [CID: [UInt8]]) {
        var blocks: [CID: [UInt8]] = [:]
        let sorted = entries.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { ($0, entries[$0]!, height(of: $0)) }
        let top = sorted.map(\.2).max() ?? 0
        let root = node(sorted[...], height: top, blocks: &blocks)
        return (root, blocks)
    }

    /// The node at `height` over `entries` (sorted, all of height ≤ `height`), stored in `blocks`. Entries of a
    /// lower height between two of this one form the subtree after the first (`t`), or before all (`l`); a level
    /// with none of its own is a node with only `l`.
    static func node(_ entries: ArraySlice<(String, CID, Int)>, height: Int, blocks: inout [CID: [UInt8]]) -> CID {
        var left: CID?
        var items: [DataValue] = []
        var run: [(String, CID, Int)] = []
        var previousKey = ""
        func attach(_ run: [(String, CID, Int)], blocks: inout [CID: [UInt8]]) {
            guard !run.isEmpty else { return }
            let tree = node(run[...], height: height - 1, blocks: &blocks)
            if let last = items.indices.last { items[last] = withTree(items[last], tree) } else { left = tree }
        }
        for (key, value, keyHeight) in entries {
            if keyHeight < height {
                run.append((key, value, keyHeight))
                continue
            }
            attach(run, blocks: &blocks)
            run = []
            let shared = commonPrefixLength(previousKey, key)
            items.append(.map(["p": .integer(Int64(shared)), "k": .bytes(Array(key.utf8.dropFirst(shared))), "v": .link(value), "t": .null]))
            previousKey = key
        }
        attach(run, blocks: &blocks)
        let encoded = DAGCBOR.encode(.map(["l": left.map(DataValue.link) ?? .null, "e": .array(items)]))
        let cid = CID.of(encoded)
        blocks[cid] = encoded
        return cid
    }

    static func withTree(_ entry: DataValue, _ tree: CID?) -> DataValue {
        guard case .map(var fields) = entry else { return entry }
        fields["t"] = tree.map(DataValue.link) ?? .null
        return .map(fields)
    }
}
