/// A namespaced identifier: a reversed-domain authority followed by a name, e.g. `app.bsky.feed.post`.
///
/// Rule: at most 317 ASCII chars, at least 3 `.`-separated segments. Authority (all but the last
/// segment): 1–63-char `A-Za-z0-9-` segments not starting or ending with `-`, the first starting
/// with a letter. Name: 1–63 `A-Za-z0-9`, starting with a letter.
public struct NSID: Sendable, Hashable, CustomStringConvertible {
    /// The validated NSID string.
    public let rawValue: String

    /// Wraps `string` if it is a syntactically valid NSID.
    public init?(_ string: String) {
        guard NSID.isValid(string) else { return nil }
        rawValue = string
    }

    /// The domain authority in NSID (reversed) order, e.g. `app.bsky.feed` for `app.bsky.feed.post`.
    public var authority: Substring { rawValue[..<lastDot] }

    /// The final name segment, e.g. `post` for `app.bsky.feed.post`.
    public var name: Substring { rawValue[rawValue.utf8.index(after: lastDot)...] }

    private var lastDot: String.Index { rawValue.utf8.lastIndex(of: UInt8(ascii: "."))! }

    /// The NSID string itself.
    public var description: String { rawValue }

    /// Returns whether `string` is a syntactically valid NSID (see the type's rule).
    public static func isValid(_ string: String) -> Bool {
        FormatBytes.withUTF8(string, isValid(bytes:))
    }

    static let maxLength = 253 + 1 + 63

    /// Byte-level check shared with `ATURI`.
    static func isValid(bytes p: FormatBytes.Buffer) -> Bool {
        let n = p.count
        guard n >= 5, n <= maxLength else { return false }
        let labelBytes = FormatBytes.labelBytes
        var segments = 0
        var start = 0  // start of the current segment
        var hasHyphen = false
        for i in 0..<n {
            let b = p[i]
            if b == UInt8(ascii: ".") {
                // A domain-authority segment ends here.
                let length = i - start
                guard length >= 1, length <= 63,
                    p[start] != UInt8(ascii: "-"), p[i - 1] != UInt8(ascii: "-"),
                    segments > 0 || FormatBytes.isAlpha(p[start])
                else { return false }
                segments += 1
                start = i + 1
                hasHyphen = false
            } else {
                guard labelBytes.contains(b) else { return false }
                hasHyphen = hasHyphen || b == UInt8(ascii: "-")
            }
        }
        // The name segment: letters and digits, starting with a letter.
        let length = n - start
        return segments >= 2 && length >= 1 && length <= 63
            && !hasHyphen && FormatBytes.isAlpha(p[start])
    }
}
