/// A Lexicon `string` field `format` constraint, named by its Lexicon spelling.
///
/// Each case validates by syntax only (no network or registry look-ups), per the atproto specs.
public enum StringFormat: String, Sendable, CaseIterable {
    /// Either a DID or a handle.
    case atIdentifier = "at-identifier"
    /// An AT URI in the restricted Lexicon form `at://AUTHORITY[/COLLECTION[/RKEY]]`.
    case atURI = "at-uri"
    /// A CID in string (multibase) form, checked by syntax only.
    case cid
    /// An RFC 3339 ∩ ISO 8601 timestamp with required timezone.
    case datetime
    /// A generic DID (`did:method:identifier`).
    case did
    /// A handle (a DNS hostname with at least two labels).
    case handle
    /// A namespaced identifier (reversed domain authority plus a name).
    case nsid
    /// A record key (1–512 chars of `A-Za-z0-9._:~-`, not `.` or `..`).
    case recordKey = "record-key"
    /// A timestamp identifier (13 chars of base32-sortable).
    case tid
    /// A generic URI (`scheme:` followed by non-whitespace).
    case uri
    /// A well-formed BCP 47 language tag.
    case language

    /// Returns whether `value` satisfies this format.
    public func isValid(_ value: String) -> Bool {
        switch self {
        case .atIdentifier: return ATIdentifier.isValid(value)
        case .atURI: return ATURI.isValid(value)
        case .cid: return CIDString.isValid(value)
        case .datetime: return Datetime.isValid(value)
        case .did: return DID.isValid(value)
        case .handle: return Handle.isValid(value)
        case .nsid: return NSID.isValid(value)
        case .recordKey: return RecordKey.isValid(value)
        case .tid: return TID.isValid(value)
        case .uri: return URIString.isValid(value)
        case .language: return LanguageTag.isValid(value)
        }
    }
}

/// Shared byte-level helpers for the format validators: UTF-8 access and ASCII classes.
enum FormatBytes {
    /// Bytes of a string, as a buffer (no copy for native strings).
    typealias Buffer = UnsafeBufferPointer<UInt8>

    /// Runs `body` over the UTF-8 bytes of `string`, copying only if not contiguous.
    @inline(__always)
    static func withUTF8<R>(_ string: String, _ body: (Buffer) -> R) -> R {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = string
        return copy.withUTF8(body)
    }

    /// The bytes `start..<end` of `buffer`, as a buffer of their own.
    @inline(__always)
    static func slice(_ buffer: Buffer, _ start: Int, _ end: Int) -> Buffer {
        Buffer(rebasing: buffer[start..<end])
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    @inline(__always)
    static func isLower(_ b: UInt8) -> Bool { b &- 0x61 < 26 }

    @inline(__always)
    static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }

    @inline(__always)
    static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }

    /// Bytes allowed in a DNS label (handle or NSID segment): `A-Za-z0-9-`.
    static let labelBytes = alnum(plus: "-")

    /// ASCII letters and digits plus the bytes of `extra`, as a set.
    static func alnum(plus extra: StaticString) -> ByteSet {
        var set = ByteSet(lo: 0x03FF_0000_0000_0000, hi: 0x07FF_FFFE_07FF_FFFE)
        extra.withUTF8Buffer { for b in $0 { set.insert(b) } }
        return set
    }

    /// Value of two ASCII digits at `i`, or -1 if either is not a digit.
    @inline(__always)
    static func twoDigits(_ p: Buffer, _ i: Int) -> Int {
        let a = p[i] &- 0x30
        let b = p[i + 1] &- 0x30
        guard a < 10, b < 10 else { return -1 }
        return Int(a) * 10 + Int(b)
    }
}

/// A set of ASCII bytes as a 128-bit mask: one branch-free test per byte.
///
/// Copy a `static let` set into a local before a loop, so the lazy-global check stays out of it.
struct ByteSet: Sendable {
    private(set) var lo: UInt64
    private(set) var hi: UInt64

    init(lo: UInt64, hi: UInt64) {
        self.lo = lo
        self.hi = hi
    }

    mutating func insert(_ b: UInt8) {
        precondition(b < 128)
        if b < 64 { lo |= 1 << UInt64(b) } else { hi |= 1 << UInt64(b - 64) }
    }

    @inline(__always)
    func contains(_ b: UInt8) -> Bool {
        let word = b & 64 == 0 ? lo : hi
        return b < 128 && (word >> UInt64(b & 63)) & 1 != 0
    }
}
