import Lexicon

/// A method's declared input or output encoding, parsed once when the method table is built (not per request):
/// `*/*`, a pattern (`image/*`, `application/json`) or, when the lexicon's text is no valid pattern, the text
/// itself, compared case-insensitively.
struct DeclaredEncoding: Sendable {
    /// The declaration as the lexicon writes it.
    let declared: String
    private let lowercased: String
    private let pattern: MIMEPattern?
    private let acceptsAnything: Bool

    init(_ declared: String) {
        self.declared = declared
        lowercased = declared.lowercased()
        acceptsAnything = declared == "*/*"
        // Only a glob is matched as a pattern; a concrete type is compared whole, so `application/ json` is not
        // taken for `application/json` (it would skip the JSON parse and the input's validation).
        pattern = declared.contains("*") ? MIMEPattern(declared) : nil
    }

    /// Whether `essence` (a MIME type already reduced by ``XRPCService/mimeEssence(_:)``: no parameters, lower
    /// case) is accepted.
    func accepts(_ essence: String) -> Bool {
        if acceptsAnything || essence == lowercased { return true }
        return pattern?.matches(essence) ?? false
    }
}
