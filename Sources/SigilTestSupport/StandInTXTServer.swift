import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A DNS server on a loopback UDP port answering TXT queries from a table (other names: NXDOMAIN).
public final class StandInTXTServer: @unchecked Sendable {
    public let port: Int
    private let descriptor: Int32
    private let table: LockedRecords

    /// The `HOST:PORT` to give a resolver.
    public var server: String { "127.0.0.1:\(port)" }

    /// Replaces the TXT strings of `name` (nil: the name does not exist).
    public func set(_ name: String, _ values: [String]?) { table.set(name, values) }

    final class LockedRecords: @unchecked Sendable {
        private let lock = NSLock()
        private var records: [String: [String]]
        init(_ records: [String: [String]]) { self.records = records }
        func get(_ name: String) -> [String]? { lock.withLock { records[name] } }
        func set(_ name: String, _ values: [String]?) { lock.withLock { records[name] = values } }
    }

    public init(_ records: [String: [String]]) throws {
        let table = LockedRecords(records)
        self.table = table
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw CocoaError(.fileWriteUnknown) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [descriptor, table] in Self.serve(descriptor, table) }
        thread.start()
    }

    deinit {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }

    private static func serve(_ descriptor: Int32, _ records: LockedRecords) {
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            var peer = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let count = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(descriptor, &buffer, buffer.count, 0, $0, &length) }
            }
            guard count > 12 else { return }
            let query = Array(buffer.prefix(count))
            // The question: labels from offset 12 to the zero byte, then type and class.
            var offset = 12
            var labels: [String] = []
            while offset < query.count, query[offset] != 0 {
                let size = Int(query[offset])
                labels.append(String(decoding: query[(offset + 1)..<min(query.count, offset + 1 + size)], as: UTF8.self))
                offset += 1 + size
            }
            let questionEnd = offset + 5
            guard questionEnd <= query.count else { continue }
            let name = labels.joined(separator: ".")
            let answers = records.get(name)
            var reply = Array(query.prefix(2)) + [0x81, answers == nil ? 0x83 : 0x80, 0, 1, 0, UInt8(answers?.count ?? 0), 0, 0, 0, 0]
            reply += query[12..<questionEnd]
            for text in answers ?? [] {
                let bytes = Array(text.utf8)
                reply +=
                    [0xC0, 0x0C, 0, 16, 0, 1, 0, 0, 0, 60, UInt8((bytes.count + 1) >> 8), UInt8((bytes.count + 1) & 0xFF), UInt8(bytes.count)] + bytes
            }
            _ = withUnsafePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(descriptor, reply, reply.count, 0, $0, length) }
            }
        }
    }
}
