// hello PORT: answers GET / with "Hello" on 127.0.0.1:PORT (default 8089), until SIGINT or SIGTERM.
import Foundation
import Hummingbird

let arguments = CommandLine.arguments
guard arguments.count <= 2, let port = Int(arguments.count == 2 ? arguments[1] : "8089"), (1...65535).contains(port)
else {
    print("usage: hello [PORT]")
    exit(2)
}

let router = Router()
router.get("/") { _, _ in "Hello" }
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "hello")
)
try await app.runService()
