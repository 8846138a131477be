import AsyncPrimitives
import Foundation
import Jetstream
import Lexicon

/// Follows a Jetstream and keeps, per collection, how the network's records fare against their published
/// lexicons: seen, valid, invalid by (rule, path) with examples, unresolvable by reason, per hour for a week.
///
/// The stream is never slowed by the network: a collection seen for the first time is marked pending and its
/// lexicon resolved by a background task (a bounded number at once, fairly per authority); its records wait in a
/// bounded queue and are validated when the lexicon arrives. A failed resolution counts its records as
/// unresolvable with the refusal's code and is retried with backoff. Memory is bounded whatever the stream holds
/// (``ObservatoryLimits``). Counts, held records and the cursor are written together (``flush()``), so a restart
/// continues where the last flush stopped and counts nothing twice.
public final class Observatory: JetstreamSink, @unchecked Sendable {
    enum LexiconState {
        /// Being resolved; `backoff` is the wait after the last failure (zero: none yet).
        case pending(backoff: Duration)
        case ready(PreparedLexicon)
        case failed(LexiconUnavailable, retryAt: ContinuousClock.Instant, backoff: Duration)
    }

    /// A record waiting for its collection's lexicon.
    public struct HeldRecord: Sendable, Equatable {
        public let time: Int64
        public let collection: String
        public let uri: String
        public let record: JSONValue
        /// Bytes of the record's JSON (what holding it costs).
        public let bytes: Int

        public init(time: Int64, collection: String, uri: String, record: JSONValue, bytes: Int? = nil) {
            (self.time, self.collection, self.uri, self.record) = (time, collection, uri, record)
            self.bytes = bytes ?? record.serialized().count
        }
    }

    public let store: any ObservatoryStorage
    public let lexicons: ObservatoryLexicons
    public let limits: ObservatoryLimits
    let collectionFilter: CollectionFilter
    let slots: ResolutionSlots
    private let lock = NSLock()
    private var collections: [String: ObservedCollection] = [:]
    private var states: [String: LexiconState] = [:]
    private var held: [String: [HeldRecord]] = [:]
    private var heldTotal = 0
    private var dirty: Set<String> = []
    /// Each collection as last written (a shared store is sent the difference).
    private var written: [String: ObservedCollection] = [:]
    /// With a shared store: the stored sum of every observer, reloaded after each flush (what the pages show).
    private var sharedView: [ObservedCollection]?
    private var sharedViewLoadedAt = ContinuousClock.now
    /// The newest `time_us` processed, and the one last written.
    private var processed: Int64?
    private var flushedCursor: Int64?
    private var eventsSeen = 0
    /// Resolutions running, removed as they finish.
    private var resolutions: [UInt64: Task<Void, Never>] = [:]
    private var nextResolution: UInt64 = 0
    /// Bytes of the records held (their JSON), against ``ObservatoryLimits/pendingBytes``.
    private var heldBytes = 0
    /// Whether the held records changed since the last flush (they are rewritten only then).
    private var heldChanged = false

    /// Loads the stored state (counts, held records, cursor).
    public init(
        store: any ObservatoryStorage, lexicons: ObservatoryLexicons, collections: [String] = [], limits: ObservatoryLimits = ObservatoryLimits()
    ) async throws {
        self.store = store
        self.lexicons = lexicons
        self.limits = limits
        collectionFilter = CollectionFilter(collections)
        slots = ResolutionSlots(capacity: limits.resolutionConcurrency)
        let loaded = try await store.load()
        for collection in loaded.collections {
            self.collections[collection.nsid] = collection
            written[collection.nsid] = collection
        }
        if store.isShared { sharedView = loaded.collections }
        processed = loaded.cursor
        flushedCursor = loaded.cursor
        for record in loaded.held {
            held[record.collection, default: []].append(record)
            heldTotal += 1
            heldBytes += record.bytes
        }
        for nsid in held.keys {
            states[nsid] = .pending(backoff: .zero)
            startResolution(nsid)
        }
    }

