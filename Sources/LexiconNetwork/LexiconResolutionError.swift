/// Why a lexicon could not be resolved from the network: each step of NSID → `_lexicon` TXT → DID → PDS → signed
/// proof → schema has its own case, so a caller (or a person reading the CLI's message) knows which link broke.
public enum LexiconResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not an NSID (or one with too few segments to have an authority).
    case invalidNSID(String)
    /// No `did=` TXT record at the authority's `_lexicon` name.
    case noTXT(name: String)
    /// Several TXT records naming different DIDs.
    case conflictingTXT(name: String, dids: [String])
    /// A `did=` record whose value is not a DID.
    case malformedTXT(name: String, value: String)
    /// The TXT record names another account than the one expected (a pin, or the account publishing).
    case otherAccount(name: String, found: String, expected: String)
    /// The DNS lookup itself failed (no answer, a malformed one, a server error).
    case dnsFailed(name: String, reason: String)
    /// The DID's document could not be resolved.
    case didUnresolvable(did: String, reason: String)
    /// The DID document names no `#atproto_pds` service.
    case noPDS(did: String)
    /// The DID document has no usable `#atproto` key.
    case noSigningKey(did: String)
    /// The PDS could not be reached, refused the destination, timed out, or answered with an error.
    case pdsUnreachable(pds: String, reason: String)
    /// The commit's signature does not verify with the key the DID document lists now.
    case badSignature(did: String)
    /// The proof lacks a block the verification needs (the commit, an MST node, the record).
    case proofIncomplete(reason: String)
    /// The proof is otherwise wrong: not a CAR, another account's commit, a block not matching its CID.
    case proofInvalid(reason: String)
    /// The repo proves there is no schema record for the NSID.
    case recordAbsent(nsid: String, did: String)
    /// The record is not a `com.atproto.lexicon.schema` (no `lexicon: 1`, another `$type`).
    case notASchema(nsid: String, reason: String)
    /// The schema's `id` is not the NSID it is stored under.
    case idMismatch(nsid: String, found: String)
    /// The schema is not a valid lexicon document.
    case schemaInvalid(nsid: String, reason: String)
    /// Too many resolutions are waiting on this host already; try again later.
    case busy(host: String)

    /// A short stable name for the refusal (JSON output, metrics, the observatory's reasons).
    public var code: String {
        switch self {
        case .invalidNSID: "invalid-nsid"
        case .noTXT: "no-txt"
        case .conflictingTXT: "conflicting-txt"
        case .malformedTXT: "malformed-txt"
        case .otherAccount: "other-account"
        case .dnsFailed: "dns-failed"
        case .didUnresolvable: "did-unresolvable"
        case .noPDS: "no-pds"
        case .noSigningKey: "no-signing-key"
        case .pdsUnreachable: "pds-unreachable"
        case .badSignature: "bad-signature"
        case .proofIncomplete: "proof-incomplete"
        case .proofInvalid: "proof-invalid"
        case .recordAbsent: "record-absent"
        case .notASchema: "not-a-schema"
        case .idMismatch: "id-mismatch"
        case .schemaInvalid: "schema-invalid"
        case .busy: "busy"
        }
    }

    /// The refusal as a sentence; text that came from the network has its control characters replaced.
    public var description: String {
        ControlCharacters.replaced(in: sentence)
    }

    private var sentence: String {
        switch self {
        case .invalidNSID(let text): "\(text.prefix(300)) is not an NSID with an authority"
        case .noTXT(let name): "no TXT record did=… at \(name)"
        case .conflictingTXT(let name, let dids): "\(name) has TXT records naming different DIDs: \(dids.joined(separator: ", "))"
        case .malformedTXT(let name, let value): "\(name)'s TXT record did=\(value.prefix(200)) does not name a DID"
        case .otherAccount(let name, let found, let expected): "\(name) names \(found), not \(expected)"
        case .dnsFailed(let name, let reason): "cannot look up \(name): \(reason)"
        case .didUnresolvable(let did, let reason): "cannot resolve \(did): \(reason)"
        case .noPDS(let did): "the DID document of \(did) names no PDS (#atproto_pds)"
        case .noSigningKey(let did): "the DID document of \(did) has no usable #atproto key"
        case .pdsUnreachable(let pds, let reason): "the PDS \(pds): \(reason)"
        case .badSignature(let did): "the commit's signature does not verify with the #atproto key \(did)'s DID document lists"
        case .proofIncomplete(let reason): "the proof is incomplete: \(reason)"
        case .proofInvalid(let reason): "the proof is invalid: \(reason)"
        case .recordAbsent(let nsid, let did): "\(did)'s repo has no com.atproto.lexicon.schema record \(nsid)"
        case .notASchema(let nsid, let reason): "the record \(nsid) is not a lexicon schema: \(reason)"
        case .idMismatch(let nsid, let found): "the schema stored as \(nsid) declares id \(found.prefix(300))"
        case .schemaInvalid(let nsid, let reason): "the published schema \(nsid) is not a valid lexicon: \(reason)"
        case .busy(let host): "too many lexicon resolutions are waiting on \(host); try again later"
        }
    }

    /// Text from the network made safe to show: control characters (terminal escapes, NUL) replaced, at most 200
    /// characters.
    public static func printable(_ text: String) -> String {
        ControlCharacters.replaced(in: String(String.UnicodeScalarView(text.unicodeScalars.prefix(200))))
    }

    /// Whether the same question may well get another answer soon (a network failure), rather than a settled one.
    public var isTransient: Bool {
        switch self {
        case .dnsFailed, .didUnresolvable, .pdsUnreachable, .busy: true
        default: false
        }
    }
}
