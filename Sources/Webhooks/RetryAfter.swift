import Foundation

/// A `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Package-visible for the fuzz targets.
package enum RetryAfter {
    /// Milliseconds from `now` (ms) until the retry the header asks for; nil for a malformed value. A date in
    /// the past is 0. Digits only for seconds (at most 10 of them, so it never overflows).
    package static func milliseconds(_ value: String, now: Int64) -> Int64? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let seconds = Int64(text) {
            return seconds * 1000
        }
        guard let date = httpDate(text) else { return nil }
        return max(0, Int64(date.timeIntervalSince1970 * 1000) - now)
    }

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 and asctime forms.
    package static func httpDate(_ text: String) -> Date? {
        guard text.utf8.count <= 64 else { return nil }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
