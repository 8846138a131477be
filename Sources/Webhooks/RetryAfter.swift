import Lexicon

/// A `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Package-visible for the fuzz targets.
package enum RetryAfter {
    /// Milliseconds from `now` (ms) until the retry the header asks for; nil for a malformed value. A date in
    /// the past is 0. Digits only for seconds (at most 10 of them, so it never overflows).
    package static func milliseconds(_ value: String, now: Int64) -> Int64? {
        let text = Array(value.utf8).trimmingSpaces
        if !text.isEmpty, text.count <= 10, text.allSatisfy(\.isDigit) {
            return text.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) } * 1000
        }
        guard let seconds = HTTPDate.seconds(Array(text), now: now / 1000) else { return nil }
        return max(0, seconds * 1000 - now)
    }
}

/// HTTP-dates (RFC 9110 §5.6.7), parsed by hand: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and the
/// obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`) forms.
/// (Foundation's `DateFormatter` leaks on Linux and is slow; these three fixed layouts need no locale.)
package enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map { Array($0.utf8) }
    static let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map { Array($0.utf8) }
    static let longDays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].map { Array($0.utf8) }

    /// Seconds since 1970 for `text`, or nil. `now` (seconds) places an RFC 850 two-digit year: one that
    /// would be more than 50 years ahead is the century before.
    package static func seconds(_ text: [UInt8], now: Int64) -> Int64? {
        guard (24...64).contains(text.count) else { return nil }
        var scanner = Scanner(bytes: text)
        // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
        if text.count == 29, days.contains(Array(text[0..<3])), text[3] == UInt8(ascii: ","), text[4] == 0x20 {
            scanner.index = 5
            guard let day = scanner.number(2), scanner.skip(" "), let month = scanner.month(), scanner.skip(" "),
                let year = scanner.number(4), scanner.skip(" "), let time = scanner.time(), scanner.skip(" GMT"), scanner.atEnd
            else { return nil }
            return epoch(year: year, month: month, day: day, time: time)
        }
        // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
        if let comma = text.firstIndex(of: UInt8(ascii: ",")), longDays.contains(Array(text[..<comma])) {
            scanner.index = comma + 1
            guard scanner.skip(" "), let day = scanner.number(2), scanner.skip("-"), let month = scanner.month(), scanner.skip("-"),
                let yy = scanner.number(2), scanner.skip(" "), let time = scanner.time(), scanner.skip(" GMT"), scanner.atEnd
            else { return nil }
            let thisYear = year(ofDay: now / 86_400)
            var year = thisYear - thisYear % 100 + yy
            if year > thisYear + 50 { year -= 100 }
            return epoch(year: year, month: month, day: day, time: time)
        }
        // asctime: "Sun Nov  6 08:49:37 1994"
        if text.count == 24, days.contains(Array(text[0..<3])), text[3] == 0x20 {
            scanner.index = 4
            guard let month = scanner.month(), scanner.skip(" ") else { return nil }
            if scanner.peek == 0x20 { scanner.index += 1 }
            guard let day = scanner.number(scanner.remaining == 15 ? 1 : 2), scanner.skip(" "), let time = scanner.time(), scanner.skip(" "),
                let year = scanner.number(4), scanner.atEnd
            else { return nil }
            return epoch(year: year, month: month, day: day, time: time)
        }
        return nil
    }

    /// Seconds since 1970 for a valid calendar date and time of day; nil for an impossible one (31 Feb, 25:00).
    static func epoch(year: Int64, month: Int64, day: Int64, time: (hour: Int64, minute: Int64, second: Int64)) -> Int64? {
        guard (1...12).contains(month), time.hour < 24, time.minute < 60, time.second <= 60 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let length: Int64 = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][Int(month - 1)]
        guard (1...length).contains(day) else { return nil }
        return Timestamp.daysFromCivil(year: year, month: month, day: day) * 86_400 + time.hour * 3600 + time.minute * 60 + time.second
    }

    /// The civil year of a day count since 1970 (the inverse of `Timestamp.daysFromCivil`, year only).
    static func year(ofDay days: Int64) -> Int64 {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        return yearOfEra + era * 400 + (monthIndex >= 10 ? 1 : 0)
    }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }
        var remaining: Int { bytes.count - index }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skip(_ literal: StaticString) -> Bool {
            let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            guard remaining >= expected.count, bytes[index..<(index + expected.count)].elementsEqual(expected) else { return false }
            index += expected.count
            return true
        }

        /// Exactly `digits` decimal digits.
        mutating func number(_ digits: Int) -> Int64? {
            guard remaining >= digits else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<(index + digits)] {
                guard byte.isDigit else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            index += digits
            return value
        }

        mutating func month() -> Int64? {
            guard remaining >= 3, let found = HTTPDate.months.firstIndex(of: Array(bytes[index..<(index + 3)])) else { return nil }
            index += 3
            return Int64(found + 1)
        }

        /// `HH:MM:SS`.
        mutating func time() -> (hour: Int64, minute: Int64, second: Int64)? {
            guard let hour = number(2), skip(":"), let minute = number(2), skip(":"), let second = number(2) else { return nil }
            return (hour, minute, second)
        }
    }
}

extension UInt8 {
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
}

extension Array where Element == UInt8 {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: ArraySlice<UInt8> {
        var slice = self[...]
        while let first = slice.first, first == 0x20 || first == 0x09 { slice.removeFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
        return slice
    }
}
