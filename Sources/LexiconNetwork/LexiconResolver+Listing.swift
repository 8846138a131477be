import Foundation
import Lexicon

extension LexiconResolver {
    /// Most schema records listed for one authority (`authority.*`): 10 pages of 100.
    public static let maxListed = 1_000

    /// The NSIDs directly under `authority` (`com.example.feed` → `com.example.feed.*`) that the account its
    /// `_lexicon` TXT record names has published, from `com.atproto.repo.listRecords` (not proved; resolve each to
    /// verify it). At most ``maxListed``.
    public func publishedNSIDs(authority: String) async throws(LexiconResolutionError) -> (did: String, nsids: [String]) {
        guard let probe = NSID(authority + ".x") else { throw .invalidNSID(authority + ".*") }
        let did = try await authorityDID(of: probe)
        let pds: String
        do {
            pds = try Self.pds(of: try await identities.resolve(did), did: did)
        } catch let error as LexiconResolutionError {
            throw error
        } catch {
            throw .didUnresolvable(did: did, reason: "\(error)")
        }
        var nsids: [String] = []
        var cursor: String?
        for _ in 0..<(Self.maxListed / 100) {
            let url =
                "\(pds)/xrpc/com.atproto.repo.listRecords?repo=\(Self.escape(did))&collection=com.atproto.lexicon.schema&limit=100"
                + (cursor.map { "&cursor=\(Self.escape($0))" } ?? "")
            let answer: PDSAnswer
            do {
                answer = try await PDSAnswer.get(url, destinations: destinations, deadline: limits.deadline, maxBytes: 8 << 20)
            } catch {
                throw .pdsUnreachable(pds: pds, reason: error.description)
            }
            guard answer.status == 200, let page = try? JSONValue(parsing: answer.body), let records = page["records"]?.arrayValue else {
                throw .pdsUnreachable(pds: pds, reason: "listRecords answered \(answer.status)\(answer.errorName.map { " \($0)" } ?? "")")
            }
            for record in records {
                guard let uri = record["uri"]?.stringValue, let rkey = uri.split(separator: "/").last.map(String.init),
                    let nsid = NSID(rkey), nsid.authority == authority
                else { continue }
                nsids.append(rkey)
            }
            cursor = page["cursor"]?.stringValue
            if cursor == nil || records.isEmpty { break }
        }
        return (did, Array(Set(nsids)).sorted())
    }
}
