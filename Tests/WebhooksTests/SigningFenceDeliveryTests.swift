import AsyncPrimitives
import Foundation
import NetworkPolicy
import Secrets
import SigilTestSupport
import Storage
import StoreTestSupport
import Testing
import WebhookSignature

@testable import Webhooks

/// A gate an attempt stops at once it is signed, before its request head is written.
final class SignedAttemptGate: Sendable {
    let reached = OneShot<Void>()
    let release = OneShot<Void>()

    func stop(_ item: NewDelivery) async {
        reached.resolve(())
        await release.wait()
    }
}

/// The worker holds what signed an attempt (a secret's tokens, a signing key's seeds) against rotation until the
/// request head is written, not just until it has signed: held at the gate, a signed attempt keeps a rotation
/// of its secret or key waiting; let go, the rotation returns only after the request went out. On both stores.
@Suite("The signer is held until the request head is written")
struct SigningFenceDeliveryTests {
    enum Signer: String, CaseIterable, Sendable, CustomStringConvertible {
        case secret, signingKey
        var description: String { rawValue }
    }

    static var cases: [(StoreKind, Signer)] { StoreKind.enabled.flatMap { kind in Signer.allCases.map { (kind, $0) } } }

    @Test(arguments: cases)
    func aRotationWaitsForTheSignedAttemptsHead(_ kind: StoreKind, _ signer: Signer) async throws {
        let network = StandInNetwork()
        let gate = SignedAttemptGate()
        try await network.serve { () async throws -> Void in
            await network.publishDID(alice, key: nil)
            let pipeline = try await Pipeline.make(
                network: network, store: kind,
                configure: { configuration in
                    configuration.afterSigning = { item in await gate.stop(item) }
                })
            let base = await network.base
            try await pipeline.run(network: network) { () async throws -> Void in
                // What signs now: a token secret or an Ed25519 signing key named "deploy".
                var verifyOld: @Sendable (StandInNetwork.Received) -> Bool = { _ in false }
                switch signer {
                case .secret:
                    let token = try await pipeline.secrets.create(owner: alice, name: "deploy").token
                    let verifier = try WebhookVerifier(token: token.text)
                    verifyOld = { (try? verifier.verify(body: $0.body, headers: $0.headers)) != nil }
                case .signingKey:
                    let key = try await pipeline.signingKeys.create(owner: alice, name: "deploy")
                    let verifier = try WebhookKeyVerifier(publicKeys: [try WebhookPublicKey(bytes: key.publicKey).text])
                    verifyOld = { (try? verifier.verify(body: $0.body, headers: $0.headers)) != nil }
                }
                let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", events: ["create"], secretId: "deploy")
                await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1", record)
                await network.emit(
                    commitEvent(did: alice, time: 1_000, operation: "create", collection: "place.wisp.v2.wh", rkey: "w1", record: record))
                #expect(try await eventually { pipeline.registry.index.count == 1 })
                await network.emit(
                    commitEvent(did: alice, time: 2_000, operation: "create", collection: "app.bsky.feed.post", rkey: "p1", record: [:]))

                // Signed, and stopped before its head is written.
                await gate.reached.wait()
                let rotated = OneShot<Void>()
                let rotation = Task {
                    defer { rotated.resolve(()) }
                    switch signer {
                    case .secret: _ = try await pipeline.secrets.rotate(owner: alice, name: "deploy")
                    case .signingKey: _ = try await pipeline.signingKeys.rotate(owner: alice, name: "deploy", overlapSeconds: 0)
                    }
                }
                // The rotation waits for the signed attempt: it is queued on the fence, and has not returned.
                #expect(
                    try await eventually { pipeline.secrets.fence.waitingWriters(owner: alice, name: "deploy") == 1 },
                    "the rotation should wait for the signed attempt, not commit past it")
                #expect(!rotated.isResolved, "rotate returned while a request signed with the old \(signer) was not yet written")
                #expect(await network.received.isEmpty)

                // Let go: the request goes out signed by what signed it, then the rotation commits.
                gate.release.resolve(())
                try await rotation.value
                #expect(try await eventually { await network.received.count == 1 })
                let delivery = await network.received[0]
                #expect(verifyOld(delivery), "signed with the \(signer) as it was when the attempt signed")
            }
        }
    }
}
