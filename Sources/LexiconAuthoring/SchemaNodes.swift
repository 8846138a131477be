import Lexicon

/// Every schema object inside a definition's JSON, with its JSON Pointer: the walk lint rules share.
///
/// The documents have already loaded, so shapes are known good; the walk only follows the places where the
/// Lexicon spec nests schemas (record, properties, items, parameters, bodies, message).
struct SchemaNode {
    let object: [String: JSONValue]
    let path: String
    /// The property name this schema is the value of, if it is one.
    let propertyName: String?

    var type: String? { object["type"]?.stringValue }

    static func all(in definition: JSONValue, at path: String) -> [SchemaNode] {
        var nodes: [SchemaNode] = []
        visit(definition, path, property: nil, into: &nodes)
        return nodes
    }

    private static func visit(_ value: JSONValue, _ path: String, property: String?, into nodes: inout [SchemaNode]) {
        guard let object = value.objectValue else { return }
        nodes.append(SchemaNode(object: object, path: path, propertyName: property))
        switch object["type"]?.stringValue {
        case "record":
            if let record = object["record"] { visit(record, JSONPointer.appending(path, "record"), property: nil, into: &nodes) }
        case "object", "params":
            for (name, schema) in (object["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                visit(schema, JSONPointer.appending(JSONPointer.appending(path, "properties"), name), property: name, into: &nodes)
            }
        case "array":
            if let items = object["items"] { visit(items, JSONPointer.appending(path, "items"), property: property, into: &nodes) }
        case "query", "procedure", "subscription":
            if let parameters = object["parameters"] { visit(parameters, JSONPointer.appending(path, "parameters"), property: nil, into: &nodes) }
            for body in ["input", "output"] {
                if let schema = object[body]?["schema"] {
                    visit(schema, JSONPointer.appending(JSONPointer.appending(path, body), "schema"), property: nil, into: &nodes)
                }
            }
            if let schema = object["message"]?["schema"] {
                visit(schema, JSONPointer.appending(JSONPointer.appending(path, "message"), "schema"), property: nil, into: &nodes)
            }
        default:
            break
        }
    }
}
