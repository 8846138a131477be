import Lexicon

/// Writes a union as an enum: one case per member, chosen by `$type`; an open union adds `unknown`, which keeps
/// any other value as it came, so it encodes back unchanged.
struct UnionSourceWriter {
    let types: TypeSourceWriter

    func source(_ name: String, _ union: UnionSchema, indent: String) -> String {
        let inner = indent + "    "
        var members: [(caseName: String, type: String, lexiconType: String)] = []
        var used: Set<String> = union.closed ? [] : ["unknown"]
        for reference in union.refs {
            let definition = types.catalog.definitions[reference.index]
            let base = definition.name == "main" ? String(definition.nsid.rawValue.split(separator: ".").last!) : definition.name
            var caseName = SwiftNames.caseName(SwiftNames.typeName(definition: base))
            if used.contains(caseName) {
                caseName = SwiftNames.caseName(SwiftNames.typeName(nsid: reference.uri.replacingOccurrences(of: "#", with: ".")))
            }
            if caseName == "lexiconType" { caseName += "_" }
            while !used.insert(caseName).inserted { caseName += "_" }
            members.append((caseName, types.referencedType(reference), reference.uri))
        }
        var out =
            "\(indent)/// \(union.closed ? "A closed" : "An open") union of \(members.map { "`\($0.lexiconType)`" }.joined(separator: ", ")), chosen by `$type`.\n"
        // Indirect: a member may hold, through its own fields, a value of this very union.
        out += "\(indent)public indirect enum \(name): Codable, Sendable, Hashable {\n"
        for member in members { out += "\(inner)case \(member.caseName)(\(member.type))\n" }
        if !union.closed { out += "\(inner)/// A member this lexicon does not list, kept as it came.\n\(inner)case unknown(JSONValue)\n" }
        out += "\n\(inner)private enum TypeKey: String, CodingKey { case type = \"$type\" }\n\n"
        out += "\(inner)/// The `$type` this value is encoded with.\n"
        out += "\(inner)public var lexiconType: String? {\n\(inner)    switch self {\n"
        for member in members { out += "\(inner)    case .\(member.caseName): \(SwiftText.literal(member.lexiconType))\n" }
        if !union.closed { out += "\(inner)    case .unknown(let value): value[\"$type\"]?.stringValue\n" }
        out += "\(inner)    }\n\(inner)}\n\n"
        out += "\(inner)public init(from decoder: any Decoder) throws {\n"
        out += "\(inner)    let container = try decoder.container(keyedBy: TypeKey.self)\n"
        out += "\(inner)    let type = try container.decode(String.self, forKey: .type)\n"
        out += "\(inner)    switch type {\n"
        for member in members {
            out += "\(inner)    case \(SwiftText.literal(member.lexiconType)): self = .\(member.caseName)(try \(member.type)(from: decoder))\n"
        }
        if union.closed {
            out +=
                "\(inner)    default: throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: \"$type \\(type) is not a member of this closed union\")\n"
        } else {
            out += "\(inner)    default: self = .unknown(try JSONValue(from: decoder))\n"
        }
        out += "\(inner)    }\n\(inner)}\n\n"
        out += "\(inner)public func encode(to encoder: any Encoder) throws {\n"
        out += "\(inner)    switch self {\n"
        for member in members {
            out += "\(inner)    case .\(member.caseName)(let value):\n"
            if member.type == "JSONValue" {
                // A member no loaded lexicon defines: its raw object, with the `$type` it was chosen by.
                out += "\(inner)        var object = value.objectValue ?? [:]\n"
                out += "\(inner)        object[\"$type\"] = .string(\(SwiftText.literal(member.lexiconType)))\n"
                out += "\(inner)        try JSONValue.object(object).encode(to: encoder)\n"
            } else {
                // The member writes its fields, then the union adds the `$type` to the same object.
                out += "\(inner)        try value.encode(to: encoder)\n"
                out += "\(inner)        var container = encoder.container(keyedBy: TypeKey.self)\n"
                out += "\(inner)        try container.encode(\(SwiftText.literal(member.lexiconType)), forKey: .type)\n"
            }
        }
        if !union.closed { out += "\(inner)    case .unknown(let value):\n\(inner)        try value.encode(to: encoder)\n" }
        out += "\(inner)    }\n\(inner)}\n"
        return out + "\(indent)}"
    }
}
