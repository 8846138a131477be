/// A BCP 47 (RFC 5646) language tag, e.g. `ja`, `pt-BR`, `hy-Latn-IT-arevela`.
///
/// Rule: well-formed per RFC 5646 §2.1 with a lowercase 2–3 letter primary language (or a
/// grandfathered or `x-` private-use tag), and no repeated variant or extension singleton
/// (case-insensitive, §2.2.5/§2.2.6).
public struct LanguageTag: Sendable, Hashable, CustomStringConvertible {
    /// The validated language tag string.
    public let rawValue: String

    /// Wraps `string` if it is a valid language tag.
    public init?(_ string: String) {
        guard LanguageTag.isValid(string) else { return nil }
        rawValue = string
    }

    /// The language tag string itself.
    public var description: String { rawValue }

    /// Returns whether `string` is a valid language tag (see the type's rule).
    public static func isValid(_ string: String) -> Bool {
        FormatBytes.withUTF8(string, isValid(bytes:))
    }

    /// Byte-level check.
    static func isValid(bytes p: FormatBytes.Buffer) -> Bool {
        guard p.count >= 2 else { return false }
        return isValidTag(p) || isGrandfathered(p)
    }

    /// `langtag` or `privateuse` per RFC 5646 §2.1, plus the no-duplicates rule.
    private static func isValidTag(_ p: FormatBytes.Buffer) -> Bool {
        var t = Subtags(p)
        if t.length == 1, isX(t.first) { return t.isPrivateUseTail() }
        // language: 2–3 lowercase letters, then up to three 3-letter extlangs
        guard t.length == 2 || t.length == 3, t.all(FormatBytes.isLower) else { return false }
        guard t.advance() else { return true }
        var extlangs = 0
        while extlangs < 3, t.length == 3, t.all(FormatBytes.isAlpha) {
            extlangs += 1
            guard t.advance() else { return true }
        }
        // script: 4 letters
        if t.length == 4, t.all(FormatBytes.isAlpha) {
            guard t.advance() else { return true }
        }
        // region: 2 letters or 3 digits
        if (t.length == 2 && t.all(FormatBytes.isAlpha)) || (t.length == 3 && t.all(FormatBytes.isDigit)) {
            guard t.advance() else { return true }
        }
        // variants: 5–8 alphanumerics, or a digit and 3 alphanumerics; no repeats
        let firstVariant = t.start
        while (5...8).contains(t.length) || (t.length == 4 && FormatBytes.isDigit(t.first)),
            t.all(FormatBytes.isAlnum)
        {
            guard !t.repeatsEarlierSubtag(from: firstVariant) else { return false }
            guard t.advance() else { return true }
        }
        // extensions: a singleton (not x) then one or more 2–8 alphanumerics; no repeated singleton
        var singletons: UInt64 = 0
        while t.length == 1, FormatBytes.isAlnum(t.first), !isX(t.first) {
            let c = t.first | 0x20  // lowercase letters; digits are unchanged
            let bit: UInt64 = 1 << UInt64(FormatBytes.isDigit(c) ? c &- 0x30 : c &- 0x61 &+ 10)
            guard singletons & bit == 0 else { return false }
            singletons |= bit
            guard t.advance(), (2...8).contains(t.length), t.all(FormatBytes.isAlnum) else { return false }
            repeat {
                guard t.advance() else { return true }
            } while (2...8).contains(t.length) && t.all(FormatBytes.isAlnum)
        }
        // optional private use section, which must end the tag
        return t.length == 1 && isX(t.first) && t.isPrivateUseTail()
    }

    @inline(__always)
    private static func isX(_ b: UInt8) -> Bool { b | 0x20 == UInt8(ascii: "x") }

    /// RFC 5646 grandfathered tags, matched exactly.
    private static let grandfathered: [StaticString] = [
        "en-GB-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux",
        "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-BE-FR", "sgn-BE-NL",
        "sgn-CH-DE", "art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka",
        "zh-min", "zh-min-nan", "zh-xiang",
    ]

    private static func isGrandfathered(_ p: FormatBytes.Buffer) -> Bool {
        grandfathered.contains { tag in
            tag.withUTF8Buffer { $0.elementsEqual(p) }
        }
    }

    /// A cursor over the `-`-separated subtags of a tag.
    private struct Subtags {
        let p: FormatBytes.Buffer
        /// Byte range of the current subtag.
        private(set) var start = 0, end = 0

        init(_ p: FormatBytes.Buffer) {
            self.p = p
            end = Subtags.end(of: 0, in: p)
        }

        var length: Int { end - start }

        /// First byte of the current subtag (0 if it is empty).
        var first: UInt8 { start < end ? p[start] : 0 }

        /// Moves to the next subtag; returns false (staying put) if this was the last one.
        mutating func advance() -> Bool {
            guard end < p.count else { return false }
            start = end + 1
            end = Subtags.end(of: start, in: p)
            return true
        }

        func all(_ predicate: (UInt8) -> Bool) -> Bool {
            var i = start
            while i < end {
                guard predicate(p[i]) else { return false }
                i += 1
            }
            return true
        }

        /// Whether the current subtag equals (ignoring ASCII case) one between `from` and it.
        func repeatsEarlierSubtag(from: Int) -> Bool {
            var s = from
            while s < start {
                let e = Subtags.end(of: s, in: p)
                if e - s == length, (0..<length).allSatisfy({ p[s + $0] | 0x20 == p[start + $0] | 0x20 }) {
                    return true
                }
                s = e + 1
            }
            return false
        }

        /// Given the current subtag is `x`: one or more 1–8 alphanumerics must follow to the end.
        mutating func isPrivateUseTail() -> Bool {
            guard advance() else { return false }
            while true {
                guard (1...8).contains(length), all(FormatBytes.isAlnum) else { return false }
                guard advance() else { return true }
            }
        }

        private static func end(of start: Int, in p: FormatBytes.Buffer) -> Int {
            var i = start
            while i < p.count, p[i] != UInt8(ascii: "-") { i += 1 }
            return i
        }
    }
}
