import AsyncHTTPClient
import Foundation
import NIOCore

/// Owns the pooled HTTP client the gateway uses for every DAV request, so there is one place
/// that shuts it down.
public final class HTTPClientHandle: Sendable {
    public let client: HTTPClient

    public init(configuration: DAVClientConfiguration) {
        self.client = configuration.makeHTTPClient()
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }
}

extension HTTPClientHandle {
    /// Whether the server answers at all (any HTTP status counts), without credentials.
    public func probe(_ url: URL, timeout: Duration) async -> Result<Int, DAVError> {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .OPTIONS
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            _ = try? await response.body.collect(upTo: 1 << 20)
            return .success(Int(response.status.code))
        } catch {
            return .failure(.connectionFailed(url: url.absoluteString, reason: String(describing: error)))
        }
    }
}

extension HTTPClientHandle {
    /// Runs `body` with a pool of its own and shuts the pool down afterwards, whether `body` succeeds
    /// or throws: for one-shot commands (`check`, `sync`) that live outside the server.
    public static func run<T: Sendable>(
        configuration: DAVClientConfiguration, _ body: (HTTPClientHandle) async throws -> T
    ) async throws -> T {
        let handle = HTTPClientHandle(configuration: configuration)
        let result: T
        do {
            result = try await body(handle)
        } catch {
            try? await handle.shutdown()
            throw error
        }
        try await handle.shutdown()
        return result
    }
}
