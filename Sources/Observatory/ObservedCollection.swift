import Lexicon
import LexiconNetwork

/// Records of one collection over some period: seen (creates and updates with a record), and how each fared.
public struct Tally: Sendable, Equatable {
    public var seen = 0
    public var valid = 0
    public var invalid = 0
    public var unresolvable = 0

    public init(seen: Int = 0, valid: Int = 0, invalid: Int = 0, unresolvable: Int = 0) {
        (self.seen, self.valid, self.invalid, self.unresolvable) = (seen, valid, invalid, unresolvable)
    }

    /// Valid records among those validated (nil when none was): the conformance percentage's fraction.
    public var conformance: Double? { valid + invalid == 0 ? nil : Double(valid) / Double(valid + invalid) }

    public static func += (lhs: inout Tally, rhs: Tally) {
        lhs.seen += rhs.seen
        lhs.valid += rhs.valid
        lhs.invalid += rhs.invalid
        lhs.unresolvable += rhs.unresolvable
    }
}

/// One record that broke a rule: where it is, the failing path, and the offending value clipped.
public struct ViolationExample: Sendable, Equatable {
    public let uri: String
    /// The JSON pointer of the failing value in the record.
    public let pointer: String
    public let value: String
}

/// A rule broken at a path (array indices as `*`), how often, when last, and a few examples.
public struct Violation: Sendable, Equatable {
    public let rule: String
    public let path: String
    public var count: Int
    /// Hour (since 1970) this violation was last seen in.
    public var lastHour: Int64
    public var examples: [ViolationExample]
}

/// Where a collection's schema came from.
public struct LexiconOrigin: Sendable, Equatable {
    /// `network` (resolved and verified) or `local` (a draft given with --lexicons).
    public let source: String
    public let did: String?
    public let cid: String?
    public let rev: String?

    public init(source: String, did: String?, cid: String?, rev: String?) {
        (self.source, self.did, self.cid, self.rev) = (source, did, cid, rev)
    }
}

/// Everything the observatory knows of one collection.
public struct ObservedCollection: Sendable, Equatable {
    public let nsid: String
    public var total = Tally()
    /// By hour since 1970 (the event's `time_us`), the last ``ObservatoryLimits/hours`` kept.
    public var hourly: [Int64: Tally] = [:]
    /// By `rule\u{0}path`.
    public var violations: [String: Violation] = [:]
    /// Unresolvable records by refusal code, with the last message.
    public var reasons: [String: (count: Int, message: String)] = [:]
    public var lexicon: LexiconOrigin?
    /// Records held while the lexicon is being resolved.
    public var pending = 0

    public init(nsid: String) { self.nsid = nsid }

    public static func == (a: ObservedCollection, b: ObservedCollection) -> Bool {
        a.nsid == b.nsid && a.total == b.total && a.hourly == b.hourly && a.violations == b.violations && a.lexicon == b.lexicon
            && a.pending == b.pending && a.reasons.mapValues(\.count) == b.reasons.mapValues(\.count)
    }

    /// The authority: the NSID without its name (`app.bsky.feed.post` → `app.bsky.feed`).
    public var authority: String {
        guard let dot = nsid.lastIndex(of: ".") else { return nsid }
        return String(nsid[..<dot])
    }

    /// The tally of the hours from `fromHour` on.
    public func tally(since fromHour: Int64) -> Tally {
        var sum = Tally()
        for (hour, tally) in hourly where hour >= fromHour { sum += tally }
        return sum
    }

    /// Violations, most frequent first.
    public var topViolations: [Violation] {
        violations.values.sorted { $0.count != $1.count ? $0.count > $1.count : ($0.rule, $0.path) < ($1.rule, $1.path) }
    }

    mutating func count(hour: Int64, limits: ObservatoryLimits, _ change: (inout Tally) -> Void) {
        change(&total)
        change(&hourly[hour, default: Tally()])
        if hourly.count > limits.hours, let newest = hourly.keys.max() {
            hourly = hourly.filter { $0.key > newest - Int64(limits.hours) }
        }
    }

    mutating func record(_ error: ValidationError, record: JSONValue, uri: String, hour: Int64, limits: ObservatoryLimits) {
        // The path holds keys the record chose: cleaned and capped before it becomes a key, a row or a page.
        let exact = Self.pointer(error.path)
        let pointer = Self.clean(exact, maxBytes: 512)
        let path = Self.clean(Self.normalized(exact), maxBytes: 512)
        let reason = Self.clean(error.reason, maxBytes: 512)
        var key = reason + "\u{0}" + path
        if violations[key] == nil, violations.count >= limits.maxViolationsPerCollection {
            key = ObservatoryLimits.overflowViolation
        }
        var violation =
            violations[key]
            ?? Violation(
                rule: key == ObservatoryLimits.overflowViolation ? ObservatoryLimits.overflowViolation : reason,
                path: key == ObservatoryLimits.overflowViolation ? "" : path, count: 0, lastHour: hour, examples: [])
        violation.count += 1
        violation.lastHour = max(violation.lastHour, hour)
        if violation.examples.count < limits.examplesPerViolation {
            let value = Self.value(at: exact, in: record).map { Self.clip($0.jsonString, limits.clippedValueCharacters) } ?? "(missing)"
            violation.examples.append(ViolationExample(uri: Self.clean(uri, maxBytes: 512), pointer: pointer, value: value))
        }
        violations[key] = violation
    }

    mutating func unresolvable(_ code: String, message: String, limits: ObservatoryLimits) {
        var key = code
        if reasons[key] == nil, reasons.count >= limits.maxReasonsPerCollection { key = "other" }
        reasons[key] = ((reasons[key]?.count ?? 0) + 1, Self.clean(message, maxBytes: 512))
    }

    /// `Record/events/2` → `/events/2` (the validator names the root `Record`).
    static func pointer(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        return parts.isEmpty ? "" : "/" + parts.joined(separator: "/")
    }

    /// Array indices as `*`, so one rule broken at many positions is one violation.
    static func normalized(_ pointer: String) -> String {
        pointer.split(separator: "/", omittingEmptySubsequences: false).map { $0.allSatisfy(\.isNumber) && !$0.isEmpty ? "*" : String($0) }
            .joined(separator: "/")
    }

    static func value(at pointer: String, in record: JSONValue) -> JSONValue? {
        var current = record
        for part in pointer.split(separator: "/") {
            switch current {
            case .object(let fields):
                guard let next = fields[String(part)] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(part), items.indices.contains(index) else { return nil }
                current = items[index]
            default: return nil
            }
        }
        return current
    }

    /// At most `limit` Unicode scalars (not characters: one character can be a megabyte of combining marks),
    /// control characters replaced.
    static func clip(_ text: String, _ limit: Int) -> String {
        let scalars = text.unicodeScalars
        let kept = scalars.count <= limit ? text : String(String.UnicodeScalarView(scalars.prefix(limit))) + "…"
        return clean(kept, maxBytes: limit * 4 + 3)
    }

    /// Control characters (NUL included: PostgreSQL text cannot hold it) as U+FFFD, at most `maxBytes` of UTF-8.
    static func clean(_ text: String, maxBytes: Int) -> String {
        var out = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            let kept: Unicode.Scalar = ControlCharacters.isControl(scalar) ? "\u{FFFD}" : scalar
            let size = String(kept).utf8.count
            if bytes + size > maxBytes {
                out.append("…")
                break
            }
            bytes += size
            out.append(kept)
        }
        return String(out)
    }
}
