import Foundation
import Testing

@testable import Lexicon

// MARK: - Hand-written edge cases

/// A hand-written case: a value and whether it is valid for the format.
struct FormatHandCase: Sendable, CustomTestStringConvertible {
    let format: StringFormat
    let value: String
    let valid: Bool

    init(_ format: StringFormat, _ value: String, _ valid: Bool) {
        self.format = format
        self.value = value
        self.valid = valid
    }

    var testDescription: String {
        let shown = value.count > 60 ? String(value.prefix(60)) + "…(\(value.utf8.count) bytes)" : value
        return "\(format.rawValue) \(shown.debugDescription) → \(valid)"
    }

    static func ok(_ format: StringFormat, _ value: String) -> Self { Self(format, value, true) }
    static func bad(_ format: StringFormat, _ value: String) -> Self { Self(format, value, false) }
}

func repeated(_ s: String, _ n: Int) -> String { String(repeating: s, count: n) }

enum FormatHandCases {
    static let label63 = repeated("a", 63)
    static let labels63x4 = [label63, label63, label63, label63].joined(separator: ".")
    static let postPrefix = "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/"

    static let did: [FormatHandCase] = [
        .ok(.did, "did:plc:z72i7hdynmk6r22z27h6tvur"),
        .ok(.did, "did:web:localhost%3A1234"),
        .ok(.did, "did:plc:" + repeated("a", 2048 - 8)),  // exactly 2048
        .bad(.did, "did:plc:" + repeated("a", 2048 - 7)),  // 2049
        .bad(.did, "did:plc:abc\n"),
        .bad(.did, "did:plc:ab\u{E9}"),
        .bad(.did, "did::abc"),
        .bad(.did, "did:plc:a%"),
        .bad(.did, "did:pl1:abc"),
        .bad(.did, ""),
    ]

    static let handle: [FormatHandCase] = [
        .ok(.handle, "jay.bsky.social"),
        .ok(.handle, "EXAMPLE.COM"),
        .ok(.handle, label63 + "." + label63 + "." + label63 + "." + repeated("d", 61)),  // 253 chars
        .bad(.handle, label63 + "." + label63 + "." + label63 + "." + repeated("d", 62)),  // 254 chars
        .bad(.handle, repeated("a", 64) + ".com"),
        .bad(.handle, "ex\u{E4}mple.com"),
        .bad(.handle, "example.com\u{0}"),
        .bad(.handle, "a.1b"),
        .ok(.handle, "a.b1"),
        .bad(.handle, "a.b-"),
        .bad(.handle, "@jay.bsky.social"),
        .bad(.handle, ""),
    ]

    static let nsid: [FormatHandCase] = [
        .ok(.nsid, "app.bsky.feed.post"),
        .ok(.nsid, "com.example." + repeated("a", 63)),
        .bad(.nsid, "com.example." + repeated("a", 64)),
        .ok(.nsid, labels63x4 + "." + repeated("b", 61)),  // 317 chars
        .bad(.nsid, labels63x4 + "." + repeated("b", 62)),  // 318 chars
        .bad(.nsid, "com.example.foo-bar"),
        .bad(.nsid, "com.example.3d"),
        .bad(.nsid, "com.exa_mple.foo"),
        .bad(.nsid, "com.example.fooBar#main"),
        .bad(.nsid, "com.example.*"),
        .bad(.nsid, "com.ex\u{E4}mple.foo"),
    ]

    static let recordKey: [FormatHandCase] = [
        .ok(.recordKey, "3jzfcijpj2z2a"),
        .ok(.recordKey, repeated("a", 512)),
        .bad(.recordKey, repeated("a", 513)),
        .bad(.recordKey, ""),
        .bad(.recordKey, "."),
        .bad(.recordKey, ".."),
        .ok(.recordKey, "..."),
        .ok(.recordKey, ".a"),
        .bad(.recordKey, "a/b"),
        .bad(.recordKey, "a%20b"),
        .bad(.recordKey, "caf\u{E9}"),
    ]

    static let tid: [FormatHandCase] = [
        .ok(.tid, "2222222222222"),
        .ok(.tid, "j" + repeated("z", 12)),
        .bad(.tid, "k222222222222"),
        .bad(.tid, "3jzfcijpj2z2A"),
        .bad(.tid, "3jzfcijpj2z21"),
        .bad(.tid, "3jzfcijpj2z2"),
        .bad(.tid, "3jzfcijpj2z\u{E9}"),
    ]

    static let atURI: [FormatHandCase] = [
        .ok(.atURI, postPrefix + "3jzfcijpj2z2a"),
        .ok(.atURI, "at://jay.bsky.social/app.bsky.feed.post"),
        .bad(.atURI, postPrefix + "3jzfcijpj2z2a?x=1"),
        .bad(.atURI, postPrefix + "3jzfcijpj2z2a#/text"),
        .bad(.atURI, postPrefix + "3jzfcijpj2z2a/"),
        .ok(.atURI, postPrefix + repeated("a", 512)),
        .bad(.atURI, postPrefix + repeated("a", 513)),
        .bad(.atURI, "at://@jay.bsky.social"),
        .bad(.atURI, "at://user:pass@foo.com"),
        .bad(.atURI, "at://example.com:3000"),
        .bad(.atURI, "at://jay.bsky.social/app.bsky.feed.post/caf\u{E9}"),
        .bad(.atURI, "at://"),
    ]

