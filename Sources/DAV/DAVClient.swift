import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// Settings of the connection to the DAV server.
public struct DAVClientConfiguration: Sendable {
    /// Per-request deadline.
    public var timeout: Duration
    /// Responses larger than this are refused (a multistatus is parsed in memory).
    public var maxResponseSize: Int
    public var tlsVerify: Bool
    /// Pooled keep-alive connections per host.
    public var maxConnectionsPerHost: Int

    public init(
        timeout: Duration = .seconds(30), maxResponseSize: Int = 64 << 20, tlsVerify: Bool = true,
        maxConnectionsPerHost: Int = 8
    ) {
        self.timeout = timeout
        self.maxResponseSize = maxResponseSize
        self.tlsVerify = tlsVerify
        self.maxConnectionsPerHost = maxConnectionsPerHost
    }

    /// An HTTP client for these settings. Redirects are not followed automatically: discovery
    /// follows them itself, re-sending the PROPFIND body that a generic client would drop.
    public func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(min(timeout, .seconds(10)))),
            decompression: .enabled(limit: .size(maxResponseSize))
        )
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerHost
        )
        if !tlsVerify {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            configuration.tlsConfiguration = tls
        }
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }
}

/// An HTTP response from the DAV server.
public struct DAVResponse: Sendable {
    public var url: URL
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data

    public var etag: String? { headers.first(name: "ETag") }
    public var location: String? { headers.first(name: "Location") }
}

/// Talks WebDAV to one server on behalf of one user. Cheap to create: the pooled HTTP client is
/// shared, the credentials are the user's own and stay in memory.
public struct DAVClient: Sendable {
    public let httpClient: HTTPClient
    public let configuration: DAVClientConfiguration
    public let credentials: DAVCredentials
    public var logger: Logger

    public init(
        httpClient: HTTPClient, configuration: DAVClientConfiguration, credentials: DAVCredentials,
        logger: Logger = Logger(label: "jmap-gateway.dav")
    ) {
        self.httpClient = httpClient
        self.configuration = configuration
        self.credentials = credentials
        self.logger = logger
    }

    /// Sends one request and returns the response whatever its status.
    public func send(
        _ method: String, _ url: URL, headers: [(String, String)] = [], body: Data? = nil
    ) async throws(DAVError) -> DAVResponse {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Authorization", value: credentials.authorizationHeader)
        request.headers.add(name: "User-Agent", value: "jmap-gateway")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                request.headers.add(name: "Content-Type", value: "application/xml; charset=utf-8")
            }
        }
        let started = ContinuousClock.now
        do {
            let response = try await httpClient.execute(request, timeout: .init(configuration.timeout))
            let buffer = try await response.body.collect(upTo: configuration.maxResponseSize)
            logger.debug(
                "DAV request",
                metadata: [
                    "method": .string(method), "url": .string(url.absoluteString),
                    "status": .stringConvertible(response.status.code),
                    "ms": .stringConvertible(Int((ContinuousClock.now - started).milliseconds)),
                ])
            return DAVResponse(
                url: url, status: Int(response.status.code), headers: response.headers,
                body: Data(buffer.readableBytesView)
            )
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw .timeout(url: url.absoluteString)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw .responseTooLarge(url: url.absoluteString, limit: configuration.maxResponseSize)
        } catch {
            throw .connectionFailed(url: url.absoluteString, reason: String(describing: error))
        }
    }

    /// Sends a request and fails with the matching `DAVError` unless the status is in `expected`.
    public func send(
        _ method: String, _ url: URL, headers: [(String, String)] = [], body: Data? = nil, expecting expected: Set<Int>
    ) async throws(DAVError) -> DAVResponse {
        let response = try await send(method, url, headers: headers, body: body)
        guard expected.contains(response.status) else { throw DAVError.from(response) }
        return response
    }

    /// Streams the responses of a 207 body already received, one at a time (see
    /// `Multistatus.forEachResponse`). Returns the multistatus's sync-token, if any.
    @discardableResult
    public func forEachResponse(
        in response: DAVResponse, _ body: (Multistatus.Response) throws(MultistatusError) -> Void
    ) throws(DAVError) -> String? {
        do {
            return try Multistatus.forEachResponse(in: response.body, maxSize: configuration.maxResponseSize, body)
        } catch {
            throw DAVError(error, url: response.url, limit: configuration.maxResponseSize)
        }
    }

    /// PROPFIND (RFC 4918 §9.1) for the named properties.
    public func propfind(_ url: URL, depth: Int, properties: [XMLName]) async throws(DAVError) -> Multistatus {
        let response = try await send(
            "PROPFIND", url, headers: [("Depth", String(depth))], body: DAVRequestBody.propfind(properties),
            expecting: [207]
        )
        return try multistatus(from: response)
    }

    /// Parses a 207 body.
    public func multistatus(from response: DAVResponse) throws(DAVError) -> Multistatus {
        do {
            return try Multistatus(data: response.body, maxSize: configuration.maxResponseSize)
        } catch {
            throw DAVError(error, url: response.url, limit: configuration.maxResponseSize)
        }
    }
}

extension Duration {
    /// The duration in milliseconds, for logs and timings.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
