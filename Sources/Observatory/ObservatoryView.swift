import Foundation
import Lexicon

/// What the pages, `/observatory.json` and reports show, computed from a snapshot: plain values only.
public enum ObservatoryView {
    /// Percent with one decimal, or an en dash when nothing was validated.
    static func percent(_ fraction: Double?) -> String {
        guard let fraction else { return "–" }
        return String(format: "%.1f%%", fraction * 100)
    }

    /// The last `hours` hours ending at `latest` as bars of an inline SVG (no script): seen in grey, invalid and
    /// unresolvable stacked in red and amber.
    static func chart(_ collection: ObservedCollection, latest: Int64, hours: Int = 24, width: Int = 120, height: Int = 24) -> String {
        let first = latest - Int64(hours) + 1
        let tallies = (first...latest).map { collection.hourly[$0] ?? Tally() }
        let peak = max(1, tallies.map(\.seen).max() ?? 1)
        let bar = Double(width) / Double(hours)
        var rects = ""
        for (index, tally) in tallies.enumerated() {
            let x = Double(index) * bar
            func scaled(_ value: Int) -> Double { Double(value) / Double(peak) * Double(height) }
            let seen = scaled(tally.seen)
            let bad = scaled(tally.invalid + tally.unresolvable)
            rects += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#9aa5b1\"/>", x, Double(height) - seen, bar * 0.8, seen)
            if bad > 0 {
                rects += String(
                    format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#d64545\"/>", x, Double(height) - bad, bar * 0.8, bad)
            }
        }
        return "<svg class=\"chart\" role=\"img\" aria-label=\"records per hour, last \(hours) hours\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\">\(rects)</svg>"
    }

    /// The newest hour any collection has counted.
    static func latestHour(_ collections: [ObservedCollection]) -> Int64 {
        collections.compactMap { $0.hourly.keys.max() }.max() ?? Int64(Date().timeIntervalSince1970) / 3_600
    }

    /// One row of the overview, the authority page and the search.
    static func row(_ collection: ObservedCollection, latest: Int64) -> [String: Any] {
        [
            "nsid": collection.nsid, "authority": collection.authority, "seen": collection.total.seen, "valid": collection.total.valid,
            "invalid": collection.total.invalid, "unresolvable": collection.total.unresolvable, "pending": collection.pending,
            "conformance": percent(collection.total.conformance), "chart": chart(collection, latest: latest),
            "link": "/collection/" + collection.nsid, "authorityLink": "/authority/" + collection.authority,
        ]
    }

    static func byVolume(_ collections: [ObservedCollection]) -> [ObservedCollection] {
        collections.sorted { $0.total.seen != $1.total.seen ? $0.total.seen > $1.total.seen : $0.nsid < $1.nsid }
    }

    public static func overview(_ collections: [ObservedCollection], events: Int, limit: Int = 200) -> [String: Any] {
        let latest = latestHour(collections)
        var total = Tally()
        for collection in collections { total += collection.total }
        let authorities = Dictionary(grouping: collections, by: \.authority).map { authority, members -> [String: Any] in
            var sum = Tally()
            for member in members { sum += member.total }
            return [
                "authority": authority, "link": "/authority/" + authority, "collections": members.count, "seen": sum.seen,
                "conformance": percent(sum.conformance),
            ]
        }.sorted { ($0["seen"] as! Int, $1["authority"] as! String) > ($1["seen"] as! Int, $0["authority"] as! String) }
        return [
            "title": "Conformance observatory", "events": events, "collectionCount": collections.count, "seen": total.seen,
            "conformance": percent(total.conformance), "unresolvable": total.unresolvable,
            "rows": byVolume(collections).prefix(limit).map { row($0, latest: latest) },
            "authorities": Array(authorities.prefix(50)),
        ]
    }

    public static func collection(_ collection: ObservedCollection, latest: Int64) -> [String: Any] {
        let origin = collection.lexicon
        return [
            "title": collection.nsid, "nsid": collection.nsid, "authority": collection.authority,
            "authorityLink": "/authority/" + collection.authority,
            "seen": collection.total.seen, "valid": collection.total.valid, "invalid": collection.total.invalid,
            "unresolvable": collection.total.unresolvable, "pending": collection.pending, "conformance": percent(collection.total.conformance),
            "chart": chart(collection, latest: latest, hours: 48, width: 480, height: 60),
            "hasOrigin": origin != nil, "source": origin?.source ?? "", "did": origin?.did ?? "–", "cid": origin?.cid ?? "–",
            "rev": origin?.rev ?? "–",
            "violations": collection.topViolations.prefix(25).map { violation -> [String: Any] in
                [
                    "rule": violation.rule, "path": violation.path.isEmpty ? "(the record)" : violation.path, "count": violation.count,
                    "examples": violation.examples.map { ["uri": $0.uri, "pointer": $0.pointer.isEmpty ? "/" : $0.pointer, "value": $0.value] },
                ]
            },
            "hasViolations": !collection.violations.isEmpty,
            "reasons": collection.reasons.sorted { $0.value.count > $1.value.count }.map {
                ["code": $0.key, "count": $0.value.count, "message": $0.value.message]
            },
            "hasReasons": !collection.reasons.isEmpty,
        ]
    }

    public static func authority(_ authority: String, _ collections: [ObservedCollection]) -> [String: Any] {
        let members = byVolume(collections.filter { $0.authority == authority })
        let latest = latestHour(collections)
        return ["title": authority, "authority": authority, "rows": members.map { row($0, latest: latest) }, "empty": members.isEmpty]
    }

    public static func search(_ query: String, _ collections: [ObservedCollection], limit: Int = 100) -> [String: Any] {
        let needle = query.lowercased().trimmingCharacters(in: .whitespaces)
        let found = needle.isEmpty ? [] : byVolume(collections.filter { $0.nsid.lowercased().contains(needle) })
        let latest = latestHour(collections)
        return [
            "title": "Search: \(query)", "query": query, "rows": found.prefix(limit).map { row($0, latest: latest) }, "empty": found.isEmpty,
            "count": found.count,
        ]
    }

    /// `/observatory.json`: every collection with its counts, origin, violations, reasons and hours.
    public static func json(_ collections: [ObservedCollection], events: Int) -> JSONValue {
        .object([
            "events": .integer(Int64(events)),
            "collections": .array(
                byVolume(collections).map { collection in
                    var fields: [String: JSONValue] = [
                        "nsid": .string(collection.nsid), "authority": .string(collection.authority),
                        "seen": .integer(Int64(collection.total.seen)), "valid": .integer(Int64(collection.total.valid)),
                        "invalid": .integer(Int64(collection.total.invalid)), "unresolvable": .integer(Int64(collection.total.unresolvable)),
                        "pending": .integer(Int64(collection.pending)),
                        "violations": .array(
                            collection.topViolations.map { violation in
                                [
                                    "rule": .string(violation.rule), "path": .string(violation.path), "count": .integer(Int64(violation.count)),
                                    "examples": .array(
                                        violation.examples.map {
                                            ["uri": .string($0.uri), "pointer": .string($0.pointer), "value": .string($0.value)]
                                        }),
                                ]
                            }),
                        "reasons": .object(collection.reasons.mapValues { .integer(Int64($0.count)) }),
                        "hourly": .array(
                            collection.hourly.sorted { $0.key < $1.key }.map { hour, tally in
                                [
                                    "hour": .integer(hour), "seen": .integer(Int64(tally.seen)), "valid": .integer(Int64(tally.valid)),
                                    "invalid": .integer(Int64(tally.invalid)), "unresolvable": .integer(Int64(tally.unresolvable)),
                                ]
                            }),
                    ]
                    if let conformance = collection.total.conformance { fields["conformance"] = .number((conformance * 10_000).rounded() / 10_000) }
                    if let origin = collection.lexicon {
                        var lexicon: [String: JSONValue] = ["source": .string(origin.source)]
                        if let did = origin.did { lexicon["did"] = .string(did) }
                        if let cid = origin.cid { lexicon["cid"] = .string(cid) }
                        if let rev = origin.rev { lexicon["rev"] = .string(rev) }
                        fields["lexicon"] = .object(lexicon)
                    }
                    return .object(fields)
                }),
        ])
    }
}
