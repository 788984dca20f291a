import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// Routes and answers every request of the mock provider. A plain `HTTPResponder` with a `switch` on the path:
/// the mock has four routes, and this is the cheapest way to serve them.
///
/// Routes: `POST /v1/chat/completions`, `POST /v1/embeddings`, `GET /_mock/stats`, `POST /_mock/reset`;
/// anything else gets a 404 in OpenAI's error shape. The `Authorization` header is accepted and ignored.
///
/// A provider request goes: read body → decode → answer (pure) → rate limits → latency → fault → send.
struct MockResponder: HTTPResponder {
    typealias Context = MockRequestContext

    static let chatPath = "/v1/chat/completions"
    static let embeddingsPath = "/v1/embeddings"
    static let statsPath = "/_mock/stats"
    static let resetPath = "/_mock/reset"

    let configuration: MockProviderConfiguration
    let stats: MockProviderStats
    let sequence: RequestSequence
    let rateLimits: RateLimitGate?

    init(configuration: MockProviderConfiguration, stats: MockProviderStats, sequence: RequestSequence) {
        self.configuration = configuration
        self.stats = stats
        self.sequence = sequence
        self.rateLimits = RateLimitGate(rpm: configuration.rpm, tpm: configuration.tpm)
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        switch path {
        case Self.chatPath, Self.embeddingsPath:
            guard request.method == .post else {
                return Self.reply(.methodNotAllowed(request.method, path), requestID: sequence.otherRequestID())
            }
            return await serveProvider(request, path: path, channel: context.channel)
        case Self.statsPath where request.method == .get:
            return Self.json(stats.snapshot, status: .ok, requestID: sequence.otherRequestID(), sortedKeys: true)
        case Self.resetPath where request.method == .post:
            stats.reset()
            return Self.json(stats.snapshot, status: .ok, requestID: sequence.otherRequestID(), sortedKeys: true)
        default:
            return Self.reply(.unknownPath(request.method, path), requestID: sequence.otherRequestID())
        }
    }

    /// What a provider route produced: the body to send and what to count and charge.
    private struct Answer {
        var body: any Encodable & Sendable
        var model: String
        var promptTokens: Int
        var completionTokens: Int
        var reservedTokens: Int
    }

    /// An error answer plus the headers that go with it (`retry-after`, `x-ratelimit-*`).
    private struct Refusal: Error {
        var reply: OpenAIErrorReply
        var headers: [(String, String)]
    }

