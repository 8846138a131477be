import Sodium

/// One page of a secret's audit trail, newest first.
public struct HistoryPage: Sendable, Equatable {
    public let events: [AuditEvent]
    /// Pass back to get the next (older) page; nil on the last.
    public let cursor: String?
}

extension SecretService {
    /// Longest page of ``history(owner:name:cursor:limit:)``.
    public static let maxHistoryPage = 100

    /// `name`'s audit trail, newest first, `limit` (1–100) events a page. What time did since the last write
    /// (an overlap that ended, an expiry) shows on the first page though it is stored only at the next write.
    /// A deleted secret keeps its trail; a name that never existed is `notFound`.
    public func history(owner: String, name: String, cursor: String?, limit: Int) async throws(SecretServiceError) -> HistoryPage {
        let limit = min(max(limit, 1), Self.maxHistoryPage)
        var before: Int64?
        if let cursor {
            guard let id = Int64(cursor), id > 0 else { throw .invalidRequest("cursor is not one this method returned") }
            before = id
        }
        do {
            // What time did since the last write (an ended overlap, an expiry) is recorded first, under the fence
            // and row lock like any write, so the page is the stored trail alone.
            if before == nil { try await settle(owner: owner, name: name) }
            let stored = try await store.history(owner: owner, name: name, before: before, limit: limit + 1)
            if before == nil, stored.isEmpty, try await store.current(owner: owner, name: name) == nil {
                throw SecretServiceError.notFound(name)
            }
            let page = Array(stored.prefix(limit))
            return HistoryPage(events: page, cursor: stored.count > limit ? page.last.map { String($0.id) } : nil)
        } catch let error as SecretServiceError {
            throw error
        } catch let error as StoreError {
            throw SecretServiceError(error, name: name)
        } catch {
            throw .unavailable("\(error)")
        }
    }
}
