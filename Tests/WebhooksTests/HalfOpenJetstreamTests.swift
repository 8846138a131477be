import Crypto
import Foundation
import Jetstream
import Logging
import Testing

@testable import Webhooks

/// A "Jetstream" that completes the WebSocket handshake and then goes silent: no events, no pongs, never
/// a close (a half-open connection, as after a network partition). Counts the connections it accepted.
final class SilentWebSocketServer: @unchecked Sendable {
    private let listener: Int32
    private let lock = NSLock()
    private var accepted: [Int32] = []
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    var connections: Int { lock.withLock { accepted.count } }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !request.ends(with: Array("\r\n\r\n".utf8)) {
                let count = read(client, &buffer, buffer.count)
                guard count > 0 else { break }
                request += buffer.prefix(count)
            }
            let text = String(decoding: request, as: UTF8.self)
            let key =
                text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("sec-websocket-key:") }?
                .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? ""
            let accept = Data(Insecure.SHA1.hash(data: Data((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))).base64EncodedString()
            let answer = Array(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n\r\n".utf8)
            _ = write(client, answer, answer.count)
            lock.withLock { accepted.append(client) }  // kept open, never read again
        }
    }

    deinit {
        close(listener)
        for client in accepted { close(client) }
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}

@Suite("Half-open Jetstream")
struct HalfOpenJetstreamTests {
    /// A connection on which pings go unanswered is closed and made again: the consumer never waits forever
    /// on a peer that is gone.
    @Test func unansweredPingsMakeTheConsumerReconnect() async throws {
        let silent = try SilentWebSocketServer()
        let network = StandInNetwork()
        let pipeline = try await Pipeline.make(network: network)
        let consumer = JetstreamConsumer(
            url: "ws://127.0.0.1:\(silent.port)/subscribe",
            sink: EventProcessor(registry: pipeline.registry, store: pipeline.store), logger: Logger(label: "test"),
            pingInterval: .milliseconds(500))
        let running = Task { try await consumer.run() }
        #expect(try await eventually { silent.connections >= 1 })
        #expect(try await eventually(.seconds(20)) { silent.connections >= 2 }, "the consumer stayed on a silent connection")
        running.cancel()
        _ = try? await running.value
        await pipeline.cleanUp()
        await pipeline.cleanUp()
    }
}
