/// Why bytes are not a CAR v1 file this reader accepts; the message names the offset and the rule.
public struct CARError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "CAR at byte \(offset): \(reason)" }
}

/// CAR v1 (content-addressed archives, as `com.atproto.sync.getRecord` and the firehose send blocks): a header
/// `{version: 1, roots: [CID]}` and blocks, each a varint length, a binary CID and the data. Every block's CID is
/// checked against its data; every limit is explicit.
public enum CAR {
    public struct Limits: Sendable {
        /// Bytes of the whole file.
        public var maxBytes = 2 << 20
        /// Bytes of the header.
        public var maxHeaderBytes = 1_024
        /// Blocks.
        public var maxBlocks = 10_000
        /// Bytes of one block's data.
        public var maxBlockBytes = 1 << 20
        public init() {}
    }

    /// The roots and the blocks (by CID) of `bytes`.
    public static func read(_ bytes: [UInt8], limits: Limits = Limits()) throws(CARError) -> (roots: [CID], blocks: [CID: [UInt8]]) {
        guard bytes.count <= limits.maxBytes else { throw CARError(offset: 0, reason: "more than \(limits.maxBytes) bytes") }
        var offset = 0
        let headerLength = try varint(bytes, &offset)
        guard headerLength > 0, headerLength <= UInt64(limits.maxHeaderBytes) else {
            throw CARError(offset: 0, reason: "a header of \(headerLength) bytes (1 to \(limits.maxHeaderBytes))")
        }
        guard headerLength <= UInt64(bytes.count - offset) else { throw CARError(offset: offset, reason: "the header runs past the end") }
        let header: DataValue
        do {
            header = try DAGCBOR.decode(Array(bytes[offset..<(offset + Int(headerLength))]))
        } catch {
            throw CARError(offset: offset, reason: "the header is not DAG-CBOR (\(error.reason))")
        }
        guard header["version"]?.integerValue == 1, let rootValues = header["roots"]?.arrayValue else {
            throw CARError(offset: offset, reason: "the header is not {version: 1, roots: [...]}")
        }
        let roots = rootValues.compactMap(\.linkValue)
        guard roots.count == rootValues.count else { throw CARError(offset: offset, reason: "a root that is not a CID") }
        offset += Int(headerLength)
        var blocks: [CID: [UInt8]] = [:]
        while offset < bytes.count {
            let start = offset
            guard blocks.count < limits.maxBlocks else { throw CARError(offset: start, reason: "more than \(limits.maxBlocks) blocks") }
            let length = try varint(bytes, &offset)
            guard length >= 36, length - 36 <= UInt64(limits.maxBlockBytes) else {
                throw CARError(offset: start, reason: "a block of \(length) bytes (36 of CID and at most \(limits.maxBlockBytes) of data)")
            }
            guard length <= UInt64(bytes.count - offset) else { throw CARError(offset: start, reason: "a block runs past the end") }
            guard let cid = CID(bytes: bytes[offset..<(offset + 36)]) else {
                throw CARError(offset: offset, reason: "a block CID that is not v1 sha2-256 dag-cbor or raw")
            }
            let data = Array(bytes[(offset + 36)..<(offset + Int(length))])
            guard CID.of(data, codec: cid.codec) == cid else { throw CARError(offset: start, reason: "block \(cid) does not hash to its CID") }
            blocks[cid] = data
            offset += Int(length)
        }
        return (roots, blocks)
    }

    /// A CAR v1 of `roots` and `blocks` (blocks in the order given).
    public static func write(roots: [CID], blocks: [(CID, [UInt8])]) -> [UInt8] {
        let header = DAGCBOR.encode(.map(["version": .integer(1), "roots": .array(roots.map(DataValue.link))]))
        var out = encodeVarint(UInt64(header.count)) + header
        for (cid, data) in blocks {
            out += encodeVarint(UInt64(36 + data.count)) + cid.bytes + data
        }
        return out
    }

    /// An unsigned LEB128 varint, minimal, at most 9 bytes.
    static func varint(_ bytes: [UInt8], _ offset: inout Int) throws(CARError) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        for index in 0..<9 {
            guard offset < bytes.count else { throw CARError(offset: start, reason: "a length cut short") }
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << (7 * UInt64(index))
            if byte & 0x80 == 0 {
                guard byte != 0 || index == 0 else { throw CARError(offset: start, reason: "a length not in its shortest form") }
                return value
            }
        }
        throw CARError(offset: start, reason: "a length longer than 9 bytes")
    }

    static func encodeVarint(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var rest = value
        repeat {
            let byte = UInt8(rest & 0x7F)
            rest >>= 7
            out.append(rest == 0 ? byte : byte | 0x80)
        } while rest != 0
        return out
    }
}
