/// RFC 3339 timestamps with milliseconds, UTC (`2026-11-23T10:20:30.123Z`): the atproto datetime format.
public enum Timestamp {
    /// Formats milliseconds since the Unix epoch.
    public static func iso8601(milliseconds: Int64) -> String {
        let (seconds, millis) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (y, m, d) = civil(fromDays: days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        let year = String(repeating: "0", count: max(0, 4 - String(y).count)) + String(y)
        return "\(year)-\(two(m))-\(two(d))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)).\(ms)Z"
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Timestamp {
    /// Milliseconds since the Unix epoch of a valid atproto datetime (`Datetime.isValid`), any offset, digits
    /// past the millisecond truncated; nil for anything else. Years 0000–9999 only, so it never overflows.
    public static func milliseconds(parsing text: String) -> Int64? {
        guard Datetime.isValid(text) else { return nil }
        let b = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for i in range {
                guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int64(b[i] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        var millis: Int64 = 0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 {
                if digits < 3 { millis = millis * 10 + Int64(b[index] - 0x30) }
                digits += 1
                index += 1
            }
            for _ in digits..<max(digits, 3) { millis *= 10 }
        }
        var offset: Int64 = 0
        if index < b.count, b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") {
            guard let h = number(index + 1..<index + 3), let m = number(index + 4..<index + 6) else { return nil }
            offset = (h * 60 + m) * 60 * (b[index] == UInt8(ascii: "-") ? -1 : 1)
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return ((days * 86_400 + hour * 3600 + minute * 60 + second) - offset) * 1000 + millis
    }

    /// Howard Hinnant's days-from-civil (proleptic Gregorian), the inverse of ``civil(fromDays:)``.
    package static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