    // MARK: - JetstreamSink

    public func cursor() async throws -> Int64? { lock.withLock { processed } }

    public func process(_ value: JSONValue) async throws {
        guard let time = JetstreamEvent.time(of: value) else { return }
        let already: Bool = lock.withLock {
            if let processed, time <= processed { return true }  // a reconnect's rewind: counted before
            eventsSeen += 1
            return false
        }
        guard !already else { return }
        if let event = JetstreamEvent(value), event.operation != .delete, let record = event.record, collectionFilter.matches(event.collection) {
            observe(collection: event.collection, uri: "at://\(event.did)/\(event.collection)/\(event.rkey)", record: record, time: time)
        }
        // The cursor moves only once the event is counted (or held): a flush never saves it ahead of its count.
        lock.withLock { processed = time }
    }

    public func skip(to time: Int64) async throws {
        lock.withLock { if processed.map({ time > $0 }) ?? true { processed = time } }
    }

    // MARK: - Counting

    /// Counts one record: validated now if its lexicon is ready, held if it is being resolved.
    func observe(collection rawCollection: String, uri: String, record: JSONValue, time: Int64) {
        let hour = time / 3_600_000_000
        enum Next {
            case validate(PreparedLexicon)
            case done
            case resolve
        }
        let next: Next = lock.withLock {
            var nsid = rawCollection
            if collections[nsid] == nil, collections.count >= limits.maxCollections { nsid = ObservatoryLimits.overflowCollection }
            if nsid == ObservatoryLimits.overflowCollection {
                count(nsid, hour) {
                    $0.seen += 1
                    $0.unresolvable += 1
                }
                collections[nsid]?.unresolvable("too-many-collections", message: "past \(limits.maxCollections) collections", limits: limits)
                return .done
            }
            switch states[nsid] {
            case .ready(let prepared)?:
                return .validate(prepared)
            case .failed(let reason, let retryAt, _)? where ContinuousClock.now < retryAt:
                count(nsid, hour) {
                    $0.seen += 1
                    $0.unresolvable += 1
                }
                collections[nsid]?.unresolvable(reason.code, message: reason.message, limits: limits)
                return .done
            case .pending?:
                hold(HeldRecord(time: time, collection: nsid, uri: uri, record: record), hour: hour)
                return .done
            case .failed(_, _, let backoff)?:
                // Time to try again; the backoff is carried so the next failure waits longer.
                states[nsid] = .pending(backoff: backoff)
                hold(HeldRecord(time: time, collection: nsid, uri: uri, record: record), hour: hour)
                return .resolve
            case nil:
                states[nsid] = .pending(backoff: .zero)
                hold(HeldRecord(time: time, collection: nsid, uri: uri, record: record), hour: hour)
                return .resolve
            }
        }
        switch next {
        case .validate(let prepared): validate(record, uri: uri, collection: rawCollection, hour: hour, with: prepared)
        case .resolve: startResolution(rawCollection)
        case .done: break
        }
    }

    /// Holds a record (the lock held); past the bounds it is counted as unresolvable instead.
    private func hold(_ record: HeldRecord, hour: Int64) {
        if collections[record.collection] == nil { collections[record.collection] = ObservedCollection(nsid: record.collection) }
        guard held[record.collection, default: []].count < limits.pendingPerCollection, heldTotal < limits.pendingTotal,
            heldBytes + record.bytes <= limits.pendingBytes
        else {
            count(record.collection, hour) {
                $0.seen += 1
                $0.unresolvable += 1
            }
            collections[record.collection]?.unresolvable(
                "pending-overflow", message: "more records than the \(limits.pendingPerCollection) held while the lexicon is resolved", limits: limits
            )
            return
        }
        held[record.collection, default: []].append(record)
        heldTotal += 1
        heldBytes += record.bytes
        heldChanged = true
        collections[record.collection]?.pending += 1
        dirty.insert(record.collection)
    }

