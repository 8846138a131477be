import Testing

@testable import Lexicon

/// Real catalogs are partial and newer than this engine: references to lexicons not loaded and schema
/// fields the engine does not know are warnings, never load failures.
@Suite("Partial catalogs and forward compatibility")
struct PartialCatalogTests {
    /// A procedure whose input names a definition of a lexicon that is not loaded, like an app's own
    /// method referring to `app.bsky.actor.defs#preferences`.
    static let partial = ##"""
        {"lexicon": 1, "id": "com.example.putPrefs", "defs": {"main": {"type": "procedure",
          "input": {"encoding": "application/json", "schema": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "maxLength": 10},
            "preferences": {"type": "ref", "ref": "app.bsky.actor.defs#preferences"},
            "embed": {"type": "union", "refs": ["app.bsky.embed.images", "#local"]},
            "closed": {"type": "union", "refs": ["app.bsky.embed.record"], "closed": true}
          }}}},
          "local": {"type": "object", "properties": {"n": {"type": "integer"}}}
        }}
        """##

    @Test func aReferenceToAnUnloadedLexiconLoadsWithAWarning() throws {
        let catalog = try makeCatalog(Self.partial)
        #expect(catalog.definition("com.example.putPrefs") != nil)
        #expect(Set(catalog.unresolvedReferences) == ["app.bsky.actor.defs#preferences", "app.bsky.embed.images", "app.bsky.embed.record"])
        let unresolved = catalog.warnings.filter { $0.rule == "unresolved-ref" }
        #expect(unresolved.count == 3)
        #expect(unresolved.allSatisfy { $0.severity == .warning && $0.file == "doc0.json" })
        #expect(
            unresolved.contains {
                $0.path == "/defs/main/input/schema/properties/preferences/ref"
                    && $0.message.contains("app.bsky.actor.defs#preferences")
            })
        // A placeholder is never found by name: validating against it says no lexicon defines it.
        #expect(catalog.definition("app.bsky.actor.defs#preferences") == nil)
        #expect(throws: SchemaLookupError.unknownDefinition("app.bsky.embed.images")) {
            try catalog.validate(["x": 1], against: "app.bsky.embed.images")
        }
    }

    /// What reaches the unresolved reference fails naming it; what does not is unaffected.
    static let reachCases: [(label: String, input: String, error: String?)] = [
        ("never reaches it", #"{"name": "a"}"#, nil),
        ("still checks what is loaded", #"{"name": "much too long"}"#, "Input/name must not be longer than 10 UTF-8 bytes"),
        (
            "reaches the ref", #"{"name": "a", "preferences": {"x": 1}}"#,
            "Input/preferences refers to app.bsky.actor.defs#preferences, which no loaded lexicon defines"
        ),
        ("open union, loaded member", ##"{"name": "a", "embed": {"$type": "com.example.putPrefs#local", "n": 1}}"##, nil),
        (
            "open union, unresolved member", #"{"name": "a", "embed": {"$type": "app.bsky.embed.images", "images": []}}"#,
            "Input/embed refers to app.bsky.embed.images, which no loaded lexicon defines"
        ),
        ("open union, unlisted member", #"{"name": "a", "embed": {"$type": "com.example.other", "z": 1}}"#, nil),
        (
            "closed union, unresolved member", #"{"name": "a", "closed": {"$type": "app.bsky.embed.record"}}"#,
            "Input/closed refers to app.bsky.embed.record, which no loaded lexicon defines"
        ),
    ]

    @Test(arguments: reachCases.indices)
    func validationFailsOnlyWhereItReachesTheUnresolvedReference(_ index: Int) throws {
        let (_, input, expected) = Self.reachCases[index]
        let catalog = try makeCatalog(Self.partial)
        let result = try catalog.validate(try JSONValue(parsing: input), method: "com.example.putPrefs", part: .input)
        #expect(result.error?.message == expected, "\(Self.reachCases[index].label)")
    }

    @Test func loadingTheMissingLexiconResolvesTheReference() throws {
        let defs =
            #"{"lexicon": 1, "id": "app.bsky.actor.defs", "defs": {"preferences": {"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}}}}}"#
        let catalog = try makeCatalog(Self.partial, defs)
        #expect(Set(catalog.unresolvedReferences) == ["app.bsky.embed.images", "app.bsky.embed.record"])
        let result = try catalog.validate(["name": "a", "preferences": ["x": 1]], method: "com.example.putPrefs", part: .input)
        #expect(result.error?.message == "Input/preferences/x must be a string")
    }

    @Test func oneReferenceNamedTwiceIsOnePlaceholder() throws {
        let catalog = try makeCatalog(
            document(
                main:
                    #"{"type":"object","properties":{"a":{"type":"ref","ref":"com.example.gone"},"b":{"type":"array","items":{"type":"ref","ref":"com.example.gone#main"}}}}"#
            ))
        #expect(catalog.unresolvedReferences == ["com.example.gone"])
        #expect(catalog.warnings.count == 2)
        #expect(
            try catalog.validate(["b": [["x": 1]]], against: "com.example.test").error?.message
                == "Value/b/0 refers to com.example.gone, which no loaded lexicon defines")
    }

    @Test func aMalformedReferenceIsStillAnError() {
        let found = problems(document(main: #"{"type":"object","properties":{"a":{"type":"ref","ref":"not a ref"}}}"#))
        #expect(found.count == 1 && found[0].severity == .error && found[0].message.contains("is not a reference"))
    }

    /// Fields the engine does not know: warned about, with a correction when one is close; ignored when loading.
    static let unknownFields: [(label: String, json: String, path: String, message: String)] = [
        (
            "typo of a constraint", document(main: #"{"type":"string","maxLenght":3}"#), "/defs/main/maxLenght",
            #"unknown field "maxLenght" for type string, ignored (did you mean "maxLength"?)"#
        ),
        ("wrong case", document(main: #"{"type":"string","MaxLength":3}"#), "/defs/main/MaxLength", #"(did you mean "maxLength"?)"#),
        (
            "transposition", document(main: #"{"type":"array","items":{"type":"integer"},"mxaLength":3}"#), "/defs/main/mxaLength",
            #"(did you mean "maxLength"?)"#
        ),
        (
            "a field of another type", document(main: #"{"type":"integer","maxLength":3}"#), "/defs/main/maxLength",
            "(it belongs to types array, bytes and string)"
        ),
        (
            "a query with input", document(main: #"{"type":"query","input":{"encoding":"application/json"}}"#), "/defs/main/input",
            "(it belongs to type procedure)"
        ),
        (
            "a field from the future", document(main: #"{"type":"string","maxCodepoints":3}"#), "/defs/main/maxCodepoints",
            #"unknown field "maxCodepoints" for type string, ignored"#
        ),
        ("a token with fields", document(main: #"{"type":"token","values":[]}"#), "/defs/main/values", #"unknown field "values" for type token"#),
        (
            "unknown top-level field", #"{"lexicon":1,"id":"com.example.test","defs":{"main":{"type":"token"}},"$schema":"x"}"#, "/$schema",
            #"unknown top-level field "$schema", ignored"#
        ),
    ]

    @Test(arguments: unknownFields.indices)
    func unknownFieldsWarnAndLoad(_ index: Int) throws {
        let (label, json, path, message) = Self.unknownFields[index]
        let found = try #require(warnings(json), "\(label): did not load")
        #expect(
            found.contains { $0.path == path && $0.rule == "unknown-field" && $0.message.contains(message) },
            "\(label): \(found.map(\.description))")
    }

    @Test func anUnknownFieldDoesNotChangeValidation() throws {
        let catalog = try makeCatalog(
            document(main: #"{"type":"object","required":["s"],"properties":{"s":{"type":"string","maxLength":3,"maxCodepoints":1}}}"#))
        #expect(try catalog.validate(["s": "abc"], against: "com.example.test").isValid)
        #expect(try catalog.validate(["s": "abcd"], against: "com.example.test").error?.message == "Value/s must not be longer than 3 UTF-8 bytes")
    }

    @Test func subscriptionsMayDeclareASubprotocol() throws {
        let catalog = try makeCatalog(
            document(
                main: ##"{"type":"subscription","subprotocol":"xrpc.v1.json","message":{"schema":{"type":"union","refs":["#event"]}}}"##,
                extra: ##""event":{"type":"object","properties":{}}"##))
        guard case .subscription(let subscription)? = catalog.definition("com.example.test")?.kind else {
            Issue.record("not a subscription")
            return
        }
        #expect(subscription.subprotocol == "xrpc.v1.json")
        #expect(catalog.warnings.isEmpty)
    }

    @Test func suggestionsStayPlausible() {
        #expect(FieldNameSuggestion.closest(to: "maxLenght", among: ["maxLength", "minLength"]) == "maxLength")
        #expect(FieldNameSuggestion.closest(to: "zzzzzzzz", among: ["maxLength", "minLength"]) == nil)
        #expect(FieldNameSuggestion.closest(to: "kye", among: ["key", "record"]) == "key")
        #expect(FieldNameSuggestion.closest(to: "abc", among: ["key"]) == nil)
        #expect(FieldNameSuggestion.closest(to: String(repeating: "m", count: 10_000), among: ["maxLength"]) == nil)
        #expect(FieldNameSuggestion.editDistance(Array("abc".utf8), Array("acb".utf8)) == 1)
        #expect(FieldNameSuggestion.editDistance([], Array("abc".utf8)) == 3)
    }
}
