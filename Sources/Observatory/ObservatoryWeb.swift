import Foundation
import Hummingbird
import Lexicon
import Mustache

/// The observatory's web side: the overview (`/`), a page per collection (`/collection/NSID`) and per authority
/// (`/authority/AUTHORITY`), the search (`/search?q=`), `/observatory.json` and Prometheus text at `/metrics`.
public enum ObservatoryWeb {
    /// The routes, rendering from `observatory`'s counts at each request.
    public static func router(_ observatory: Observatory) throws -> Router<BasicRequestContext> {
        let library = try ObservatoryTemplates.library()
        let router = Router()
        @Sendable func html(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
            let body = library.render(context, withTemplate: template) ?? "template \(template) missing"
            return Response(
                status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/") { _, _ in
            html("overview", ObservatoryView.overview(observatory.snapshot(), events: observatory.eventCount))
        }
        router.get("/collection/:nsid") { _, context in
            let nsid = context.parameters.get("nsid") ?? ""
            let snapshot = observatory.snapshot()
            guard let collection = snapshot.first(where: { $0.nsid == nsid }) else {
                return html("notFound", ["title": "Not seen", "nsid": nsid], status: .notFound)
            }
            return html("collection", ObservatoryView.collection(collection, latest: ObservatoryView.latestHour(snapshot)))
        }
        router.get("/authority/:authority") { _, context in
            let authority = context.parameters.get("authority") ?? ""
            return html("authority", ObservatoryView.authority(authority, observatory.snapshot()))
        }
        router.get("/search") { request, _ in
            let query = String(request.uri.queryParameters["q"] ?? "").prefix(200)
            return html("search", ObservatoryView.search(String(query), observatory.snapshot()))
        }
        router.get("/observatory.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: ObservatoryView.json(observatory.snapshot(), events: observatory.eventCount).serialized())))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metrics(observatory))))
        }
        return router
    }

    /// Prometheus text: totals only (no label per collection, so the series stay few whatever the stream holds).
    public static func metrics(_ observatory: Observatory) -> String {
        var total = Tally()
        let snapshot = observatory.snapshot()
        for collection in snapshot { total += collection.total }
        return """
            # HELP observatory_events_total Jetstream events read.
            # TYPE observatory_events_total counter
            observatory_events_total \(observatory.eventCount)
            # HELP observatory_records_total Records counted, by result.
            # TYPE observatory_records_total counter
            observatory_records_total{result="valid"} \(total.valid)
            observatory_records_total{result="invalid"} \(total.invalid)
            observatory_records_total{result="unresolvable"} \(total.unresolvable)
            # HELP observatory_collections Collections counted.
            # TYPE observatory_collections gauge
            observatory_collections \(snapshot.count)
            # HELP observatory_held_records Records waiting for their lexicon.
            # TYPE observatory_held_records gauge
            observatory_held_records \(observatory.heldCount)

            """
    }
}