    private func serveProvider(_ request: Request, path: String, channel: any Channel) async -> Response {
        let number = sequence.next()
        let requestID = sequence.requestID(number)
        stats.requestStarted()
        var request = request
        do {
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: configuration.maxBodyBytes)
            } catch is NIOTooManyBytesError {
                throw OpenAIErrorReply.bodyTooLarge
            }
            let answer = path == Self.chatPath ? try answerChat(body, number: number) : try answerEmbeddings(body)
            let limitHeaders = try admit(answer)
            let delay = MockLatency.delay(
                latency: configuration.latency,
                jitter: configuration.latencyJitter,
                sequence: number
            )
            if delay > .zero {
                stats.requestDelayed()
                try await Task.sleep(for: delay)
            }
            if let fault = MockFault.pick(configuration.faults, sequence: number) {
                stats.faultInjected()
                return await inject(fault, path: path, requestID: requestID, channel: channel, headers: limitHeaders)
            }
            stats.requestFinished(
                path: path,
                status: 200,
                model: answer.model,
                promptTokens: answer.promptTokens,
                completionTokens: answer.completionTokens
            )
            return Self.json(answer.body, status: .ok, requestID: requestID, processing: delay, headers: limitHeaders)
        } catch let refusal as Refusal {
            stats.requestFinished(path: path, status: refusal.reply.statusCode, model: nil)
            return Self.reply(refusal.reply, requestID: requestID, headers: refusal.headers)
        } catch let reply as OpenAIErrorReply {
            stats.requestFinished(path: path, status: reply.statusCode, model: nil)
            return Self.reply(reply, requestID: requestID)
        } catch {
            // Only cancellation of the latency sleep gets here (the server is going away).
            stats.requestFinished(path: path, status: 500, model: nil)
            return Self.reply(.serverError, requestID: requestID)
        }
    }

    /// Charges the rate limits; returns the `x-ratelimit-*` headers, or throws a 429 `Refusal`.
    private func admit(_ answer: Answer) throws -> [(String, String)] {
        guard let rateLimits else { return [] }
        switch rateLimits.admit(tokens: answer.reservedTokens) {
        case .admitted(let status):
            return status.headers
        case .limited(let status, let retryAfter, let limit):
            let seconds = Double(retryAfter.components.seconds) + Double(retryAfter.components.attoseconds) * 1e-18
            let reply = OpenAIErrorReply.rateLimited(
                "Rate limit reached for \(limit) (mock provider). "
                    + "Please try again in \(GoDuration.format(seconds: seconds)).",
                limit: limit
            )
            let headers =
                status.headers + [
                    ("retry-after", String(Int(seconds.rounded(.up)))),
                    ("retry-after-ms", String(Int((seconds * 1000).rounded(.up)))),
                ]
            throw Refusal(reply: reply, headers: headers)
        }
    }

    private func inject(
        _ fault: MockFault,
        path: String,
        requestID: String,
        channel: any Channel,
        headers: [(String, String)]
    ) async -> Response {
        switch fault {
        case .fail5xx:
            stats.requestFinished(path: path, status: 500, model: nil)
            return Self.reply(.serverError, requestID: requestID, headers: headers)
        case .fail429:
            stats.requestFinished(path: path, status: 429, model: nil)
            let reply = OpenAIErrorReply.rateLimited("Rate limit reached for requests (mock fault).", limit: "requests")
            return Self.reply(
                reply,
                requestID: requestID,
                headers: headers + [("retry-after", "1"), ("retry-after-ms", "1000")]
            )
        case .garbage:
            stats.requestFinished(path: path, status: 200, model: nil)
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            fields[Self.requestIDField] = requestID
            let text = #"{"id":"chatcmpl-mock","object":"chat.completion","choices":[{"index":0,"mess"#
            return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
        case .hang:
            // Wait until `hangFor` passes or the server shuts down gracefully, then drop the connection.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.faults.hangFor) }
            return drop(path: path, channel: channel)
        case .drop:
            return drop(path: path, channel: channel)
        }
    }

    /// Closes the connection so the client gets no answer; the response returned is never written.
    private func drop(path: String, channel: any Channel) -> Response {
        stats.requestFinished(path: path, status: 0, model: nil)
        channel.close(promise: nil)
        return Response(status: .internalServerError)
    }

    private func answerChat(_ body: ByteBuffer, number: UInt64) throws -> Answer {
        let request = try Self.decode(ChatCompletionRequest.self, from: body)
        let completion = try MockChatModel.complete(request, models: configuration.models)
        let response = ChatCompletionResponse(
            id: sequence.completionID(number),
            created: Int(Date().timeIntervalSince1970),
            model: completion.model,
            choices: completion.choices.enumerated().map { index, choice in
                .init(index: index, content: choice.content, finishReason: choice.finishReason)
            },
            usage: completion.usage
        )
        return Answer(
            body: response,
            model: completion.model,
            promptTokens: completion.usage.promptTokens,
            completionTokens: completion.usage.completionTokens,
            reservedTokens: completion.reservedTokens
        )
    }

    private func answerEmbeddings(_ body: ByteBuffer) throws -> Answer {
        let request = try Self.decode(EmbeddingRequest.self, from: body)
        let embeddings = try MockEmbeddingModel.embed(
            request,
            defaultDimensions: configuration.embeddingDimensions,
            models: configuration.models
        )
        let response = EmbeddingResponse(
            model: embeddings.model,
            data: embeddings.vectors.enumerated().map { index, vector in
                .init(index: index, vector: vector, base64: embeddings.base64)
            },
            promptTokens: embeddings.promptTokens
        )
        return Answer(
            body: response,
            model: embeddings.model,
            promptTokens: embeddings.promptTokens,
            completionTokens: 0,
            reservedTokens: embeddings.promptTokens
        )
    }

    // MARK: JSON in and out

    private static func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        let data = body.withUnsafeReadableBytes { Data($0) }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw OpenAIErrorReply(decodingError: error)
        } catch {
            throw OpenAIErrorReply.malformedJSON
        }
    }

    private static let requestIDField = HTTPField.Name("x-request-id")!
    private static let processingField = HTTPField.Name("openai-processing-ms")!

    static func reply(_ error: OpenAIErrorReply, requestID: String, headers: [(String, String)] = []) -> Response {
        json(error, status: error.status, requestID: requestID, headers: headers)
    }

    static func json(
        _ value: some Encodable,
        status: HTTPResponse.Status,
        requestID: String,
        processing: Duration = .zero,
        sortedKeys: Bool = false,
        headers extra: [(String, String)] = []
    ) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = sortedKeys ? [.sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        // Our own response types always encode; a failure here is a programming error.
        guard let data = try? encoder.encode(value) else {
            preconditionFailure("mock provider response failed to encode")
        }
        var headers = HTTPFields()
        headers.reserveCapacity(4 + extra.count)
        headers[.contentType] = "application/json"
        headers[requestIDField] = requestID
        let (seconds, attoseconds) = processing.components
        headers[processingField] = String(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        for (name, value) in extra {
            if let name = HTTPField.Name(name) { headers[name] = value }
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