    static let atIdentifier: [FormatHandCase] = [
        .ok(.atIdentifier, "did:plc:abc"),
        .ok(.atIdentifier, "alice.bsky.social"),
        .bad(.atIdentifier, "did:plc"),
        .bad(.atIdentifier, "@alice.bsky.social"),
        .bad(.atIdentifier, ""),
    ]

    static let datetime: [FormatHandCase] = [
        .ok(.datetime, "2024-02-29T00:00:00Z"),
        .ok(.datetime, "2000-02-29T00:00:00Z"),
        .bad(.datetime, "2023-02-29T00:00:00Z"),
        .bad(.datetime, "1900-02-29T00:00:00Z"),
        .bad(.datetime, "2023-04-31T00:00:00Z"),
        .bad(.datetime, "2023-06-30T23:59:60Z"),  // no leap seconds
        .ok(.datetime, "9999-12-31T23:59:59Z"),
        .ok(.datetime, "9999-12-31T22:59:59-01:00"),
        .bad(.datetime, "9999-12-31T23:00:00-01:00"),  // normalizes to year 10000
        .ok(.datetime, "0000-01-01T01:00:00+01:00"),
        .bad(.datetime, "0000-01-01T00:59:59+01:00"),  // normalizes to year -1
        .ok(.datetime, "2024-01-01T00:00:00." + repeated("1", 43) + "Z"),  // 64 chars
        .bad(.datetime, "2024-01-01T00:00:00." + repeated("1", 44) + "Z"),  // 65 chars
        .ok(.datetime, "1985-04-12T23:20:50.123+23:59"),
        .bad(.datetime, "1985-04-12T23:20:50.123+24:00"),
        .bad(.datetime, "1985-04-12T23:20:50.123+01:60"),
        .bad(.datetime, "1985-04-12T23:20:50.123-00:00"),
        .bad(.datetime, "\u{FF11}985-04-12T23:20:50Z"),  // fullwidth digit
        .bad(.datetime, "1985-04-12T23:20:50.123Z\u{0}"),
    ]

    static let uri: [FormatHandCase] = [
        .ok(.uri, "https://example.com"),
        .ok(.uri, "mailto:user@example.com"),
        .ok(.uri, "urn:isbn:0451450523"),
        .ok(.uri, "https://\u{4F8B}\u{3048}.jp/"),  // IRI characters are tolerated
        .ok(.uri, "https://example.com/" + repeated("x", 8192 - 20)),  // 8192 bytes
        .bad(.uri, "https://example.com/" + repeated("x", 8192 - 19)),
        .bad(.uri, "https://example.com/a\tb"),
        .bad(.uri, "https://example.com/\u{3000}"),
        .bad(.uri, "https://example.com/\u{A0}"),
        .bad(.uri, "https://example.com/\u{85}"),
        .bad(.uri, "file:///etc/passwd"),  // rest may not start with '/'
        .bad(.uri, "1http://example.com"),
        .ok(.uri, "a:b"),
    ]

    static let cid: [FormatHandCase] = [
        .ok(.cid, "bafyreihffx5a2e7k5uwrmmgofbvzujc5cmw5h4espouwuxt3liqoflx3ee"),
        .ok(.cid, "b" + repeated("a", 255)),  // 256
        .bad(.cid, "b" + repeated("a", 256)),  // 257
        .bad(.cid, "bafyrei"),  // 7
        .bad(.cid, "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR"),
        .bad(.cid, "bafyrei-hffx5a2e7k5uwrmmgofbvzujc5cmw5h4"),
        .bad(.cid, "bafyrei\u{E9}hffx5a2e7k5uwrmmgofbvzujc5cmw5h4"),
    ]

    static let language: [FormatHandCase] = [
        .ok(.language, "en"),
        .ok(.language, "en-US"),
        .ok(.language, "zh-yue-HK"),
        .ok(.language, "de-1901-1996"),
        .ok(.language, "en-a-foo-b-bar"),
        .ok(.language, "en-x-a-b-c"),
        .ok(.language, "x-private"),
        .ok(.language, "en-GB-oed"),
        .ok(.language, "i-klingon"),
        .bad(.language, "EN"),
        .bad(.language, "en-"),
        .bad(.language, "en--US"),
        .bad(.language, "en-a-foo-A-bar"),
        .bad(.language, "en-abcdefghi"),  // 9-char subtag
        .bad(.language, "ab-abc-def-ghi-jkl"),  // 4 extlangs
        .bad(.language, "i-unknown"),
        .bad(.language, "en-x"),
        .bad(.language, "fr-\u{C9}"),
    ]

    static let all: [FormatHandCase] =
        did + handle + nsid + recordKey + tid + atURI + atIdentifier
        + datetime + uri + cid + language
}
