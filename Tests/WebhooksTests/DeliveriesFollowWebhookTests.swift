import Foundation
import Lexicon
import Secrets
import Storage
import Testing
import WebhookSignature

@testable import Webhooks

/// A queued delivery goes out only while its webhook still wants it, as it is at send time.
@Suite("Deliveries follow their webhook", .serialized)
struct DeliveriesFollowWebhookTests {
    /// Runs `body` with a pipeline whose receiver fails each first attempt (503), so every delivery is pending
    /// for its 1 s retry when the test changes the webhook.
    func withPipeline(
        _ kind: StoreKind, autoDisableAfter: Duration = .seconds(3 * 86_400), retries: Int = 3,
        _ body: @Sendable @escaping (Pipeline, StandInNetwork, String) async throws -> Void
    ) async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            await network.publishDID(alice, key: nil)
            let pipeline = try await Pipeline.make(network: network, store: kind, autoDisableAfter: autoDisableAfter, retries: retries)
            let base = await network.base
            do {
                try await pipeline.run(network: network) { () async throws -> Void in try await body(pipeline, network, base) }
            } catch {
                // The pinned clients must be shut down whichever way the test ends (a failed #require throws).
                await pipeline.cleanUp()
                throw error
            }
            await pipeline.cleanUp()
        }
    }

    final class Times: @unchecked Sendable {
        private let lock = NSLock()
        private var time: Int64 = 1_700_000_000_000_000
        func next() -> Int64 {
            lock.withLock {
                time += 1_000
                return time
            }
        }
    }

    /// Puts `record` as alice's webhook `w1` and waits until the index has it (`check`).
    func put(
        _ record: JSONValue, _ pipeline: Pipeline, _ network: StandInNetwork, _ times: Times,
        until check: @escaping @Sendable (ActiveWebhook?) -> Bool
    ) async throws {
        await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1", record)
        await network.emit(
            commitEvent(did: alice, time: times.next(), operation: "update", collection: "place.wisp.v2.wh", rkey: "w1", record: record))
        #expect(try await eventually { check(pipeline.registry.index.webhook(owner: alice, rkey: "w1")) })
    }

    func post(_ rkey: String, _ network: StandInNetwork, _ times: Times) async {
        await network.emit(
            commitEvent(did: alice, time: times.next(), operation: "create", collection: "app.bsky.feed.post", rkey: rkey, record: [:]))
    }

    enum Change: String, CaseIterable, Sendable {
        case deleted, disabled, repointed, otherSecret, otherInlineSecret
    }

    /// The receiver fails every attempt (retries every second for 20 s), so the delivery is pending whenever the
    /// change is applied; from then on nothing more is sent.
    @Test(arguments: Change.allCases, StoreKind.enabled)
    func aPendingDeliveryIsCancelledWhenItsWebhookChanges(_ change: Change, _ kind: StoreKind) async throws {
        try await withPipeline(kind, retries: 20) { pipeline, network, base in
            let times = Times()
            _ = try await pipeline.secrets.create(owner: alice, name: "deploy")
            _ = try await pipeline.secrets.create(owner: alice, name: "other")
            let scope = "at://\(alice)/app.bsky.feed.post"
            let inline = change == .otherInlineSecret
            let original =
                inline
                ? webhookRecord(url: base + "/hook", scope: scope, secret: "inline-one")
                : webhookRecord(url: base + "/hook", scope: scope, secretId: "deploy")
            try await put(original, pipeline, network, times) { $0 != nil }

            await network.script(statuses: Array(repeating: 503, count: 30))
            await post("p1", network, times)
            #expect(try await eventually { await network.received.count == 1 })

            switch change {
            case .deleted:
                await network.deleteRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1")
                await network.emit(commitEvent(did: alice, time: times.next(), operation: "delete", collection: "place.wisp.v2.wh", rkey: "w1"))
                #expect(try await eventually { pipeline.registry.index.webhook(owner: alice, rkey: "w1") == nil })
            case .disabled:
                var fields = original.objectValue!
                fields["enabled"] = false
                try await put(.object(fields), pipeline, network, times) { $0?.enabled == false }
            case .repointed:
                try await put(webhookRecord(url: base + "/elsewhere", scope: scope, secretId: "deploy"), pipeline, network, times) {
                    $0?.url.hasSuffix("/elsewhere") == true
                }
            case .otherSecret:
                try await put(webhookRecord(url: base + "/hook", scope: scope, secretId: "other"), pipeline, network, times) {
                    $0?.secretName == "other"
                }
            case .otherInlineSecret:
                try await put(webhookRecord(url: base + "/hook", scope: scope, secret: "inline-two"), pipeline, network, times) {
                    $0?.inlineSecret == "inline-two"
                }
            }

            let reason =
                switch change {
                case .deleted: "webhook deleted"
                case .disabled: "webhook disabled"
                case .repointed: "another URL"
                case .otherSecret: "another secret"
                case .otherInlineSecret: "secret changed"
                }
            let sentBeforeTheChange = await network.received.count
            #expect(try await eventually(.seconds(20)) { try await pipeline.store.deliveries(status: .cancelled, limit: 10).count == 1 })
            let cancelled = try #require(try await pipeline.store.deliveries(status: .cancelled, limit: 10).first)
            #expect(cancelled.lastError?.contains(reason) == true, "\(String(describing: cancelled.lastError))")
            // At most the attempt already in flight when the change was applied (it checked the webhook before).
            #expect(await network.received.count <= sentBeforeTheChange + 1, "retries went out after the webhook changed")
            #expect(try await pipeline.store.deliveries(status: .pending, limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func anInlineSecretIsReadFromTheWebhookAtSendTimeAndNeverQueued(_ kind: StoreKind) async throws {
        try await withPipeline(kind) { pipeline, network, base in
            let times = Times()
            let secret = "inline-plaintext-\(UUID().uuidString)"
            try await put(webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secret: secret), pipeline, network, times) {
                $0 != nil
            }
            await network.script(statuses: [503])
            await post("p1", network, times)
            #expect(try await eventually { await network.received.count == 2 })
            for delivery in await network.received {
                #expect(delivery.headers["x-webhook-signature"] == WebhookSigner.wispSignature(secret: secret, body: delivery.body))
            }
            let stored = try await pipeline.store.deliveries(status: nil, limit: 10)
            #expect(stored.count == 1 && stored.first?.delivery.inlineSecretFingerprint == NewDelivery.fingerprint(ofInlineSecret: secret))
            // The queue holds its fingerprint only (the webhook's record, stored to sign with, is where it lives), and
            // the payload never carries it.
            for delivery in stored { #expect(delivery.delivery.body.firstRange(of: Array(secret.utf8)) == nil) }
        }
    }

    @Test(arguments: StoreKind.enabled)
    func retryAfterIsHonouredAndNeverEarlier(_ kind: StoreKind) async throws {
        try await withPipeline(kind) { pipeline, network, base in
            let times = Times()
            _ = try await pipeline.secrets.create(owner: alice, name: "deploy")
            try await put(webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secretId: "deploy"), pipeline, network, times)
            { $0 != nil }
            await network.script(statuses: [429])
            await network.script(headers: [["Retry-After": "2"]])
            await post("p1", network, times)
            #expect(try await eventually { await network.received.count == 1 })
            #expect(
                try await eventually {
                    try await pipeline.store.deliveries(status: .pending, limit: 1).first?.lastError?.contains("Retry-After: 2 s") == true
                })
            let pending = try #require(try await pipeline.store.deliveries(status: .pending, limit: 1).first)
            #expect(pending.nextAttemptAt - pending.updatedAt >= 2_000, "the 1 s schedule step was not stretched to the 2 s asked for")
            #expect(try await eventually(.seconds(10)) { await network.received.count == 2 })
            let arrivals = await network.arrivals
            try #require(arrivals.count >= 2)
            #expect(arrivals[1] - arrivals[0] >= .seconds(2), "retried \(arrivals[1] - arrivals[0]) after a Retry-After of 2 s")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func goneDisablesTheWebhookUntilItsRecordChanges(_ kind: StoreKind) async throws {
        try await withPipeline(kind) { pipeline, network, base in
            let times = Times()
            _ = try await pipeline.secrets.create(owner: alice, name: "deploy")
            let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secretId: "deploy")
            try await put(record, pipeline, network, times) { $0 != nil }
            await network.script(statuses: [410])
            await post("p1", network, times)
            #expect(try await eventually { pipeline.registry.index.webhook(owner: alice, rkey: "w1")?.enabled == false })
            let paused = try #require(pipeline.registry.index.webhook(owner: alice, rkey: "w1"))
            #expect(paused.disabledReason?.contains("410") == true)
            #expect(
                try await eventually { try await pipeline.store.deliveries(status: .dead, limit: 1).first?.lastError?.contains("410 Gone") == true })
            #expect(try await pipeline.store.webhooks().first?.disabledReason?.contains("410") == true, "stored, so a restart keeps it paused")
            // Events while paused queue nothing.
            let queued = try await pipeline.queued()
            await post("p2", network, times)
            #expect(try await pipeline.settled(at: times.next() - 1_000))
            #expect(try await pipeline.queued() == queued)
            // The owner updates the record: it is active again.
            var fields = record.objectValue!
            fields["createdAt"] = "2026-11-23T11:00:00.000Z"
            try await put(.object(fields), pipeline, network, times) { $0?.enabled == true && $0?.disabledReason == nil }
            #expect(try await pipeline.store.webhooks().first?.disabledReason == nil)
            await post("p3", network, times)
            #expect(try await eventually { await network.received.count == 2 })
        }
    }

    /// Sigil's own failures never count against a receiver: with a pause after no time at all, a webhook whose
    /// deliveries cannot be signed (its secret was never created) is not paused and has no failing streak; the
    /// receiver was never asked.
    @Test(arguments: StoreKind.enabled)
    func sigilsOwnFailuresNeverPauseAWebhook(_ kind: StoreKind) async throws {
        try await withPipeline(kind, autoDisableAfter: .zero) { pipeline, network, base in
            let times = Times()
            let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secretId: "never-created")
            try await put(record, pipeline, network, times) { $0 != nil }
            await post("p1", network, times)
            await post("p2", network, times)
            #expect(try await eventually { try await pipeline.store.deliveries(status: .dead, limit: 10).count == 2 })
            #expect(pipeline.registry.index.webhook(owner: alice, rkey: "w1")?.enabled == true)
            let stored = try await pipeline.store.webhooks().first
            #expect(stored?.disabledReason == nil && stored?.failingSince == nil, "no streak from Sigil's failures")
            #expect(await network.received.isEmpty)
        }
    }

    /// A webhook whose every attempt fails for the configured span (1 s here) is paused with the reason; what was
    /// pending is cancelled with that reason (visible, not dropped); a change of its record resumes it.
    @Test(arguments: StoreKind.enabled)
    func persistentFailurePausesTheWebhookUntilItsRecordChanges(_ kind: StoreKind) async throws {
        try await withPipeline(kind, autoDisableAfter: .seconds(1)) { pipeline, network, base in
            let times = Times()
            _ = try await pipeline.secrets.create(owner: alice, name: "deploy")
            let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secretId: "deploy")
            try await put(record, pipeline, network, times) { $0 != nil }
            await network.script(statuses: Array(repeating: 503, count: 50))
            await post("p1", network, times)
            await post("p2", network, times)
            #expect(try await eventually(.seconds(15)) { pipeline.registry.index.webhook(owner: alice, rkey: "w1")?.enabled == false })
            let reason = try #require(pipeline.registry.index.webhook(owner: alice, rkey: "w1")?.disabledReason)
            #expect(reason.contains("every delivery attempt failed for 1 s"), "\(reason)")
            #expect(try await pipeline.store.webhooks().first?.disabledReason == reason)
            // Nothing is left pending and nothing was dropped: each delivery ended visibly, with its reason.
            #expect(try await eventually(.seconds(15)) { try await pipeline.store.deliveries(status: .pending, limit: 10).isEmpty })
            let ended = try await pipeline.store.deliveries(status: nil, limit: 10)
            #expect(ended.count == 2 && ended.allSatisfy { $0.status == .cancelled || $0.status == .dead }, "\(ended.map(\.status))")
            #expect(ended.allSatisfy { $0.lastError != nil })

            await network.script(statuses: [])
            var fields = record.objectValue!
            fields["createdAt"] = "2026-11-23T12:00:00.000Z"
            try await put(.object(fields), pipeline, network, times) { $0?.enabled == true }
            #expect(try await pipeline.store.webhooks().first?.failingSince == nil, "the record change ended the streak")
            let before = await network.received.count
            await post("p3", network, times)
            #expect(try await eventually { await network.received.count == before + 1 })
        }
    }

    /// 100 webhooks per account are served (the 101st is ignored; the ones it has can still change); one event
    /// queues deliveries for at most 16 webhooks of one account and 256 in all.
    @Test(arguments: StoreKind.enabled)
    func webhooksPerAccountAndPerEventAreCapped(_ kind: StoreKind) async throws {
        try await withPipeline(kind) { pipeline, network, base in
            let times = Times()
            let registry = pipeline.registry
            let crowded = "did:plc:capaaaaaaaaaaaaaaaaaaaaa"
            for i in 0..<101 {
                let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secret: "s\(i)")
                try await registry.activate(owner: crowded, rkey: "w\(i)", record: record, now: 1, logger: registry.logger)
            }
            #expect(registry.index.count(owner: crowded) == registry.maxWebhooksPerOwner)
            #expect(registry.index.webhook(owner: crowded, rkey: "w100") == nil, "the 101st was ignored")
            let changed = webhookRecord(url: base + "/elsewhere", scope: "at://\(alice)/app.bsky.feed.post", secret: "s0")
            try await registry.activate(owner: crowded, rkey: "w0", record: changed, now: 2, logger: registry.logger)
            #expect(
                registry.index.webhook(owner: crowded, rkey: "w0")?.url.hasSuffix("/elsewhere") == true,
                "a served webhook can still change at the cap")

            // 100 + 16 × 16 + 1 = 357 webhooks watch alice's posts; the lone account's one webhook is owned by a DID
            // that sorts last. Round-robin by account: every account keeps at least one, the crowded one at most 16,
            // 256 in all; each webhook left out is visible to its owner as a cancelled delivery without a body.
            var owners = [crowded]
            for account in 0..<16 {
                let owner = "did:plc:cap" + String(repeating: Character(UnicodeScalar(UInt8(98 + account))), count: 21)
                owners.append(owner)
                for i in 0..<16 {
                    let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secret: "t\(i)")
                    try await registry.activate(owner: owner, rkey: "w\(i)", record: record, now: 1, logger: registry.logger)
                }
            }
            let lone = "did:plc:zzzzzzzzzzzzzzzzzzzzzzzz"
            owners.append(lone)
            try await registry.activate(
                owner: lone, rkey: "only", record: webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secret: "z"),
                now: 1, logger: registry.logger)
            await post("p1", network, times)
            #expect(try await eventually { try await pipeline.store.deliveries(status: nil, limit: 1_000).count == 357 })
            #expect(try await pipeline.settled(at: times.next() - 1_000))
            let all = try await pipeline.store.deliveries(status: nil, limit: 1_000)
            let dropped = all.filter { $0.lastError?.hasPrefix("not queued") == true }
            let served = all.filter { $0.lastError?.hasPrefix("not queued") != true }
            #expect(served.count == EventProcessor.maxFanOut)
            #expect(Set(served.map(\.delivery.owner)) == Set(owners), "every account keeps at least one")
            #expect(served.contains { $0.delivery.owner == lone }, "the lone webhook is served")
            #expect(served.filter { $0.delivery.owner == crowded }.count <= EventProcessor.maxPerAccountPerEvent)
            #expect(dropped.count == 357 - EventProcessor.maxFanOut)
            #expect(dropped.allSatisfy { $0.status == .cancelled && $0.delivery.body.isEmpty && $0.lastError!.hasPrefix("not queued: more than") })
        }
    }

    /// The choice of which webhooks an over-full event serves is the same on every replica and every replay, and
    /// does not favour the accounts that sort first.
    @Test func fanOutIsRoundRobinByAccountAndDeterministic() throws {
        func webhook(_ owner: String, _ rkey: String) throws -> ActiveWebhook {
            try ActiveWebhook(
                owner: owner, rkey: rkey, record: webhookRecord(url: "https://example.com/h", scope: "at://\(alice)/app.bsky.feed.post", secret: "s"))
        }
        var matches: [ActiveWebhook] = []
        for account in 0..<40 { for i in 0..<3 { matches.append(try webhook("did:plc:a\(account)", "w\(i)")) } }
        let fanOut = FanOut(maxTotal: 30, maxPerAccount: 2)
        let (served, dropped) = fanOut.select(matches, event: "e1")
        #expect(served.count == 30 && dropped.count == 90)
        #expect(Set(served.map(\.owner)).count == 30, "one per account before any account gets a second")
        #expect(fanOut.select(matches.reversed(), event: "e1").served.map(\.owner).sorted() == served.map(\.owner).sorted(), "deterministic")
        // Over many events, the accounts that sort first win no more often than the others.
        var firstTen = 0
        for event in 0..<200 {
            firstTen +=
                fanOut.select(matches, event: "e\(event)").served.filter {
                    ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"].contains(String($0.owner.dropFirst(9)))
                }.count
        }
        #expect(firstTen < 200 * 30 / 4 * 3 / 2, "the ten accounts sorting first got \(firstTen) of \(200 * 30)")
    }

    /// Another replica (another index on the same store) pauses the webhook: this replica's worker sees the
    /// stored pause at send time and cancels; the other replica resumes it: deliveries flow again. A failing
    /// streak another replica stored is ended by this one's success.
    @Test(arguments: StoreKind.enabled)
    func pausesAndStreaksFromAnotherReplicaAreSeenAtSendTime(_ kind: StoreKind) async throws {
        try await withPipeline(kind) { pipeline, network, base in
            let times = Times()
            _ = try await pipeline.secrets.create(owner: alice, name: "deploy")
            let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secretId: "deploy")
            try await put(record, pipeline, network, times) { $0 != nil }
            let other = WebhookRegistry(
                index: WebhookIndex(), store: pipeline.store, catalog: try LexiconCatalog.load(directory: Repo.path("lexicons")),
                fetcher: pipeline.registry.fetcher, logger: pipeline.registry.logger)
            try await other.load()

            try await other.disable(owner: alice, rkey: "w1", reason: "paused by its owner", now: 1)
            #expect(pipeline.registry.index.webhook(owner: alice, rkey: "w1")?.enabled == true, "this replica's index has not heard")
            await post("p1", network, times)
            #expect(
                try await eventually {
                    try await pipeline.store.deliveries(status: .cancelled, limit: 1).first?.lastError?.contains("paused by its owner") == true
                })
            #expect(await network.received.isEmpty)
            #expect(pipeline.registry.index.webhook(owner: alice, rkey: "w1")?.enabled == false, "and now it has")

            try await other.resume(owner: alice, rkey: "w1")
            // This index still says paused: its matcher skips the event, so queue it as the other replica would.
            try await pipeline.store.enqueue(
                [
                    NewDelivery(
                        id: "p2", owner: alice, webhookRKey: "w1", url: base + "/hook", secretName: "deploy",
                        inlineSecret: nil, body: Array("{}".utf8), createdAt: 1)
                ], cursor: nil)
            pipeline.worker.nudge()
            #expect(try await eventually { await network.received.count == 1 })
            #expect(pipeline.registry.index.webhook(owner: alice, rkey: "w1")?.enabled == true)

            // A streak the other replica stored is ended by a success here.
            _ = try await pipeline.store.noteWebhookFailure(owner: alice, rkey: "w1", at: 5)
            await post("p3", network, times)
            #expect(try await eventually { try await pipeline.store.webhooks().first?.failingSince == nil })
        }
    }
}
