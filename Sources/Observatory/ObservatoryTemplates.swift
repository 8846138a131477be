import Mustache

/// The observatory's pages: server-rendered HTML, readable without JavaScript (a form for the search, an inline
/// SVG per chart), one stylesheet inline. Mustache escapes every value; the charts are built from numbers only
/// and inserted unescaped.
enum ObservatoryTemplates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        try library.register(head, named: "head")
        try library.register(foot, named: "foot")
        try library.register(table, named: "table")
        try library.register(overview, named: "overview")
        try library.register(collection, named: "collection")
        try library.register(authority, named: "authority")
        try library.register(search, named: "search")
        try library.register(notFound, named: "notFound")
        return library
    }

    static let head = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Sigil observatory</title>
        <style>
        body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1f2933;background:#f5f7fa}
        header{background:#243b53;color:#fff;padding:.8em 1.5em;display:flex;gap:2em;align-items:center;flex-wrap:wrap}
        header a{color:#fff;text-decoration:none;font-weight:600}
        main{padding:1em 1.5em;max-width:75em}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #d9e2ec;vertical-align:top}
        th{background:#e4e7eb}
        td.n{text-align:right;font-variant-numeric:tabular-nums}
        code{font-size:.9em;word-break:break-all}
        .stats{display:flex;gap:1.5em;flex-wrap:wrap;margin:.5em 0 1em}
        .stat{background:#fff;padding:.6em 1em;border:1px solid #d9e2ec}
        .stat b{display:block;font-size:1.4em}
        </style></head>
        <body><header><a href="/">Sigil conformance observatory</a>
        <form action="/search" method="get" role="search"><input type="search" name="q" value="{{query}}" placeholder="collection NSID" aria-label="search collections"> <button type="submit">Search</button></form>
        <a href="/observatory.json">JSON</a></header><main>
        """

    static let foot = """
        </main></body></html>
        """

    static let table = """
        <table class="collections"><thead><tr><th>collection</th><th>authority</th><th>records</th><th>conformance</th><th>invalid</th><th>unresolvable</th><th>last 24 h</th></tr></thead><tbody>
        {{#rows}}<tr><td><a href="{{link}}">{{nsid}}</a></td><td><a href="{{authorityLink}}">{{authority}}</a></td><td class="n">{{seen}}</td><td class="n">{{conformance}}</td><td class="n">{{invalid}}</td><td class="n">{{unresolvable}}</td><td>{{{chart}}}</td></tr>
        {{/rows}}</tbody></table>
        """

    static let overview = """
        {{> head}}
        <h1>How the network's records fare against their lexicons</h1>
        <div class="stats"><div class="stat"><b>{{events}}</b>events read</div><div class="stat"><b>{{seen}}</b>records</div>
        <div class="stat"><b>{{collectionCount}}</b>collections</div><div class="stat"><b>{{conformance}}</b>conform</div>
        <div class="stat"><b>{{unresolvable}}</b>unresolvable</div></div>
        <h2>Collections by volume</h2>
        {{> table}}
        <h2>Authorities</h2>
        <table class="authorities"><thead><tr><th>authority</th><th>collections</th><th>records</th><th>conformance</th></tr></thead><tbody>
        {{#authorities}}<tr><td><a href="{{link}}">{{authority}}</a></td><td class="n">{{collections}}</td><td class="n">{{seen}}</td><td class="n">{{conformance}}</td></tr>
        {{/authorities}}</tbody></table>
        {{> foot}}
        """

    static let collection = """
        {{> head}}
        <h1><code>{{nsid}}</code></h1>
        <p>Authority <a href="{{authorityLink}}">{{authority}}</a>.
        {{#hasOrigin}}Schema from <b>{{source}}</b>: DID <code class="did">{{did}}</code>, record CID <code class="cid">{{cid}}</code>, commit rev <code>{{rev}}</code>.{{/hasOrigin}}
        {{^hasOrigin}}No schema resolved yet.{{/hasOrigin}}</p>
        <div class="stats"><div class="stat"><b>{{seen}}</b>records</div><div class="stat"><b>{{valid}}</b>valid</div>
        <div class="stat"><b>{{invalid}}</b>invalid</div><div class="stat"><b>{{unresolvable}}</b>unresolvable</div>
        <div class="stat"><b>{{pending}}</b>pending</div><div class="stat"><b>{{conformance}}</b>conform</div></div>
        <p>{{{chart}}}<br><small>records per hour, last 48 hours (red: invalid or unresolvable)</small></p>
        <h2>Top violations</h2>
        {{#hasViolations}}<table class="violations"><thead><tr><th>rule</th><th>path</th><th>records</th><th>examples (AT-URI, failing path, value)</th></tr></thead><tbody>
        {{#violations}}<tr><td>{{rule}}</td><td><code>{{path}}</code></td><td class="n">{{count}}</td><td>{{#examples}}<div><code>{{uri}}</code> <code>{{pointer}}</code> = <code>{{value}}</code></div>{{/examples}}</td></tr>
        {{/violations}}</tbody></table>{{/hasViolations}}
        {{^hasViolations}}<p>None.</p>{{/hasViolations}}
        {{#hasReasons}}<h2>Unresolvable</h2><table class="reasons"><thead><tr><th>reason</th><th>records</th><th>last message</th></tr></thead><tbody>
        {{#reasons}}<tr><td><code>{{code}}</code></td><td class="n">{{count}}</td><td>{{message}}</td></tr>{{/reasons}}</tbody></table>{{/hasReasons}}
        {{> foot}}
        """

    static let authority = """
        {{> head}}
        <h1>Authority <code>{{authority}}</code></h1>
        {{#empty}}<p>No collection of this authority has been seen.</p>{{/empty}}
        {{^empty}}{{> table}}{{/empty}}
        {{> foot}}
        """

    static let search = """
        {{> head}}
        <h1>Collections matching “{{query}}”</h1>
        {{#empty}}<p>No collection matches.</p>{{/empty}}
        {{^empty}}<p>{{count}} found.</p>{{> table}}{{/empty}}
        {{> foot}}
        """

    static let notFound = """
        {{> head}}
        <h1>Not seen</h1><p>No record of <code>{{nsid}}</code> has been seen yet.</p>
        {{> foot}}
        """
}
