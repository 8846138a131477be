import Foundation
import PostgresNIO
import Secrets

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
package struct PostgresURLConfiguration {
    /// For the connection pool.
    package let configuration: PostgresClient.Configuration
    /// For one connection of its own (``PostgresSecretStore/migrate()`` uses one, to fail fast with the real
    /// reason when the server cannot be reached).
    package let connectionConfiguration: PostgresConnection.Configuration

    package init(_ url: String) throws(StoreError) {
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

        var client: PostgresClient.Configuration
        var connection: PostgresConnection.Configuration
        if let socketDirectory = parameters["host"], socketDirectory.hasPrefix("/") {
            let socket = (socketDirectory.hasSuffix("/") ? socketDirectory : socketDirectory + "/") + ".s.PGSQL.\(port)"
            client = .init(unixSocketPath: socket, username: username, password: password, database: database)
            connection = .init(unixSocketPath: socket, username: username, password: password, database: database)
        } else {
            var host = parameters["host"].flatMap { $0.isEmpty ? nil : $0 } ?? components.host ?? ""
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            if host.isEmpty { host = "localhost" }
            let (clientTLS, connectionTLS) = try Self.tls(
                mode: parameters["sslmode"] ?? "disable",
                rootCertificates: parameters["sslrootcert"])
            client = .init(host: host, port: port, username: username, password: password, database: database, tls: clientTLS)
            connection = .init(
                host: host, port: port, username: username, password: password, database: database,
                tls: connectionTLS)
        }

        if let timeout = parameters["connect_timeout"] {
            guard let seconds = Int(timeout), seconds >= 0 else {
                throw .unavailable("invalid database URL: connect_timeout must be a number of seconds")
            }
            // libpq treats 0 as "wait forever"; a day is as good.
            let effective = seconds == 0 ? 86_400 : seconds
            client.options.connectTimeout = .seconds(effective)
            connection.options.connectTimeout = .seconds(Int64(effective))
        }
        if let name = parameters["application_name"], !name.isEmpty {
            client.options.additionalStartupParameters.append(("application_name", name))
            connection.options.additionalStartupParameters.append(("application_name", name))
        }
        self.configuration = client
        self.connectionConfiguration = connection
    }

    private static func tls(
        mode: String, rootCertificates: String?
    ) throws(StoreError) -> (PostgresClient.Configuration.TLS, PostgresConnection.Configuration.TLS) {
        var tls = TLSConfiguration.makeClientConfiguration()
        let haveRoots = rootCertificates.map { !$0.isEmpty } ?? false
        if let roots = rootCertificates, haveRoots, roots != "system" {
            tls.trustRoots = .file(roots)
        }
        let require: Bool
        switch mode {
        case "disable":
            return (.disable, .disable)
        case "allow", "prefer":
            tls.certificateVerification = haveRoots ? .noHostnameVerification : .none
            require = false
        case "require":
            tls.certificateVerification = haveRoots ? .noHostnameVerification : .none
            require = true
        case "verify-ca":
            tls.certificateVerification = .noHostnameVerification
            require = true
        case "verify-full":
            tls.certificateVerification = .fullVerification
            require = true
        default:
            throw .unavailable("invalid database URL: unknown sslmode (use disable, prefer, require, verify-ca or verify-full)")
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw .unavailable("invalid database URL: unusable TLS settings (sslrootcert?)")
        }
        return require ? (.require(tls), .require(context)) : (.prefer(tls), .prefer(context))
    }
}
