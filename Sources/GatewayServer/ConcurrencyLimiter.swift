import Synchronization

/// Counts in-flight work per user so the `maxConcurrentRequests` and `maxConcurrentUpload`
/// limits of the session (RFC 8620 §2) hold. A lock, not an actor: every request passes here
/// twice, and the critical section is one dictionary update.
final class ConcurrencyLimiter: Sendable {
    private let limit: Int
    private let inFlight = Mutex<[String: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `work` if the user is under the limit; nil when the limit was hit.
    func run<T: Sendable>(for user: String, _ work: () async throws -> T) async throws -> T? {
        guard acquire(user) else { return nil }
        defer { release(user) }
        return try await work()
    }

    private func acquire(_ user: String) -> Bool {
        inFlight.withLock { inFlight in
            let count = inFlight[user, default: 0]
            guard count < limit else { return false }
            inFlight[user] = count + 1
            return true
        }
    }

    private func release(_ user: String) {
        inFlight.withLock { inFlight in
            let count = inFlight[user, default: 1] - 1
            inFlight[user] = count > 0 ? count : nil
        }
    }
}
