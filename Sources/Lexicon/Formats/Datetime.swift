/// A Lexicon `datetime`: the intersection of RFC 3339 and ISO 8601, timezone required.
///
/// Rule: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, at most 64 chars, uppercase `T`/`Z`,
/// no `-00:00`; the date and time must exist (leap-year aware, no leap second) and the
/// instant must fall within years 0000–9999 once normalized to UTC.
public struct Datetime: Sendable, Hashable, CustomStringConvertible {
    /// The validated datetime string, as given (not normalized).
    public let rawValue: String

    /// Wraps `string` if it is a valid Lexicon datetime.
    public init?(_ string: String) {
        guard Datetime.isValid(string) else { return nil }
        rawValue = string
    }

    /// The datetime string itself.
    public var description: String { rawValue }

    /// Returns whether `string` is a valid Lexicon datetime (see the type's rule).
    public static func isValid(_ string: String) -> Bool {
        FormatBytes.withUTF8(string, isValid(bytes:))
    }

    static let maxLength = 64

    /// Whether `string` is a datetime once read leniently, as the Go tools' lenient mode does for old data:
    /// valid as it is; or with a `-00:00`, `-0000` or `+0000` suffix read as `+00:00`; or, with no timezone
    /// at all, read as UTC (`Z` appended). Never for data about to be written.
    public static func isValidLenient(_ string: String) -> Bool {
        if isValid(string) { return true }
        guard string.utf8.count <= maxLength else { return false }
        for suffix in ["-00:00", "-0000", "+0000"] where string.hasSuffix(suffix) {
            return isValid(String(string.dropLast(suffix.count)) + "+00:00")
        }
        let bytes = Array(string.utf8)
        let hasZone: Bool = {
            guard let last = bytes.last else { return false }
            if (last | 0x20) >= 0x61 && (last | 0x20) <= 0x7A { return true }
            // [+-]HH:MM or [+-]HHMM at the end.
            for length in [6, 5] where bytes.count >= length {
                let tail = bytes.suffix(length)
                guard tail.first == UInt8(ascii: "+") || tail.first == UInt8(ascii: "-") else { continue }
                let digits = tail.dropFirst().filter { $0 != UInt8(ascii: ":") }
                if digits.count == 4, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return true }
            }
            return false
        }()
        return !hasZone && isValid(string + "Z")
    }

    /// Byte-level check.
    static func isValid(bytes p: FormatBytes.Buffer) -> Bool {
        let n = p.count
        guard n >= 20, n <= maxLength,
            p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"), p[10] == UInt8(ascii: "T"),
            p[13] == UInt8(ascii: ":"), p[16] == UInt8(ascii: ":")
        else { return false }
        let century = FormatBytes.twoDigits(p, 0)
        let yy = FormatBytes.twoDigits(p, 2)
        let month = FormatBytes.twoDigits(p, 5)
        let day = FormatBytes.twoDigits(p, 8)
        let hour = FormatBytes.twoDigits(p, 11)
        let minute = FormatBytes.twoDigits(p, 14)
        let second = FormatBytes.twoDigits(p, 17)
        guard century >= 0, yy >= 0, month >= 1, month <= 12,
            hour >= 0, hour <= 23, minute >= 0, minute <= 59, second >= 0, second <= 59
        else { return false }
        let year = century * 100 + yy
        guard day >= 1, day <= daysInMonth(month, year: year) else { return false }

        var i = 19
        if p[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < n, FormatBytes.isDigit(p[i]) { i += 1 }
            guard i > fractionStart else { return false }
        }
        guard i < n else { return false }  // timezone is required

        // Offset from UTC in minutes, east positive.
        let offset: Int
        switch p[i] {
        case UInt8(ascii: "Z"):
            guard i + 1 == n else { return false }
            offset = 0
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == n, p[i + 3] == UInt8(ascii: ":") else { return false }
            let offHour = FormatBytes.twoDigits(p, i + 1)
            let offMinute = FormatBytes.twoDigits(p, i + 4)
            guard offHour >= 0, offHour <= 23, offMinute >= 0, offMinute <= 59 else { return false }
            let magnitude = offHour * 60 + offMinute
            if p[i] == UInt8(ascii: "-") {
                guard magnitude != 0 else { return false }  // "-00:00" is not ISO 8601
                offset = -magnitude
            } else {
                offset = magnitude
            }
        default:
            return false
        }

        // Normalizing to UTC may cross a year boundary only on Jan 1 or Dec 31.
        let minuteOfDay = hour * 60 + minute
        if year == 0, month == 1, day == 1, minuteOfDay - offset < 0 { return false }
        if year == 9999, month == 12, day == 31, minuteOfDay - offset >= 24 * 60 { return false }
        return true
    }

    /// Days in `month` (1–12) of proleptic Gregorian `year`.
    @inline(__always)
    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }
}
