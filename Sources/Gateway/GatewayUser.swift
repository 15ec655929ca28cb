import DAV
import Foundation
import JMAPCore

/// An authenticated user: the JMAP caller, whose account is their DAV principal.
public struct GatewayUser: JMAPCaller, Hashable {
    public let username: String
    /// Stable and opaque (RFC 8620 §1.2): derived from the principal URL, so the same principal
    /// keeps its id across restarts and gateway instances.
    public let accountId: String
    /// The id of the user's Principal (RFC 9670 §2), derived from the principal URL like the account id.
    public let principalId: String
    public let principalURL: URL
    /// Held in memory only, to talk to the DAV server on the user's behalf.
    public let credentials: DAVCredentials
    public let accounts: [String: Account]

    public init(
        username: String, principalURL: URL, credentials: DAVCredentials, accountCapabilities: [String: JSONObject]
    ) {
        self.username = username
        self.principalURL = principalURL
        self.credentials = credentials
        self.accountId = AccountId.make(principalURL: principalURL)
        self.principalId = PrincipalId.make(principalURL: principalURL)
        self.accounts = [accountId: Account(name: username, accountCapabilities: accountCapabilities)]
    }
}

/// Account ids from principal URLs.
public enum AccountId {
    public static func make(principalURL: URL) -> String {
        "a" + OpaqueId.make(principalURL.absoluteString, length: 15)
    }
}

/// Principal ids (RFC 9670 §2) from principal URLs: the DAV principal is the JMAP one, so its id is as
/// stable as the account id, and differs from it only by its prefix.
public enum PrincipalId {
    public static func make(principalURL: URL) -> String {
        "p" + OpaqueId.make(principalURL.absoluteString, length: 15)
    }
}
