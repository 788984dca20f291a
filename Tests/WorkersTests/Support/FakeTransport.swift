import Foundation
import Synchronization

@testable import Workers

/// An in-memory `HTTPTransport` that answers from a script, counts calls and concurrency, can hold calls until
/// the test releases them, and records transfers aborted by cancellation.
final class FakeTransport: HTTPTransport {
    enum Reply: Sendable {
        case respond(HTTPResponse)
        case fail(TransportError)
        /// Wait until `releaseAll()` (then answer 200) or until the calling task is cancelled.
        case hold
    }

    /// Decides the reply from the request body and the 1-based number of calls made with that body.
    typealias Script = @Sendable (_ body: String, _ call: Int) -> Reply

    private struct State {
        var calls = 0
        var callsByBody: [String: Int] = [:]
        var inFlight = 0
        var maxInFlight = 0
        var aborted = 0
        var nextHoldID = 0
        var held: [Int: CheckedContinuation<Void, any Error>] = [:]
        var releasedAll = false
    }

    private let script: Script
    private let state = Mutex(State())

    init(script: @escaping Script) {
        self.script = script
    }

    var calls: Int { state.withLock { $0.calls } }
    var inFlight: Int { state.withLock { $0.inFlight } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }
    var aborted: Int { state.withLock { $0.aborted } }
    var heldCount: Int { state.withLock { $0.held.count } }
    func calls(forBody body: String) -> Int { state.withLock { $0.callsByBody[body] ?? 0 } }

    /// Answers every held call (and every later `.hold`) with 200.
    func releaseAll() {
        let held = state.withLock { state in
            state.releasedAll = true
            defer { state.held.removeAll() }
            return Array(state.held.values)
        }
        for continuation in held { continuation.resume() }
    }

    /// Answers the oldest held call with 200 (later `.hold`s still wait). Returns whether a call was held.
    @discardableResult
    func releaseOldest() -> Bool {
        let oldest = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard let id = state.held.keys.min() else { return nil }
            return state.held.removeValue(forKey: id)
        }
        oldest?.resume()
        return oldest != nil
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let body = String(decoding: request.body ?? Data(), as: UTF8.self)
        let call = state.withLock { state in
            state.calls += 1
            state.callsByBody[body, default: 0] += 1
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            return state.callsByBody[body]!
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        switch script(body, call) {
        case .respond(let response):
            await Task.yield()  // let other calls overlap, as a real transfer would
            return response
        case .fail(let error):
            throw error
        case .hold:
            try await hold()
            return Self.ok()
        }
    }

    private func hold() async throws {
        let id = state.withLock { state in
            defer { state.nextHoldID += 1 }
            return state.nextHoldID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    if state.releasedAll { return .success(()) }
                    if Task.isCancelled {
                        state.aborted += 1
                        return .failure(TransportError(.cancelled, message: "cancelled"))
                    }
                    state.held[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = state.withLock { state in
                let continuation = state.held.removeValue(forKey: id)
                if continuation != nil { state.aborted += 1 }
                return continuation
            }
            continuation?.resume(throwing: TransportError(.cancelled, message: "cancelled"))
        }
    }

    /// A script giving every call the same reply.
    static func always(_ reply: Reply) -> Script {
        { _, _ in reply }
    }

    /// A script giving the first `count` calls of each body `first`, and every later call `then`.
    static func first(_ first: Reply, times count: Int = 1, then: Reply) -> Script {
        { _, call in call <= count ? first : then }
    }

    static func ok(promptTokens: Int = 7, completionTokens: Int = 3) -> HTTPResponse {
        let body = """
            {"id":"chatcmpl-1","object":"chat.completion","model":"m",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":\(promptTokens),"completion_tokens":\(completionTokens),\
            "total_tokens":\(promptTokens + completionTokens)}}
            """
        return HTTPResponse(status: 200, headers: [("x-request-id", "req_ok")], body: Data(body.utf8))
    }

    static func error(
        _ status: Int,
        headers: [(name: String, value: String)] = [],
        code: String = "boom"
    )
        -> HTTPResponse
    {
        let body = #"{"error":{"message":"upstream says no","type":"invalid_request_error","code":"\#(code)"}}"#
        return HTTPResponse(status: status, headers: headers + [("x-request-id", "req_err")], body: Data(body.utf8))
    }
}
