import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A live Hummingbird server on 127.0.0.1, port 0, for the transport tests.
///
/// Routes:
/// - `GET /hello`: 200, body `hello`, header `X-Echoed` = the request's `X-Echo`.
/// - `GET /status/503`: 503 with a body.
/// - `POST /echo`: the request body back (up to 4 MiB), `X-Method` = the method, records the client port.
/// - `GET /hang`: reports its arrival to `probe`, then waits five minutes (cancelled when the server stops).
struct CurlTransportTestServer {
    /// What the server saw: client ports (one per connection) and arrivals at `/hang`.
    final class Probe: Sendable {
        private let ports = Mutex<Set<Int>>([])
        let arrivals: AsyncStream<Void>
        private let arrivalContinuation: AsyncStream<Void>.Continuation

        init() {
            (arrivals, arrivalContinuation) = AsyncStream.makeStream(of: Void.self)
        }

        /// Distinct client ports seen by `/echo`, i.e. distinct connections.
        var connectionCount: Int { ports.withLock { $0.count } }

        func record(port: Int?) {
            guard let port else { return }
            ports.withLock { _ = $0.insert(port) }
        }

        func arrived() {
            arrivalContinuation.yield()
        }

        /// Waits until `count` requests have reached `/hang`.
        func waitForArrivals(_ count: Int) async {
            var seen = 0
            for await _ in arrivals {
                seen += 1
                if seen == count { return }
            }
        }
    }

    /// Request context that remembers the client's port.
    struct Context: RequestContext {
        var coreContext: CoreRequestContextStorage
        let remotePort: Int?

        init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            remotePort = source.channel.remoteAddress?.port
        }
    }

    /// Runs `body` with the server's base URL (`http://127.0.0.1:PORT`) and its probe, then stops the server.
    static func with<T: Sendable>(
        _ body: @Sendable (_ baseURL: String, _ probe: Probe) async throws -> T
    ) async throws -> T {
        let probe = Probe()
        let router = Router(context: Context.self)
        router.get("/hello") { request, _ -> Response in
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Echoed")!] = request.headers[HTTPField.Name("X-Echo")!] ?? ""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "hello")))
        }
        router.get("/status/503") { _, _ -> Response in
            Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "busy")))
        }
        router.post("/echo") { request, context -> Response in
            probe.record(port: context.remotePort)
            let bytes = try await request.body.collect(upTo: 4 << 20)
            var headers = HTTPFields()
            headers[.contentType] = request.headers[.contentType] ?? "application/octet-stream"
            headers[HTTPField.Name("X-Method")!] = request.method.rawValue
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
        }
        router.get("/hang") { _, _ -> Response in
            probe.arrived()
            try await Task.sleep(for: .seconds(300))
            return Response(status: .ok)
        }

        var logger = Logger(label: "transport-test-server")
        logger.logLevel = .critical
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger)
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await serviceGroup.run() }
            defer { group.cancelAll() }  // also ends handlers still parked in /hang
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port != 0 else {
                throw CancellationError()
            }
            return try await body("http://127.0.0.1:\(port)", probe)
        }
    }

    /// Runs `body` with a loopback port that refuses connections: a socket is bound to it (so nobody else
    /// takes it) but never listens, so a connect gets a reset, i.e. "connection refused".
    static func withRefusingPort<T>(_ body: (Int) async throws -> T) async throws -> T {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw CancellationError() }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw CancellationError() }
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }
}
