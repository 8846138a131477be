import HummingbirdWSClient
import Lexicon

/// Collates WebSocket frames into messages without ever holding more than `maxBytes` of one: a larger
/// message is reported as `.oversized` with its first bytes, and its remaining frames are dropped as they come.
package struct MessageAssembler {
    package enum Message {
        case complete([UInt8])
        case oversized(prefix: [UInt8], size: Int)
    }

    package let maxBytes: Int
    package let keptPrefixBytes: Int
    private var buffer: [UInt8] = []
    private var size = 0
    private var oversized = false

    package init(maxBytes: Int, keptPrefixBytes: Int) {
        self.maxBytes = maxBytes
        self.keptPrefixBytes = keptPrefixBytes
    }

    /// Adds a frame; returns a message when `frame` finished one.
    mutating func append(_ frame: WebSocketDataFrame) -> Message? {
        append(startsMessage: frame.opcode != .continuation, fin: frame.fin, frame.data.readableBytesView)
    }

    /// Adds a frame's payload: `startsMessage` for a text or binary frame, false for a continuation.
    package mutating func append(startsMessage: Bool, fin: Bool, _ data: some Collection<UInt8>) -> Message? {
        if startsMessage {
            buffer.removeAll(keepingCapacity: true)
            size = 0
            oversized = false
        }
        let (total, overflow) = size.addingReportingOverflow(data.count)
        size = overflow ? Int.max : total
        if !oversized {
            if size > maxBytes {
                oversized = true
                let room = max(0, keptPrefixBytes - buffer.count)
                buffer = Array(buffer.prefix(keptPrefixBytes)) + Array(data.prefix(room))
            } else {
                buffer.append(contentsOf: data)
            }
        }
        guard fin else { return nil }
        defer {
            buffer = []
            size = 0
            oversized = false
        }
        return oversized ? .oversized(prefix: buffer, size: size) : .complete(buffer)
    }
}

/// What one Jetstream message is to the consumer: a JSON value to process, or a message it skips (with the
/// `time_us` found in its first bytes, so the cursor can move past it).
package enum JetstreamMessage {
    case value(JSONValue)
    case skipped(reason: String, size: Int, time: Int64?)

    package init(_ message: MessageAssembler.Message) {
        switch message {
        case .complete(let bytes):
            if let value = try? JSONValue(parsing: bytes) {
                self = .value(value)
            } else {
                self = .skipped(reason: "that is not JSON", size: bytes.count, time: JetstreamEvent.time(inPrefixOf: bytes))
            }
        case .oversized(let prefix, let size):
            self = .skipped(reason: "over the size limit", size: size, time: JetstreamEvent.time(inPrefixOf: prefix))
        }
    }
}
