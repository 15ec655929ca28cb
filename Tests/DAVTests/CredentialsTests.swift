import Foundation
import Testing

@testable import DAV

/// `DAVCredentials(authorization:)`: the header a client sends (RFC 9110 §11.6.2, RFC 7617 Basic)
/// read back into credentials; anything that holds none is nil.
@Suite struct CredentialsTests {
    @Test func headersRoundTrip() {
        for credentials: DAVCredentials in [
            .basic(username: "alice", password: "alice-pw"), .basic(username: "bob", password: "p:w ö"),
            .basic(username: "carol", password: ""), .bearer(token: "abc.def"),
        ] {
            #expect(DAVCredentials(authorization: credentials.authorizationHeader) == credentials)
        }
        #expect(
            DAVCredentials(authorization: "bAsIc  YWxpY2U6YWxpY2UtcHc= ")
                == .basic(username: "alice", password: "alice-pw"))
    }

    @Test func malformedHeadersHoldNoCredentials() {
        let noColon = Data("alice".utf8).base64EncodedString()
        let noUser = Data(":pw".utf8).base64EncodedString()
        for header in ["", "Basic", "Basic !!!", "Basic \(noColon)", "Basic \(noUser)", "Bearer ", "Digest x=1"] {
            #expect(DAVCredentials(authorization: header) == nil, "\(header)")
        }
    }
}
