import Foundation
import Testing

/// Paths inside the repository, found from this file's location (`Sources/SigilTestSupport/Repo.swift`).
public enum Repo {
    /// The repository's root directory.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `relative` (e.g. `"lexicons"`, `"fixtures/…"`) under the root.
    public static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }
}

/// The accounts tests act as. alice's and bob's keys, where a test needs them, are its own.
public let alice = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"
public let bob = "did:plc:bobbbbbbbbbbbbbbbbbbbbbb"

/// Lowercase hex of `bytes`.
public func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// The bytes of a hex string (two digits per byte); nil if it is not one.
public func hexBytes(_ text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    for index in stride(from: 0, to: digits.count, by: 2) {
        guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
        bytes.append(high << 4 | low)
    }
    return bytes
}

private func hexValue(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
    default: nil
    }
}

/// Waits until `condition` holds (checked every 20 ms), or `timeout` passes; returns whether it held. The
/// synchronization tests use instead of sleeping.
public func eventually(_ timeout: Duration = .seconds(30), _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Kinds of test a developer may leave out locally: `SIGIL_TEST_SKIP=slow,process` (CI sets nothing and runs all).
public enum TestKind: String, Sendable {
    case slow, process, postgres

    /// The kinds SIGIL_TEST_SKIP names.
    public static let skipped: Set<String> = Set(
        (ProcessInfo.processInfo.environment["SIGIL_TEST_SKIP"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
}

extension Trait where Self == ConditionTrait {
    /// Runs unless SIGIL_TEST_SKIP names one of `kinds` (pair it with the matching `.tags`).
    public static func kinds(_ kinds: TestKind...) -> Self {
        let skipped = kinds.filter { TestKind.skipped.contains($0.rawValue) }
        return .disabled(if: !skipped.isEmpty, "SIGIL_TEST_SKIP includes \(skipped.map(\.rawValue).joined(separator: ", "))")
    }
}

extension Tag {
    /// Needs the PostgreSQL server `.ci/test` starts (skip with `SIGIL_SKIP_POSTGRES=1`).
    @Tag public static var postgres: Self
    /// Starts `sigil` child processes.
    @Tag public static var process: Self
    /// Takes more than a few seconds.
    @Tag public static var slow: Self
}

/// A fresh path under the temporary directory (not created), `sigil-LABEL-UUID`.
public func temporaryDirectory(_ label: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("sigil-\(label)-\(UUID().uuidString)").path
}
