import DAV
import Foundation
import Hummingbird
import JMAPCore

/// Liveness and readiness for orchestrators: `/health` says the process serves, `/ready` that
/// the DAV server answers too.
struct HealthRoutes: Sendable {
    let backendURL: URL
    let httpClient: HTTPClientHandle

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/health") { _, _ in try JSONResponse.make(["status": "ok"] as JSONValue) }
        router.get("/ready") { _, _ in
            switch await httpClient.probe(backendURL, timeout: .seconds(5)) {
            case .success(let status):
                return try JSONResponse.make(["status": "ready", "backendStatus": .int(status)] as JSONValue)
            case .failure(let error):
                return try JSONResponse.make(
                    ["status": "unavailable", "detail": .string(error.description)] as JSONValue,
                    status: .serviceUnavailable)
            }
        }
    }
}