    private func count(_ nsid: String, _ hour: Int64, _ change: (inout Tally) -> Void) {
        if collections[nsid] == nil { collections[nsid] = ObservedCollection(nsid: nsid) }
        collections[nsid]?.count(hour: hour, limits: limits, change)
        dirty.insert(nsid)
    }

    private func validate(_ record: JSONValue, uri: String, collection: String, hour: Int64, with prepared: PreparedLexicon) {
        let result = try? prepared.catalog.validateRecord(record, collection: collection)
        lock.withLock { countValidation(result, record: record, uri: uri, collection: collection, hour: hour) }
    }

    /// Counts one validated record (the lock held); nil: the lexicon has no such record type.
    private func countValidation(_ result: ValidationResult?, record: JSONValue, uri: String, collection: String, hour: Int64) {
        switch result {
        case .valid?:
            count(collection, hour) {
                $0.seen += 1
                $0.valid += 1
            }
        case .invalid(let error)?:
            count(collection, hour) {
                $0.seen += 1
                $0.invalid += 1
            }
            collections[collection]?.record(error, record: record, uri: uri, hour: hour, limits: limits)
        case nil:
            count(collection, hour) {
                $0.seen += 1
                $0.unresolvable += 1
            }
            collections[collection]?.unresolvable("not-a-record-type", message: "\(collection) is not a record type", limits: limits)
        }
    }

    // MARK: - Resolution, off the stream

    private func startResolution(_ nsid: String) {
        // Registered under the lock the task needs to remove itself: it cannot finish before it is listed.
        lock.withLock {
            nextResolution += 1
            let id = nextResolution
            resolutions[id] = Task { [self] in
                await slots.acquire()
                let result = await lexicons.prepare(nsid)
                slots.release()
                finish(nsid, result)
                _ = lock.withLock { resolutions.removeValue(forKey: id) }
            }
        }
    }

    private func finish(_ nsid: String, _ result: Result<PreparedLexicon, LexiconUnavailable>) {
        var first = true
        while true {
            let waiting: [HeldRecord] = lock.withLock { held[nsid] ?? [] }
            // Validated outside the lock; then the records leave the held set and are counted in one step, so a
            // flush in between sees them either held or counted, never neither. Records held meanwhile (before
            // the state changed) are taken in the next turn.
            let outcomes: [ValidationResult?] = waiting.map { record in
                guard case .success(let prepared) = result else { return nil }
                return try? prepared.catalog.validateRecord(record.record, collection: nsid)
            }
            let finished: Bool = lock.withLock {
                var current = held[nsid] ?? []
                let handled = min(waiting.count, current.count)
                current.removeFirst(handled)
                held[nsid] = current.isEmpty ? nil : current
                heldTotal -= handled
                heldBytes -= waiting.prefix(handled).reduce(0) { $0 + $1.bytes }
                heldChanged = heldChanged || handled > 0
                collections[nsid]?.pending = current.count
                if first {
                    switch result {
                    case .success(let prepared):
                        states[nsid] = .ready(prepared)
                        collections[nsid, default: ObservedCollection(nsid: nsid)].lexicon = prepared.origin
                    case .failure(let reason):
                        var previous: Duration = .zero
                        if case .pending(let backoff)? = states[nsid] { previous = backoff }
                        let backoff = previous == .zero ? limits.firstRetry : min(previous * 2, limits.maxRetry)
                        states[nsid] = .failed(reason, retryAt: .now + backoff, backoff: max(backoff, .milliseconds(1)))
                    }
                }
                for (record, outcome) in zip(waiting.prefix(handled), outcomes) {
                    let hour = record.time / 3_600_000_000
                    switch result {
                    case .success:
                        countValidation(outcome, record: record.record, uri: record.uri, collection: nsid, hour: hour)
                    case .failure(let reason):
                        count(nsid, hour) {
                            $0.seen += 1
                            $0.unresolvable += 1
                        }
                        collections[nsid]?.unresolvable(reason.code, message: reason.message, limits: limits)
                    }
                }
                dirty.insert(nsid)
                return current.isEmpty
            }
            first = false
            if finished { return }
        }
    }

