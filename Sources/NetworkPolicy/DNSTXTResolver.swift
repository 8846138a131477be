import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// TXT records by DNS, for handle resolution (`_atproto.<handle>`) and lexicon authorities (`_lexicon.<authority>`):
/// a query over UDP to one server, asked again
/// over TCP when the answer came back truncated. The server is given (`HOST:PORT`, an IPv4 address, for tests and
/// closed networks) or the first IPv4 `nameserver` of `/etc/resolv.conf`. Every answer is bounds-checked; one
/// overall deadline per lookup. The blocking socket calls run on a Dispatch queue, never on Swift's cooperative
/// threads.
public struct DNSTXTResolver: Sendable {
    public let host: String
    public let port: UInt16
    public let timeout: Duration

    /// Why a lookup failed (a name that does not exist is no failure: no records).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// `server` as `HOST:PORT` or `HOST` (port 53); nil for the system's first IPv4 nameserver.
    public init(server: String?, timeout: Duration = .seconds(5)) throws(Failure) {
        guard timeout >= .milliseconds(1) else { throw Failure(description: "the DNS timeout must be at least 1 ms") }
        self.timeout = timeout
        if let server {
            let parts = server.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, let host = parts.first.map(String.init), Self.isIPv4(host),
                let port = parts.count == 2 ? UInt16(parts[1]) : 53, port > 0
            else { throw Failure(description: "the DNS server must be an IPv4 address with an optional :PORT, not \(server)") }
            (self.host, self.port) = (host, port)
        } else {
            let conf = (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? ""
            let servers = conf.split(separator: "\n").compactMap { line -> String? in
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                return fields.count >= 2 && fields[0] == "nameserver" && Self.isIPv4(String(fields[1])) ? String(fields[1]) : nil
            }
            guard let first = servers.first else { throw Failure(description: "no IPv4 nameserver in /etc/resolv.conf; give one with --dns-server") }
            (self.host, self.port) = (first, 53)
        }
    }

    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    /// The TXT strings of `name` (each record's character-strings joined), none if the name does not exist.
    public func txt(_ name: String) async throws(Failure) -> [String] {
        guard let query = Self.query(name: name, id: UInt16.random(in: 0...UInt16.max)) else {
            throw Failure(description: "\(name) is not a valid DNS name")
        }
        let (host, port) = (self.host, self.port)
        // One deadline for the whole lookup, the TCP retry of a truncated answer included.
        let deadline = ContinuousClock.now + timeout
        let result: Result<[String], Failure> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(Failure) {
                    var answer = try Self.exchange(query, host: host, port: port, tcp: false, deadline: deadline)
                    if answer.count > 2, answer[2] & 0x02 != 0 {  // TC: truncated, ask again over TCP
                        answer = try Self.exchange(query, host: host, port: port, tcp: true, deadline: deadline)
                    }
                    continuation.resume(returning: .success(try Self.parseTXT(answer, query: query)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// A recursive query for `name`'s TXT records.
    static func query(name: String, id: UInt16) -> [UInt8]? {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        let labels =
            name.hasSuffix(".")
            ? name.dropLast().split(separator: ".", omittingEmptySubsequences: false) : name.split(separator: ".", omittingEmptySubsequences: false)
        guard !labels.isEmpty, name.utf8.count <= 253 else { return nil }
        for label in labels {
            let utf8 = Array(label.utf8)
            guard (1...63).contains(utf8.count) else { return nil }
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes += [0, 0, 16, 0, 1]
        return bytes
    }

    /// One exchange with the server; the raw answer.
    static func exchange(_ query: [UInt8], host: String, port: UInt16, tcp: Bool, deadline: ContinuousClock.Instant) throws(Failure) -> [UInt8] {
        let descriptor = socket(AF_INET, Int32(tcp ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "cannot open a socket") }
        defer { close(descriptor) }
        let timedOut = Failure(description: "no answer from the DNS server \(host):\(port) in time")
        /// Socket timeouts set to what is left of the deadline (at least 1 ms: zero would mean none), before each call.
        func limit() throws(Failure) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw timedOut }
            let capped = max(left, .milliseconds(1))
            var value = timeval(tv_sec: Int(capped.components.seconds), tv_usec: Int(capped.components.attoseconds / 1_000_000_000_000))
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        }
        try limit()
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "cannot reach the DNS server \(host):\(port)") }
        let message = tcp ? [UInt8(query.count >> 8), UInt8(query.count & 0xFF)] + query : query
        guard send(descriptor, message, message.count, 0) == message.count else { throw Failure(description: "cannot send to the DNS server") }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_535)
        repeat {
            try limit()
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += buffer.prefix(count)
            if !tcp { return received }
            if received.count >= 2 {
                let length = Int(received[0]) << 8 | Int(received[1])
                if received.count >= 2 + length { return Array(received[2..<(2 + length)]) }
            }
        } while received.count < 65_537
        throw timedOut
    }

    /// The TXT strings of an answer to `query`: the same id, and the same question.
    static func parseTXT(_ answer: [UInt8], query: [UInt8]) throws(Failure) -> [String] {
        let malformed = Failure(description: "the DNS server sent a malformed answer")
        guard answer.count >= query.count, answer[0] == query[0], answer[1] == query[1], answer[2] & 0x80 != 0,
            answer[12..<query.count].elementsEqual(query[12...])
        else { throw malformed }
        let rcode = answer[3] & 0x0F
        if rcode == 3 { return [] }  // NXDOMAIN
        guard rcode == 0 else { throw Failure(description: "the DNS server answered with error code \(rcode)") }
        // One question, the one asked (checked above), echoed: the answers start right after it.
        guard answer[4] == 0, answer[5] == 1 else { throw malformed }
        let answers = Int(answer[6]) << 8 | Int(answer[7])
        var offset = query.count
        func skipName() throws(Failure) {
            var steps = 0
            while true {
                guard offset < answer.count, steps < 128 else { throw malformed }
                steps += 1
                let length = Int(answer[offset])
                if length == 0 {
                    offset += 1
                    return
                }
                if length & 0xC0 == 0xC0 {
                    offset += 2
                    return
                }
                offset += 1 + length
            }
        }
        var strings: [String] = []
        for _ in 0..<answers {
            try skipName()
            guard offset + 10 <= answer.count else { throw malformed }
            let type = Int(answer[offset]) << 8 | Int(answer[offset + 1])
            let recordClass = Int(answer[offset + 2]) << 8 | Int(answer[offset + 3])
            let length = Int(answer[offset + 8]) << 8 | Int(answer[offset + 9])
            offset += 10
            guard offset + length <= answer.count else { throw malformed }
            if type == 16, recordClass == 1 {
                var text: [UInt8] = []
                var position = offset
                while position < offset + length {
                    let count = Int(answer[position])
                    guard position + 1 + count <= offset + length else { throw malformed }
                    text += answer[(position + 1)..<(position + 1 + count)]
                    position += 1 + count
                }
                strings.append(String(decoding: text, as: UTF8.self))
            }
            offset += length
        }
        return strings
    }
}
