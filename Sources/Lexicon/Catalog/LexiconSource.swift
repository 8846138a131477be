/// The raw bytes of one lexicon document and where they came from.
public struct LexiconSource: Sendable {
    /// Shown in problems: a file path, or a name for embedded documents.
    public var name: String
    public var bytes: [UInt8]
    /// The NSID the document must declare (derived from its file path), if any.
    public var expectedID: String?

    public init(name: String, bytes: [UInt8], expectedID: String? = nil) {
        self.name = name
        self.bytes = bytes
        self.expectedID = expectedID
    }

    /// Largest lexicon document accepted, in bytes.
    public static let maxDocumentBytes = 1 << 20
}
