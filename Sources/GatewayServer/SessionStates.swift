import Gateway
import JMAPCore
import Synchronization

/// The session state (RFC 8620 §2) of each login and base URL, remembered: every API response
/// carries it (§3.4), and computing it encodes and hashes the whole session object.
final class SessionStates: Sendable {
    private struct Key: Hashable {
        var user: GatewayUser
        var baseURL: String
    }

    private let states = Mutex<[Key: String]>([:])
    /// Logins come and go (credentials, privileges); past this many the memory starts over.
    private let capacity = 1024

    func state(of user: GatewayUser, baseURL: String, session: () -> Session) -> String {
        let key = Key(user: user, baseURL: baseURL)
        if let state = states.withLock({ $0[key] }) { return state }
        let state = session().state
        states.withLock { states in
            if states.count >= capacity { states.removeAll(keepingCapacity: true) }
            states[key] = state
        }
        return state
    }
}
