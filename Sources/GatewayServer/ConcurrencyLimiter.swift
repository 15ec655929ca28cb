/// Counts in-flight work per user so the `maxConcurrentRequests` and `maxConcurrentUpload`
/// limits of the session (RFC 8620 §2) hold.
actor ConcurrencyLimiter {
    private let limit: Int
    private var inFlight: [String: Int] = [:]

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `work` if the user is under the limit; nil when the limit was hit.
    nonisolated func run<T: Sendable>(for user: String, _ work: () async throws -> T) async throws -> T? {
        guard await acquire(user) else { return nil }
        do {
            let result = try await work()
            await release(user)
            return result
        } catch {
            await release(user)
            throw error
        }
    }

    private func acquire(_ user: String) -> Bool {
        let count = inFlight[user, default: 0]
        guard count < limit else { return false }
        inFlight[user] = count + 1
        return true
    }

    private func release(_ user: String) {
        let count = inFlight[user, default: 1] - 1
        inFlight[user] = count > 0 ? count : nil
    }
}
