import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// Routes and answers every request of the mock provider. A plain `HTTPResponder` with a `switch` on the path:
/// the mock has five routes, and this is the cheapest way to serve them.
///
/// Routes: `POST /v1/chat/completions`, `POST /v1/embeddings`, `GET /_mock/stats`, `POST /_mock/reset`;
/// anything else gets a 404 in OpenAI's error shape. The `Authorization` header is accepted and ignored.
struct MockResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    static let chatPath = "/v1/chat/completions"
    static let embeddingsPath = "/v1/embeddings"
    static let statsPath = "/_mock/stats"
    static let resetPath = "/_mock/reset"

    let configuration: MockProviderConfiguration
    let stats: MockProviderStats
    let sequence: RequestSequence

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        switch path {
        case Self.chatPath, Self.embeddingsPath:
            guard request.method == .post else {
                return Self.reply(.methodNotAllowed(request.method, path), requestID: sequence.requestID(0))
            }
            return await serveProvider(request, path: path)
        case Self.statsPath where request.method == .get:
            return Self.json(stats.snapshot, status: .ok, requestID: sequence.requestID(0), sortedKeys: true)
        case Self.resetPath where request.method == .post:
            stats.reset()
            return Self.json(stats.snapshot, status: .ok, requestID: sequence.requestID(0), sortedKeys: true)
        default:
            return Self.reply(.unknownPath(request.method, path), requestID: sequence.requestID(0))
        }
    }

    /// What a provider route produced: the body to send and what to count.
    private struct Answer {
        var body: any Encodable & Sendable
        var model: String
        var promptTokens: Int
        var completionTokens: Int
    }

    private func serveProvider(_ request: Request, path: String) async -> Response {
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
            let answer =
                path == Self.chatPath
                ? try answerChat(body, number: number) : try answerEmbeddings(body)
            let delay = MockLatency.delay(
                latency: configuration.latency, jitter: configuration.latencyJitter, sequence: number
            )
            if delay > .zero {
                stats.requestDelayed()
                try await Task.sleep(for: delay)
            }
            stats.requestFinished(
                path: path, status: 200, model: answer.model, promptTokens: answer.promptTokens,
                completionTokens: answer.completionTokens
            )
            return Self.json(answer.body, status: .ok, requestID: requestID, processing: delay)
        } catch let reply as OpenAIErrorReply {
            stats.requestFinished(path: path, status: reply.statusCode, model: nil)
            return Self.reply(reply, requestID: requestID)
        } catch {
            // Only cancellation of the sleep gets here (the client or the server went away).
            stats.requestFinished(path: path, status: 500, model: nil)
            return Self.reply(.serverError, requestID: requestID)
        }
    }

    private func answerChat(_ body: ByteBuffer, number: UInt64) throws -> Answer {
        let request = try Self.decode(ChatCompletionRequest.self, from: body)
        let completion = try MockChatModel.complete(request, models: configuration.models)
        let response = ChatCompletionResponse(
            id: sequence.completionID(number), created: Int(Date().timeIntervalSince1970), model: completion.model,
            choices: completion.choices.enumerated().map { index, choice in
                .init(index: index, content: choice.content, finishReason: choice.finishReason)
            },
            usage: completion.usage
        )
        return Answer(
            body: response, model: completion.model, promptTokens: completion.usage.promptTokens,
            completionTokens: completion.usage.completionTokens
        )
    }

    private func answerEmbeddings(_ body: ByteBuffer) throws -> Answer {
        let request = try Self.decode(EmbeddingRequest.self, from: body)
        let embeddings = try MockEmbeddingModel.embed(
            request, defaultDimensions: configuration.embeddingDimensions, models: configuration.models
        )
        let response = EmbeddingResponse(
            model: embeddings.model,
            data: embeddings.vectors.enumerated().map { index, vector in
                .init(index: index, vector: vector, base64: embeddings.base64)
            },
            promptTokens: embeddings.promptTokens
        )
        return Answer(body: response, model: embeddings.model, promptTokens: embeddings.promptTokens, completionTokens: 0)
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

    static func reply(_ error: OpenAIErrorReply, requestID: String) -> Response {
        json(error, status: error.status, requestID: requestID)
    }

    static func json(
        _ value: some Encodable, status: HTTPResponse.Status, requestID: String, processing: Duration = .zero,
        sortedKeys: Bool = false
    ) -> Response {
        let encoder = JSONEncoder()
        if sortedKeys { encoder.outputFormatting = [.sortedKeys] }
        // Our own response types always encode; a failure here is a programming error.
        guard let data = try? encoder.encode(value) else {
            preconditionFailure("mock provider response failed to encode")
        }
        var headers = HTTPFields()
        headers.reserveCapacity(4)
        headers[.contentType] = "application/json"
        headers[requestIDField] = requestID
        let milliseconds = processing.components.seconds * 1000 + processing.components.attoseconds / 1_000_000_000_000_000
        headers[processingField] = String(milliseconds)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
