/// A value does not match its lexicon: where, and why.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Slash-separated location starting at the root name, e.g. `Input/name` or `Record/events/2`.
    public let path: String
    /// The broken rule as a phrase, e.g. `must be a valid record-key`.
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// The full message, e.g. `Input/name must be a valid record-key`.
    public var message: String { "\(path) \(reason)" }

    public var description: String { message }
}

/// The validator's internal failure: a reason and the path collected while unwinding (innermost first).
struct ValidationFailure: Error {
    var reversedPath: [String] = []
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    func prefixed(_ component: String) -> ValidationFailure {
        var copy = self
        copy.reversedPath.append(component)
        return copy
    }

    func error(root: String) -> ValidationError {
        ValidationError(path: ([root] + reversedPath.reversed()).joined(separator: "/"), reason: reason)
    }
}
