import Foundation
import PostgresNIO

/// Turns a libpq-style connection URL into a `PostgresClient.Configuration`.
///
/// Accepted: `postgres://` or `postgresql://` `[user[:password]@][host][:port][/database][?param=value&…]`, with
/// percent-encoded user, password and database. Parameters understood:
///
/// - `sslmode`: `disable` (the default here, unlike libpq's `prefer`), `allow` or `prefer` (TLS if the server
///   offers it), `require` (TLS or fail), `verify-ca` (TLS, certificate chain checked), `verify-full` (TLS,
///   chain and host name checked). As in libpq, `allow`, `prefer` and `require` do not check the certificate
///   unless `sslrootcert` is given, in which case `require` behaves like `verify-ca`.
/// - `sslrootcert`: a PEM file of trusted roots (`system`: the system's).
/// - `host`: a directory holding the server's Unix socket (`/var/run/postgresql`), used instead of TCP.
/// - `connect_timeout`: seconds.
/// - `application_name`: shown in `pg_stat_activity`.
///
/// Other parameters are ignored. Errors never repeat the URL (it may hold a password).
struct PostgresURLConfiguration {
    let configuration: PostgresClient.Configuration

    init(_ url: String) throws(SecretStoreError) {
        guard let components = URLComponents(string: url) else {
            throw .unavailable("invalid database URL: not a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw .unavailable("invalid database URL: the scheme must be postgres:// or postgresql://")
        }
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            parameters[item.name] = item.value ?? ""
        }

        let username = components.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = components.password
        var database: String? = components.path
        if let path = database, path.hasPrefix("/") { database = String(path.dropFirst()) }
        if database?.isEmpty == true { database = nil }
        if let name = database, name.contains("/") {
            throw .unavailable("invalid database URL: the path must be a single database name")
        }

        var port = 5432
        if let given = components.port {
            guard (1...65_535).contains(given) else { throw .unavailable("invalid database URL: bad port") }
            port = given
        }

        var configuration: PostgresClient.Configuration
        if let socketDirectory = parameters["host"], socketDirectory.hasPrefix("/") {
            let socket = socketDirectory.hasSuffix("/") ? socketDirectory : socketDirectory + "/"
            configuration = .init(unixSocketPath: "\(socket).s.PGSQL.\(port)", username: username,
                                  password: password, database: database)
        } else {
            var host = parameters["host"].flatMap { $0.isEmpty ? nil : $0 } ?? components.host ?? ""
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            if host.isEmpty { host = "localhost" }
            let tls = try Self.tls(mode: parameters["sslmode"] ?? "disable", rootCertificates: parameters["sslrootcert"])
            configuration = .init(host: host, port: port, username: username, password: password,
                                  database: database, tls: tls)
        }

        if let timeout = parameters["connect_timeout"] {
            guard let seconds = Int(timeout), seconds >= 0 else {
                throw .unavailable("invalid database URL: connect_timeout must be a number of seconds")
            }
            // libpq treats 0 as "wait forever"; a day is as good.
            configuration.options.connectTimeout = .seconds(seconds == 0 ? 86_400 : seconds)
        }
        if let name = parameters["application_name"], !name.isEmpty {
            configuration.options.additionalStartupParameters.append(("application_name", name))
        }
        self.configuration = configuration
    }

    private static func tls(mode: String, rootCertificates: String?) throws(SecretStoreError) -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let roots = rootCertificates, !roots.isEmpty, roots != "system" {
            tls.trustRoots = .file(roots)
        }
        let haveRoots = rootCertificates.map { !$0.isEmpty } ?? false
        switch mode {
        case "disable":
            return .disable
        case "allow", "prefer":
            tls.certificateVerification = haveRoots ? .noHostnameVerification : .none
            return .prefer(tls)
        case "require":
            tls.certificateVerification = haveRoots ? .noHostnameVerification : .none
            return .require(tls)
        case "verify-ca":
            tls.certificateVerification = .noHostnameVerification
            return .require(tls)
        case "verify-full":
            tls.certificateVerification = .fullVerification
            return .require(tls)
        default:
            throw .unavailable("invalid database URL: unknown sslmode (use disable, prefer, require, verify-ca or verify-full)")
        }
    }
}
