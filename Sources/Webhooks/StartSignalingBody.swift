import AsyncPrimitives
import NIOCore

/// A request body of one buffer that tells `started` when the client first asks for it: AsyncHTTPClient
/// asks only after the request head was written to the connection.
struct StartSignalingBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let bytes: ByteBuffer
    let started: OneShot<Void>

    struct AsyncIterator: AsyncIteratorProtocol {
        var bytes: ByteBuffer?
        let started: OneShot<Void>
        mutating func next() async -> ByteBuffer? {
            started.resolve(())
            defer { bytes = nil }
            return bytes
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: bytes, started: started) }
}
