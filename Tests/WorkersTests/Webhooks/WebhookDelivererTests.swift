import Crypto
import Foundation
import Jobs
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import Workers

/// An in-memory delivery store with the store's transitions: claim marks delivering, a retry makes it pending again
/// at its time with one more attempt, anything else is final.
final class FakeDeliverySource: WebhookDeliverySource {
    struct Row {
        var delivery: WebhookDelivery
        var dueAt: Date
        var state = "pending"
    }

    private struct State {
        var rows: [Row] = []
        var results: [(id: Int64, result: WebhookAttemptResult)] = []
        var subscribers: [AsyncStream<Void>.Continuation] = []
    }

    private let state = Mutex(State())

    /// Adds a delivery due now and wakes the deliverer.
    func add(_ delivery: WebhookDelivery, dueAt: Date = Date()) {
        let subscribers = state.withLock { state in
            state.rows.append(Row(delivery: delivery, dueAt: dueAt))
            return state.subscribers
        }
        for subscriber in subscribers { subscriber.yield() }
    }

    var results: [(id: Int64, result: WebhookAttemptResult)] { state.withLock { $0.results } }
    func states() -> [String] { state.withLock { $0.rows.map(\.state) } }

    func claimWebhookDeliveries(limit: Int, leaseDuration: Duration, now: Date) async throws -> [WebhookDelivery] {
        state.withLock { state in
            var claimed: [WebhookDelivery] = []
            for index in state.rows.indices where claimed.count < limit {
                guard state.rows[index].state == "pending", state.rows[index].dueAt <= now else { continue }
                state.rows[index].state = "delivering"
                claimed.append(state.rows[index].delivery)
            }
            return claimed
        }
    }

    func recordWebhookAttempt(_ deliveryID: Int64, result: WebhookAttemptResult, now: Date) async throws {
        state.withLock { state in
            state.results.append((deliveryID, result))
            guard let index = state.rows.firstIndex(where: { $0.delivery.id == deliveryID }) else { return }
            switch result.outcome {
            case .delivered: state.rows[index].state = "delivered"
            case .failed: state.rows[index].state = "failed"
            case .disableEndpoint: state.rows[index].state = "disabled"
            case .retry(let at):
                state.rows[index].state = "pending"
                state.rows[index].dueAt = at
                state.rows[index].delivery.attempt += 1
            }
        }
    }

    func nextWebhookDeliveryDue() async throws -> Date? {
        state.withLock { $0.rows.filter { $0.state == "pending" }.map(\.dueAt).min() }
    }

    func webhookDeliveriesDue() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        state.withLock { $0.subscribers.append(continuation) }
        return stream
    }
}

/// A transport that records requests and answers from a script keyed by the call's number for its `webhook-id`.
final class RecordingTransport: HTTPTransport {
    typealias Script = @Sendable (_ request: HTTPRequest, _ call: Int) async throws -> HTTPResponse

    private struct State {
        var requests: [HTTPRequest] = []
        var callsByID: [String: Int] = [:]
        var inFlight = 0
        var maxInFlight = 0
    }

    private let script: Script
    private let state = Mutex(State())

    init(script: @escaping Script) { self.script = script }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }
    var inFlight: Int { state.withLock { $0.inFlight } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let id = request.headers.first { $0.name == "webhook-id" }?.value ?? ""
        let call = state.withLock { state in
            state.requests.append(request)
            state.callsByID[id, default: 0] += 1
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            return state.callsByID[id]!
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        await Task.yield()
        return try await script(request, call)
    }

    static func status(_ status: Int, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Data("ignored".utf8))
    }
}

struct WebhookDelivererTests {
    static let secret = "whsec_" + Data(repeating: 42, count: 32).base64EncodedString()
    static let resolver = TableResolver(table: [
        "hooks.example.com": ["93.184.215.14"],
        "rebound.example.com": ["127.0.0.1"],
    ])

