import ArgumentParser
import Foundation
import Lexicon

/// `sigil lexicon validate`: validate JSON values against a lexicon definition.
///
/// Exit codes: 0 valid (or, with `--jsonl`, every line processed), 1 invalid, 2 usage or I/O error.
struct LexiconValidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate a JSON value (a record, or a method's params/input/output) against a lexicon.",
        discussion: """
            Exit 0 when valid, 1 when invalid (the reason on stderr), 2 on a usage or I/O error.
            With --jsonl, every input line is one JSON value and every output line one result,
            {"valid":true} or {"valid":false,"error":"…","path":"…"}, in order; exit 0 once all lines are processed.
            """
    )

    @Option(help: "Directory of lexicon JSON files (default: the bundled lexicons).")
    var lexicons: String?

    @Option(help: "The definition to validate against: a record NSID, a method NSID, or nsid#name.")
    var nsid: String

    @Option(name: .customLong("as"), help: "For a query or procedure: which part the value is (params, input, output).")
    var part: MethodPart?

    @Flag(help: "Read JSON Lines: one value per line, one result per line on stdout.")
    var jsonl = false

    @Flag(help: "Print the value with schema defaults filled in (single-value mode).")
    var applyDefaults = false

    @Flag(help: "Lenient reading of old data: accept legacy blobs {cid, mimeType}.")
    var allowLegacyBlob = false

    @Flag(help: "Lenient reading of old data: accept datetimes without a timezone (read as UTC) or with -00:00/+0000.")
    var lenientDatetime = false

    @Argument(help: "File holding the JSON value; '-' or nothing for standard input.")
    var file: String?

    func run() throws {
        let catalog = try LexiconLocation(lexicons).catalogOrExit()
        let target = try resolveTarget(in: catalog)
        let options = ValidationOptions(applyDefaults: applyDefaults, allowLegacyBlob: allowLegacyBlob, lenientDatetime: lenientDatetime)
        if jsonl {
            try runLines(
                catalog: catalog, target: target, options: ValidationOptions(allowLegacyBlob: allowLegacyBlob, lenientDatetime: lenientDatetime))
            return
        }
        let bytes = try readInput()
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        switch target.validate(value, in: catalog, options: options) {
        case .valid(let completed):
            print(applyDefaults ? completed.jsonString : "valid")
        case .invalid(let error):
            printError(error.message)
            throw ExitCode(1)
        }
    }

    /// What `--nsid` and `--as` name.
    private func resolveTarget(in catalog: LexiconCatalog) throws -> Target {
        guard let definition = catalog.definition(nsid) else {
            printError("no lexicon defines \(nsid)")
            throw ExitCode(2)
        }
        switch definition.kind {
        case .query, .procedure:
            guard let part else {
                printError("\(nsid) is a \(definition.typeName): say which part with --as params, input or output")
                throw ExitCode(2)
            }
            if let method = try? catalog.methodSchema(nsid), part != .params,
                (part == .input ? method.input?.schema : method.output?.schema) == nil
            {
                printError(SchemaLookupError.noSchema(nsid, part).description)
                throw ExitCode(2)
            }
            return .method(nsid, part)
        case .record, .field:
            if let part {
                printError("--as \(part.rawValue) is only for queries and procedures; \(nsid) is a \(definition.typeName)")
                throw ExitCode(2)
            }
            return .definition(nsid)
        default:
            printError("\(nsid) is a \(definition.typeName), which describes no value to validate")
            throw ExitCode(2)
        }
    }

    private func readInput() throws -> [UInt8] {
        if file == nil || file == "-" {
            return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
        guard let data = FileManager.default.contents(atPath: file!) else {
            printError("cannot read \(file!)")
            throw ExitCode(2)
        }
        return [UInt8](data)
    }

    /// JSON Lines: stream stdin (or the file) line by line; never stop at an invalid line.
    private func runLines(catalog: LexiconCatalog, target: Target, options: ValidationOptions) throws {
        let input: FileHandle
        if file == nil || file == "-" {
            input = .standardInput
        } else if let handle = FileHandle(forReadingAtPath: file!) {
            input = handle
        } else {
            printError("cannot read \(file!)")
            throw ExitCode(2)
        }
        var output = OutputBuffer()
        var pending: [UInt8] = []
        func handle(_ line: ArraySlice<UInt8>) {
            var line = line
            if line.last == 0x0D { line = line.dropLast() }
            let result: ValidationResult
            do {
                result = target.validate(try JSONValue(parsing: line), in: catalog, options: options)
            } catch {
                output.append(#"{"valid":false,"error":"# + JSONValue.string(error.description).jsonString + #","path":""}"#)
                return
            }
            switch result {
            case .valid:
                output.append(#"{"valid":true}"#)
            case .invalid(let error):
                output.append(
                    #"{"valid":false,"error":"# + JSONValue.string(error.message).jsonString
                        + #","path":"# + JSONValue.string(error.path).jsonString + "}")
            }
        }
        while true {
            let chunk = input.availableData
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                handle(pending[start..<newline])
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty { handle(pending[...]) }
        output.flush()
    }

    /// A validation target resolved once, used for every value.
    enum Target {
        case definition(String)
        case method(String, MethodPart)

        func validate(_ value: JSONValue, in catalog: LexiconCatalog, options: ValidationOptions) -> ValidationResult {
            do {
                switch self {
                case .definition(let nsid): return try catalog.validate(value, against: nsid, options: options)
                case .method(let nsid, let part): return try catalog.validate(value, method: nsid, part: part, options: options)
                }
            } catch {
                // The target was resolved against this catalog before any value was read.
                return .invalid(ValidationError(path: "", reason: error.description))
            }
        }
    }
}

extension MethodPart: ExpressibleByArgument {}

/// Buffered standard output for line-oriented results.
struct OutputBuffer {
    private var bytes: [UInt8] = []

    mutating func append(_ line: String) {
        bytes.append(contentsOf: line.utf8)
        bytes.append(0x0A)
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }
}