    /// Waits until no resolution is running (tests and reports).
    public func settle() async {
        while true {
            let running: [(UInt64, Task<Void, Never>)] = lock.withLock { resolutions.map { ($0.key, $0.value) } }
            if running.isEmpty { return }
            for (id, task) in running {
                await task.value
                _ = lock.withLock { resolutions.removeValue(forKey: id) }
            }
        }
    }

    // MARK: - State

    /// Writes what changed since the last flush, the held records and the cursor, in one transaction.
    public func flush() async throws {
        let (changes, heldNow, cursor): ([(now: ObservedCollection, written: ObservedCollection)], [HeldRecord]?, Int64?) = lock.withLock {
            let changes = dirty.compactMap { nsid in collections[nsid].map { ($0, written[nsid] ?? ObservedCollection(nsid: nsid)) } }
            dirty = []
            let heldNow = heldChanged ? held.values.flatMap { $0 } : nil
            heldChanged = false
            return (changes, heldNow, processed)
        }
        guard !changes.isEmpty || cursor != flushedCursor else { return }
        do {
            try await store.save(changes, held: heldNow, cursor: cursor)
        } catch {
            lock.withLock {
                for change in changes { dirty.insert(change.now.nsid) }
                if heldNow != nil { heldChanged = true }
            }
            throw error
        }
        lock.withLock {
            flushedCursor = cursor
            for change in changes { written[change.now.nsid] = change.now }
        }
        if store.isShared, ContinuousClock.now - lock.withLock({ sharedViewLoadedAt }) >= limits.sharedViewRefresh { try await refreshView() }
    }

    /// With a shared store: reloads every observer's stored sum for the pages (``flush()`` does it every
    /// ``ObservatoryLimits/sharedViewRefresh``).
    public func refreshView() async throws {
        guard store.isShared else { return }
        let view = try await store.load().collections
        lock.withLock {
            sharedView = view
            sharedViewLoadedAt = .now
        }
    }

    /// Every collection as counted now (with a shared store: every observer's sum as last stored, with this
    /// process's held records).
    public func snapshot() -> [ObservedCollection] {
        lock.withLock {
            guard let sharedView else { return Array(collections.values) }
            var merged = Dictionary(sharedView.map { ($0.nsid, $0) }, uniquingKeysWith: { a, _ in a })
            for (nsid, collection) in collections where collection.pending > 0 {
                merged[nsid, default: ObservedCollection(nsid: nsid)].pending = collection.pending
            }
            return Array(merged.values)
        }
    }

    /// One collection as this process counts it now.
    public func collection(_ nsid: String) -> ObservedCollection? { lock.withLock { collections[nsid] } }

    /// Events read from the stream (all kinds).
    public var eventCount: Int { lock.withLock { eventsSeen } }

    /// Records held right now, in all.
    public var heldCount: Int { lock.withLock { heldTotal } }
}

/// `--collections` globs: `app.bsky.*`, `place.wisp.v2.wh`; none matches everything.
struct CollectionFilter: Sendable {
    let exact: Set<String>
    let prefixes: [String]
    let all: Bool

    init(_ patterns: [String]) {
        exact = Set(patterns.filter { !$0.hasSuffix("*") })
        prefixes = patterns.filter { $0.hasSuffix("*") }.map { String($0.dropLast()) }
        all = patterns.isEmpty
    }

    func matches(_ nsid: String) -> Bool {
        all || exact.contains(nsid) || prefixes.contains { nsid.hasPrefix($0) }
    }
}