    static func delivery(
        id: Int64,
        url: String = "https://hooks.example.com/sluice",
        attempt: Int = 0,
        endpointID: Int64? = 1
    ) -> WebhookDelivery {
        WebhookDelivery(
            id: id,
            messageID: "evt_\(id)",
            url: url,
            secrets: [secret],
            payload: Data(#"{"id":"evt_\#(id)","object":"event","type":"job.completed","data":{"id":"job_1"}}"#.utf8),
            attempt: attempt,
            endpointID: endpointID,
            createdAt: Date()
        )
    }

    static func deliverer(
        source: FakeDeliverySource = FakeDeliverySource(),
        transport: RecordingTransport,
        configuration: WebhookDeliverer.Configuration = .init()
    ) -> WebhookDeliverer {
        WebhookDeliverer(
            source: source,
            transport: transport,
            policy: OutboundURLPolicy(resolver: resolver),
            configuration: configuration,
            logger: Logger(label: "test")
        )
    }

    @Test(.timeLimit(.minutes(1)))
    func attempt_when2xx_sendsStandardWebhooksHeadersPinnedToTheCheckedAddressAndDelivers() async throws {
        let transport = RecordingTransport { _, _ in RecordingTransport.status(204) }
        let delivery = Self.delivery(id: 7)
        let before = Int64(Date().timeIntervalSince1970)
        let result = await Self.deliverer(transport: transport).attempt(delivery)
        #expect(result.outcome == .delivered)
        #expect(result.statusCode == 204)
        #expect(result.error == nil)

        let request = try #require(transport.requests.first)
        func header(_ name: String) -> String? { request.headers.first { $0.name == name }?.value }
        #expect(request.method == "POST")
        #expect(request.url == delivery.url)
        #expect(request.body == delivery.payload)
        #expect(request.timeout == .seconds(15))
        #expect(request.resolve == ["+hooks.example.com:443:93.184.215.14"])
        #expect(request.allowsProxy == false)
        #expect(header("content-type") == "application/json")
        #expect(header("user-agent")?.hasPrefix("Sluice") == true)
        #expect(header("webhook-id") == "evt_7")
        let timestamp = try #require(header("webhook-timestamp").flatMap { Int64($0) })
        #expect(timestamp >= before && timestamp <= Int64(Date().timeIntervalSince1970))
        // Verify as a receiver would: HMAC-SHA256 over "id.timestamp.body" with the decoded secret.
        let key = SymmetricKey(data: Data(repeating: 42, count: 32))
        let expected = HMAC<SHA256>.authenticationCode(
            for: Data("evt_7.\(timestamp).".utf8) + delivery.payload,
            using: key
        )
        #expect(header("webhook-signature") == "v1," + Data(expected).base64EncodedString())
    }

    @Test(.timeLimit(.minutes(1)))
    func attempt_whenTheNameNowResolvesToLoopback_failsWithoutSending() async {
        let transport = RecordingTransport { _, _ in RecordingTransport.status(200) }
        let result = await Self.deliverer(transport: transport).attempt(
            Self.delivery(id: 1, url: "http://rebound.example.com/hook")
        )
        #expect(transport.requests.isEmpty)
        #expect(result.outcome == .failed)
        #expect(result.statusCode == nil)
        #expect(result.error?.contains("loopback") == true)
    }

    @Test(.timeLimit(.minutes(1)))
    func attempt_whenTheURLIsAMetadataAddress_failsWithoutSending() async {
        let transport = RecordingTransport { _, _ in RecordingTransport.status(200) }
        let result = await Self.deliverer(transport: transport).attempt(
            Self.delivery(id: 1, url: "http://169.254.169.254/latest/meta-data/")
        )
        #expect(transport.requests.isEmpty)
        #expect(result.outcome == .failed)
    }

    @Test(.timeLimit(.minutes(1)))
    func attempt_when503WithRetryAfter_retriesNoEarlierThanTheReceiverAsked() async throws {
        let transport = RecordingTransport { _, _ in RecordingTransport.status(503, headers: [("retry-after", "120")]) }
        let before = Date()
        let result = await Self.deliverer(transport: transport).attempt(Self.delivery(id: 1))
        guard case .retry(let at) = result.outcome else {
            Issue.record("expected a retry, got \(result.outcome)")
            return
        }
        #expect(at.timeIntervalSince(before) >= 119)
        #expect(result.statusCode == 503)
        #expect(result.error == "receiver answered 503")
    }

    @Test(.timeLimit(.minutes(1)))
    func attempt_when410_disablesTheEndpoint() async {
        let transport = RecordingTransport { _, _ in RecordingTransport.status(410) }
        let deliverer = Self.deliverer(transport: transport)
        #expect(await deliverer.attempt(Self.delivery(id: 1)).outcome == .disableEndpoint)
        #expect(await deliverer.attempt(Self.delivery(id: 2, endpointID: nil)).outcome == .failed)
    }

    @Test(.timeLimit(.minutes(1)))
    func attempt_whenRedirected_isAFailedAttemptAndNotFollowed() async {
        let transport = RecordingTransport { _, _ in
            RecordingTransport.status(302, headers: [("location", "http://127.0.0.1/")])
        }
        let result = await Self.deliverer(transport: transport).attempt(Self.delivery(id: 1))
        #expect(transport.requests.count == 1)
        #expect(result.statusCode == 302)
        if case .retry = result.outcome {} else { Issue.record("expected a retry, got \(result.outcome)") }
    }

    @Test(.timeLimit(.minutes(1)))
    func attempt_whenTransportTimesOut_retriesWithTheError() async {
        let transport = RecordingTransport { _, _ in throw TransportError(.timeout, message: "timed out") }
        let result = await Self.deliverer(transport: transport).attempt(Self.delivery(id: 1, attempt: 2))
        #expect(result.statusCode == nil)
        #expect(result.error?.contains("timeout") == true)
        if case .retry = result.outcome {} else { Issue.record("expected a retry, got \(result.outcome)") }
    }

    @Test(.timeLimit(.minutes(1)))
    func attempt_whenSecretInvalid_failsWithoutSending() async {
        let transport = RecordingTransport { _, _ in RecordingTransport.status(200) }
        var delivery = Self.delivery(id: 1)
        delivery.secrets = ["not-a-secret"]
        let result = await Self.deliverer(transport: transport).attempt(delivery)
        #expect(transport.requests.isEmpty)
        #expect(result.outcome == .failed)
        #expect(result.error?.contains("not-a-secret") == false)
    }

    @Test(.timeLimit(.minutes(1)))
    func run_whenReceiverFailsFirstAttempts_retriesOnScheduleUntilEveryDeliveryIsDelivered() async throws {
        let source = FakeDeliverySource()
        // Half of the first attempts fail (500, or 503 asking for a short wait); every retry succeeds.
        let transport = RecordingTransport { request, call in
            let id = Int(request.headers.first { $0.name == "webhook-id" }!.value.dropFirst(4))!
            guard call == 1, id % 2 == 0 else { return RecordingTransport.status(200) }
            return id % 4 == 0
                ? RecordingTransport.status(500) : RecordingTransport.status(503, headers: [("retry-after", "0.1")])
        }
        let deliverer = Self.deliverer(
            source: source,
            transport: transport,
            configuration: .init(
                maxConcurrentDeliveries: 3,
                schedule: WebhookRetrySchedule(delays: [.zero, .milliseconds(50), .milliseconds(50)])
            )
        )
        for id in 1...20 { source.add(Self.delivery(id: Int64(id))) }
        let group = ServiceGroup(configuration: .init(services: [deliverer], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await eventually("every delivery is delivered") {
                source.states().allSatisfy { $0 == "delivered" }
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(transport.requests.count == 30)
        #expect(transport.maxInFlight <= 3)
        #expect(source.results.count == 30)
        // The webhook-id of the retries is the first attempt's; each attempt has its own signature inputs.
        let retried = transport.requests.filter {
            $0.headers.contains { $0.name == "webhook-id" && $0.value == "evt_2" }
        }
        #expect(retried.count == 2)
    }

    @Test(.timeLimit(.minutes(1)))
    func run_whenShutDownWithADeliveryInFlight_finishesAndRecordsItBeforeStopping() async throws {
        let source = FakeDeliverySource()
        let gate = AsyncEvent(.manualReset)
        let transport = RecordingTransport { _, _ in
            await gate.wait()
            return RecordingTransport.status(200)
        }
        let deliverer = Self.deliverer(source: source, transport: transport)
        source.add(Self.delivery(id: 1))
        let group = ServiceGroup(configuration: .init(services: [deliverer], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await eventually("the delivery is in flight") { transport.inFlight == 1 }
            await group.triggerGracefulShutdown()
            gate.set()
            try await tasks.waitForAll()
        }
        #expect(source.results.map(\.id) == [1])
        #expect(source.states() == ["delivered"])
    }
}
