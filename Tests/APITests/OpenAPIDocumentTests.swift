import Crypto
import Foundation
import Hummingbird
import Logging
import Testing
import Workers

@testable import API
@testable import Jobs

/// Keeps `/openapi.json` true: every registered route is documented (and nothing else), every `$ref` resolves, and
/// what the server answers on each documented route matches the documented status, content type and schema.
///
/// Schemas are checked strictly on purpose: an object schema that lists `properties` and no
/// `additionalProperties` is closed, so a field the server starts sending without describing it fails here.
@Suite struct OpenAPIDocumentTests {
    @Test(.timeLimit(.minutes(1)))
    func openAPIJSON_withoutKey_servesAnOpenAPI31Document() async throws {
        try await APITestServer.with { server in
            let response = try await server.send("GET", "/openapi.json", key: nil)
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("x-request-id") != nil)
            let document = try OpenAPIJSON.decode(response.body)
            #expect(document["openapi"]?.string?.hasPrefix("3.1.") == true)
            #expect(document["info"]?["title"]?.string == "Sluice API")
            #expect(document["info"]?["version"]?.string != nil)
            let bearer = document["components"]?["securitySchemes"]?["bearerAuth"]
            #expect(bearer?["type"]?.string == "http")
            #expect(bearer?["scheme"]?.string == "bearer")
            #expect(document["security"] == .array([.object(["bearerAuth": .array([])])]))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func openAPIJSON_documentsEveryRegisteredRoute_andNoOther() async throws {
        try await APITestServer.with { server in
            let document = try await Self.servedDocument(server)
            let router = APIServer(
                store: server.store,
                configuration: APIConfiguration(adminKeyHash: Data(repeating: 0, count: 32), providers: testProviders),
                logger: Logger(label: "openapi-tests")
            ).buildRouter()
            let registered = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
            let documented = Set(Self.operations(document).map { "\($0.method.uppercased()) \($0.path)" })
            #expect(registered.contains("GET /openapi.json"))
            #expect(registered.count >= 13)
            for route in registered.subtracting(documented).sorted() {
                Issue.record("\(route) is served but /openapi.json does not describe it (Sources/API/OpenAPIDocument*)")
            }
            for operation in documented.subtracting(registered).sorted() {
                Issue.record("\(operation) is in /openapi.json but the router does not serve it")
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func openAPIJSON_referencesResolve_andOperationsDeclareParametersAuthAndErrors() async throws {
        try await APITestServer.with { server in
            let document = try await Self.servedDocument(server)
            let checker = SchemaChecker(document: document)
            for reference in Self.references(in: document) where checker.pointer(reference) == nil {
                Issue.record("$ref \(reference) does not resolve")
            }
            var operationIDs: Set<String> = []
            for (path, method, operation) in Self.operations(document) {
                let name = "\(method.uppercased()) \(path)"
                if let id = operation["operationId"]?.string {
                    #expect(operationIDs.insert(id).inserted, "\(name): operationId \(id) is not unique")
                } else {
                    Issue.record("\(name) has no operationId")
                }
                let responses = operation["responses"]?.object ?? [:]
                #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(name) documents no 2xx response")
                let parameters = (operation["parameters"]?.array ?? []).map { checker.resolve($0) }
                for placeholder in Self.placeholders(in: path) {
                    let declared = parameters.contains {
                        $0["in"]?.string == "path" && $0["name"]?.string == placeholder && $0["required"] == .bool(true)
                    }
                    #expect(declared, "\(name) does not declare its required path parameter `\(placeholder)`")
                    #expect(responses["404"] != nil, "\(name) takes an id but documents no 404")
                }
                if path.hasPrefix("/v1/") {
                    #expect(operation["security"] == nil, "\(name) needs the bearer key: it must not override security")
                    #expect(responses["401"] != nil, "\(name) documents no 401")
                } else {
                    #expect(operation["security"] == .array([]), "\(name) is served without a key: `security: []`")
                }
                if path.hasPrefix("/v1/admin/") {
                    #expect(responses["403"] != nil, "\(name) is admin only but documents no 403")
                }
                for (status, response) in responses {
                    let headers = checker.resolve(response)["headers"]?.object ?? [:]
                    #expect(headers["x-request-id"] != nil, "\(name) \(status) does not document x-request-id")
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func servedAnswers_matchTheirDocumentedStatusContentTypeAndSchema() async throws {
        try await APITestServer.with(maxBodyBytes: 64 * 1024) { server in
            let document = try await Self.servedDocument(server)
            let check = ResponseCheck(checker: SchemaChecker(document: document))

            try check(await server.send("GET", "/healthz", key: nil), "GET", "/healthz")
            try check(await server.send("GET", "/openapi.json", key: nil), "GET", "/openapi.json")

            try check(
                await server.send("POST", "/v1/admin/tenants", json: #"{"id":"acme"}"#),
                "POST",
                "/v1/admin/tenants"
            )
            try check(
                await server.send("POST", "/v1/admin/tenants", json: #"{"id":"acme"}"#),
                "POST",
                "/v1/admin/tenants"
            )
            try check(
                await server.send("POST", "/v1/admin/tenants", json: #"{"id":"No"}"#),
                "POST",
                "/v1/admin/tenants"
            )
            let keyAnswer = try await server.send("POST", "/v1/admin/tenants/acme/keys")
            try check(keyAnswer, "POST", "/v1/admin/tenants/{id}/keys")
            let tenantKey = try #require(try OpenAPIJSON.decode(keyAnswer.body)["key"]?.string)
            try check(
                await server.send("POST", "/v1/admin/tenants/ghost/keys"),
                "POST",
                "/v1/admin/tenants/{id}/keys"
            )
            try check(
                await server.send("POST", "/v1/admin/tenants", key: tenantKey, json: #"{"id":"x"}"#),
                "POST",
                "/v1/admin/tenants"
            )

            // A batch whose jobs end every way: succeeded with usage, failed with an answer, cancelled while running,
            // cancelled while queued.
            let lines = (1...4).map { chatLine("r\($0)", extra: #","metadata":{"k":"v"}"#) }
            let inline = #"{"requests":[\#(lines.joined(separator: ","))],"metadata":{"team":"a"}}"#
            let created = try await server.send("POST", "/v1/batches", json: inline)
            try check(created, "POST", "/v1/batches")
            let batchID = try #require(try OpenAPIJSON.decode(created.body)["id"]?.string)
            let claimed = try await server.store.claim(provider: "mock", limit: 3, leaseDuration: .seconds(60))
            let leases = Dictionary(uniqueKeysWithValues: claimed.map { ($0.customID ?? "", $0.lease) })
            let answer = #"{"id":"chatcmpl-1","choices":[{"message":{"role":"assistant","content":"ok"}}]}"#
            _ = try await server.store.complete(
                #require(leases["r1"]),
                response: JobResponse(
                    statusCode: 200,
                    requestID: "req_up1",
                    body: Data(answer.utf8),
                    usage: TokenUsage(promptTokens: 10, completionTokens: 4, cachedTokens: 2)
                )
            )
            _ = try await server.store.fail(
                #require(leases["r2"]),
                response: JobResponse(statusCode: 400, requestID: nil, body: Data("<html>".utf8), usage: nil),
                failure: JobFailure(code: "upstream_error", message: "The provider answered 400.")
            )
            try check(await server.send("GET", "/v1/batches/\(batchID)"), "GET", "/v1/batches/{id}")
            try check(await server.send("POST", "/v1/batches/\(batchID)/cancel"), "POST", "/v1/batches/{id}/cancel")
            _ = try await server.store.acknowledgeCancel(#require(leases["r3"]))
            try check(await server.send("POST", "/v1/batches/\(batchID)/cancel"), "POST", "/v1/batches/{id}/cancel")
            try check(await server.send("GET", "/v1/batches/\(batchID)"), "GET", "/v1/batches/{id}")
            let results = try await server.send("GET", "/v1/batches/\(batchID)/results")
            try check(results, "GET", "/v1/batches/{id}/results")
            #expect(results.text.split(separator: "\n").count == 4)
            try check(await server.send("GET", "/v1/jobs?batch_id=\(batchID)"), "GET", "/v1/jobs")
            try check(await server.send("GET", "/v1/usage?group_by=model,day"), "GET", "/v1/usage")
            try check(
                await server.send("GET", "/v1/usage?group_by=batch&group_by=tenant&start_time=0"),
                "GET",
                "/v1/usage"
            )
            try check(await server.send("GET", "/v1/usage?group_by=colour"), "GET", "/v1/usage")
            try check(await server.send("GET", "/v1/usage?tenant=default", key: tenantKey), "GET", "/v1/usage")

            let jsonl = lines.prefix(2).joined(separator: "\n")
            let jsonlBatch = try await server.send(
                "POST",
                "/v1/batches?completion_window=1h",
                headers: [("content-type", "application/jsonl"), ("idempotency-key", "k-1")],
                body: Data(jsonl.utf8)
            )
            try check(jsonlBatch, "POST", "/v1/batches")
            try check(await server.send("POST", "/v1/batches", json: #"{"requests":[]}"#), "POST", "/v1/batches")
            try check(await server.send("GET", "/v1/batches?limit=1"), "GET", "/v1/batches")
            try check(await server.send("GET", "/v1/batches?limit=0"), "GET", "/v1/batches")
            try check(await server.send("GET", "/v1/batches/batch_999"), "GET", "/v1/batches/{id}")
            try check(await server.send("GET", "/v1/batches/batch_999/results"), "GET", "/v1/batches/{id}/results")

            let job = try await server.send("POST", "/v1/jobs", json: chatLine("solo", extra: #","priority":3"#))
            try check(job, "POST", "/v1/jobs")
            let jobID = try #require(try OpenAPIJSON.decode(job.body)["id"]?.string)
            try check(await server.send("POST", "/v1/jobs", json: #"{"url":"/v1/x"}"#), "POST", "/v1/jobs")
            try check(
                await server.send("POST", "/v1/jobs", json: String(repeating: " ", count: 70 * 1024)),
                "POST",
                "/v1/jobs"
            )
            try check(await server.send("GET", "/v1/jobs/\(jobID)?wait=0.05"), "GET", "/v1/jobs/{id}")
            try check(await server.send("GET", "/v1/jobs/\(jobID)?wait=soon"), "GET", "/v1/jobs/{id}")
            try check(await server.send("GET", "/v1/jobs/job_999"), "GET", "/v1/jobs/{id}")
            try check(await server.send("POST", "/v1/jobs/\(jobID)/cancel"), "POST", "/v1/jobs/{id}/cancel")
            try check(await server.send("POST", "/v1/jobs/\(jobID)/cancel"), "POST", "/v1/jobs/{id}/cancel")
            try check(await server.send("GET", "/v1/jobs?status=queued&limit=2"), "GET", "/v1/jobs")
            try check(await server.send("GET", "/v1/jobs?status=bogus"), "GET", "/v1/jobs")
            try check(await server.send("GET", "/v1/jobs", key: nil), "GET", "/v1/jobs")
            try check(await server.send("GET", "/v1/jobs", key: "sk-sluice-unknown"), "GET", "/v1/jobs")

            let quotas = "/v1/admin/tenants/{id}/quotas"
            try check(
                await server.send(
                    "PUT",
                    "/v1/admin/tenants/acme/quotas",
                    json: #"{"usd_per_day":"0","requests_per_minute":5}"#
                ),
                "PUT",
                quotas
            )
            try check(
                await server.send("PUT", "/v1/admin/tenants/acme/quotas", json: #"{"usd_per_year":1}"#),
                "PUT",
                quotas
            )
            try check(await server.send("PUT", "/v1/admin/tenants/ghost/quotas", json: "{}"), "PUT", quotas)
            try check(await server.send("GET", "/v1/admin/tenants/acme/quotas"), "GET", quotas)
            try check(await server.send("GET", "/v1/admin/tenants/ghost/quotas"), "GET", quotas)
            try check(await server.send("GET", "/v1/admin/tenants/acme/quotas", key: tenantKey), "GET", quotas)
            try check(await server.send("POST", "/v1/jobs", key: tenantKey, json: chatLine("q")), "POST", "/v1/jobs")
            try check(
                await server.send("POST", "/v1/batches", key: tenantKey, json: #"{"requests":[\#(chatLine("q"))]}"#),
                "POST",
                "/v1/batches"
            )
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func servedWebhookAnswers_matchTheirDocumentedSchemas() async throws {
        try await APITestServer.with { server in
            let document = try await Self.servedDocument(server)
            let check = ResponseCheck(checker: SchemaChecker(document: document))
            let endpoints = "/v1/webhooks/endpoints"
            let endpoint = "/v1/webhooks/endpoints/{id}"

            let created = try await server.send(
                "POST",
                endpoints,
                json: #"{"url":"https://example.com/hook","events":["job.completed"],"description":"d"}"#,
                headers: [("idempotency-key", "wh-1")]
            )
            try check(created, "POST", endpoints)
            let id = try #require(try OpenAPIJSON.decode(created.body)["id"]?.string)
            try check(
                await server.send(
                    "POST",
                    endpoints,
                    json: #"{"url":"https://b.example"}"#,
                    headers: [("idempotency-key", "wh-1")]
                ),
                "POST",
                endpoints
            )
            try check(await server.send("POST", endpoints, json: #"{"url":"ftp://example.com"}"#), "POST", endpoints)
            try check(await server.send("GET", endpoints), "GET", endpoints)
            try check(await server.send("GET", "\(endpoints)?limit=0"), "GET", endpoints)
            try check(await server.send("GET", "\(endpoints)/\(id)"), "GET", endpoint)
            try check(await server.send("GET", "\(endpoints)/whep_999"), "GET", endpoint)
            try check(
                await server.send("POST", "\(endpoints)/\(id)/rotate_secret"),
                "POST",
                "\(endpoint)/rotate_secret"
            )

            _ = try await server.send("POST", "/v1/jobs", json: chatLine("w"))
            let claimed = try #require(
                try await server.store.claim(provider: "mock", limit: 1, leaseDuration: .seconds(60)).first
            )
            _ = try await server.store.complete(
                claimed.lease,
                response: JobResponse(statusCode: 200, requestID: nil, body: Data("{}".utf8), usage: nil)
            )
            let delivery = try #require(
                try await server.store.claimWebhookDeliveries(limit: 1, leaseDuration: .seconds(30)).first
            )
            try await server.store.recordWebhookAttempt(
                delivery.id,
                result: WebhookAttemptResult(
                    statusCode: 503,
                    error: "HTTP 503",
                    duration: .milliseconds(5),
                    outcome: .retry(at: Date())
                )
            )
            let deliveries = "\(endpoint)/deliveries"
            try check(await server.send("GET", "\(endpoints)/\(id)/deliveries"), "GET", deliveries)
            try check(await server.send("GET", "\(endpoints)/\(id)/deliveries?after=x"), "GET", deliveries)
            try check(await server.send("GET", "/v1/webhooks/secret"), "GET", "/v1/webhooks/secret")
            try check(await server.send("POST", "/v1/webhooks/secret/rotate"), "POST", "/v1/webhooks/secret/rotate")
            try check(await server.send("DELETE", "\(endpoints)/\(id)"), "DELETE", endpoint)
            try check(await server.send("DELETE", "\(endpoints)/\(id)"), "DELETE", endpoint)
            try check(await server.send("GET", endpoints, key: nil), "GET", endpoints)
        }
    }

    // MARK: Helpers

    static func servedDocument(_ server: APITestServer) async throws -> OpenAPIJSON {
        let response = try await server.send("GET", "/openapi.json", key: nil)
        try #require(response.status == 200)
        return try OpenAPIJSON.decode(response.body)
    }

    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// Every operation of the document as (path, lowercased method, operation object).
    static func operations(_ document: OpenAPIJSON) -> [(path: String, method: String, operation: OpenAPIJSON)] {
        (document["paths"]?.object ?? [:]).sorted { $0.key < $1.key }.flatMap { path, item in
            (item.object ?? [:]).filter { httpMethods.contains($0.key) }.sorted { $0.key < $1.key }.map {
                (path, $0.key, $0.value)
            }
        }
    }

    /// The `{name}` placeholders of a path template.
    static func placeholders(in path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map {
            String($0.dropFirst().dropLast())
        }
    }

    /// Every `$ref` value anywhere in `value`.
    static func references(in value: OpenAPIJSON) -> [String] {
        switch value {
        case .object(let members):
            members.flatMap { key, member in
                key == "$ref" ? [member.string].compactMap { $0 } : references(in: member)
            }
        case .array(let elements): elements.flatMap(references)
        default: []
        }
    }
}

/// Checks one live answer against the operation that documents it: the status is documented, the content type is
/// one the status documents, `x-request-id` is present, and a JSON body (or each line of a JSONL body, against
/// `x-line-schema`) matches the schema.
private struct ResponseCheck {
    let checker: SchemaChecker

    func callAsFunction(
        _ response: Workers.HTTPResponse,
        _ method: String,
        _ path: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let name = "\(method) \(path) → \(response.status)"
        let operation = try #require(
            checker.document["paths"]?[path]?[method.lowercased()],
            "\(method) \(path) is not documented",
            sourceLocation: sourceLocation
        )
        guard let documented = operation["responses"]?["\(response.status)"] else {
            Issue.record(
                "\(name) is not a documented status: \(response.text.prefix(300))",
                sourceLocation: sourceLocation
            )
            return
        }
        #expect(response.header("x-request-id") != nil, "\(name) has no x-request-id", sourceLocation: sourceLocation)
        let content = checker.resolve(documented)["content"]?.object ?? [:]
        let mediaType = (response.header("content-type") ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let mediaType, let media = content[mediaType] else {
            Issue.record(
                "\(name) answered content type \(mediaType ?? "none"), not one of \(content.keys.sorted())",
                sourceLocation: sourceLocation
            )
            return
        }
        var problems: [String] = []
        if let lineSchema = media["x-line-schema"] {
            for (index, line) in response.text.split(separator: "\n").enumerated() {
                let value = try OpenAPIJSON.decode(Data(line.utf8))
                problems += checker.problems(value, lineSchema, at: "line \(index + 1)")
            }
        } else if let schema = media["schema"] {
            problems += checker.problems(try OpenAPIJSON.decode(response.body), schema, at: "body")
        }
        for problem in problems {
            Issue.record("\(name): \(problem)", sourceLocation: sourceLocation)
        }
    }
}

/// A small JSON Schema checker for the keywords the document uses in responses: `$ref`, `oneOf`/`anyOf`, `type`,
/// `const`, `enum`, `required`, `properties`, `additionalProperties`, `items`. Object schemas that list
/// `properties` are closed unless `additionalProperties` says otherwise (stricter than JSON Schema, on purpose).
private struct SchemaChecker {
    let document: OpenAPIJSON

    /// The value at a local JSON pointer (`#/components/schemas/Job`), or nil.
    func pointer(_ reference: String) -> OpenAPIJSON? {
        guard reference.hasPrefix("#/") else { return nil }
        var node = document
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node[key] else { return nil }
            node = next
        }
        return node
    }

    /// Follows `$ref`s until an inline object.
    func resolve(_ value: OpenAPIJSON) -> OpenAPIJSON {
        var current = value
        var hops = 0
        while let reference = current["$ref"]?.string, let target = pointer(reference), hops < 32 {
            current = target
            hops += 1
        }
        return current
    }

    func problems(_ value: OpenAPIJSON, _ schema: OpenAPIJSON, at path: String) -> [String] {
        let schema = resolve(schema)
        if let options = schema["oneOf"]?.array ?? schema["anyOf"]?.array {
            let results = options.map { problems(value, $0, at: path) }
            if results.contains(where: \.isEmpty) { return [] }
            return ["\(path) matches no alternative: " + results.flatMap { $0 }.joined(separator: " | ")]
        }
        if let types = schema["type"] {
            let allowed = types.array?.compactMap(\.string) ?? [types.string].compactMap { $0 }
            guard allowed.contains(where: value.isOfType) else {
                return ["\(path) is \(value.typeName), documented as \(allowed.joined(separator: " or "))"]
            }
        }
        if let constant = schema["const"], constant != value {
            return ["\(path) is \(value), documented as the constant \(constant)"]
        }
        if let options = schema["enum"]?.array, !options.contains(value) {
            return ["\(path) is \(value), not one of the documented values"]
        }
        var found: [String] = []
        switch value {
        case .object(let members):
            for key in schema["required"]?.array?.compactMap(\.string) ?? [] where members[key] == nil {
                found.append("\(path).\(key) is required but missing")
            }
            let properties = schema["properties"]?.object
            let additional = schema["additionalProperties"]
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties?[key] {
                    found += problems(member, property, at: "\(path).\(key)")
                } else if let additional, additional.object != nil {
                    found += problems(member, additional, at: "\(path).\(key)")
                } else if properties != nil, additional != .bool(true) {
                    found.append("\(path).\(key) is sent but not documented")
                }
            }
        case .array(let elements):
            if let items = schema["items"] {
                for (index, element) in elements.enumerated() {
                    found += problems(element, items, at: "\(path)[\(index)]")
                }
            }
        default:
            break
        }
        return found
    }
}

/// A decoded JSON value with its exact kind (booleans, integers and other numbers kept apart).
enum OpenAPIJSON: Decodable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([OpenAPIJSON])
    case object([String: OpenAPIJSON])

    static func decode(_ data: Data) throws -> OpenAPIJSON {
        try JSONDecoder().decode(OpenAPIJSON.self, from: data)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([OpenAPIJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: OpenAPIJSON].self))
        }
    }

    subscript(key: String) -> OpenAPIJSON? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var array: [OpenAPIJSON]? { if case .array(let value) = self { value } else { nil } }
    var object: [String: OpenAPIJSON]? { if case .object(let value) = self { value } else { nil } }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Whether the value is of the JSON Schema type `name` (an integer is also a `number`).
    func isOfType(_ name: String) -> Bool {
        name == typeName || (name == "number" && typeName == "integer")
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .int(let value): "\(value)"
        case .double(let value): "\(value)"
        case .string(let value): "\"\(value.prefix(80))\""
        case .array(let value): "[\(value.count) items]"
        case .object(let value): "{\(value.keys.sorted().joined(separator: ", "))}"
        }
    }
}

extension OpenAPIDocumentTests {
    /// The Files API's answers (File object, list, deletion, errors) against their documented schemas.
    @Test(.timeLimit(.minutes(1)))
    func fileAnswers_matchTheirDocumentedStatusContentTypeAndSchema() async throws {
        try await APITestServer.with(maxFileBytes: 64 * 1024) { server in
            let document = try await Self.servedDocument(server)
            let check = ResponseCheck(checker: SchemaChecker(document: document))
            let created = try await server.upload(content: batchInput(2), headers: [("idempotency-key", "f-1")])
            try check(created, "POST", "/v1/files")
            let id = try #require(try OpenAPIJSON.decode(created.body)["id"]?.string)
            try check(await server.upload(purpose: "user_data", content: Data("x".utf8)), "POST", "/v1/files")
            try check(
                await server.upload(content: batchInput(3), headers: [("idempotency-key", "f-1")]),
                "POST",
                "/v1/files"
            )
            try check(await server.upload(content: Data("nope\n".utf8)), "POST", "/v1/files")
            try check(await server.upload(content: batchInput(1_000)), "POST", "/v1/files")
            try check(await server.send("POST", "/v1/files", json: "{}"), "POST", "/v1/files")
            try check(await server.send("POST", "/v1/files", key: nil, json: "{}"), "POST", "/v1/files")
            try check(await server.send("GET", "/v1/files"), "GET", "/v1/files")
            try check(await server.send("GET", "/v1/files?purpose=batch&order=asc&limit=1"), "GET", "/v1/files")
            try check(await server.send("GET", "/v1/files?order=sideways"), "GET", "/v1/files")
            try check(await server.send("GET", "/v1/files/\(id)"), "GET", "/v1/files/{id}")
            try check(await server.send("GET", "/v1/files/file-999"), "GET", "/v1/files/{id}")
            try check(await server.send("GET", "/v1/files/nope/content"), "GET", "/v1/files/{id}/content")
            try check(await server.send("DELETE", "/v1/files/\(id)"), "DELETE", "/v1/files/{id}")
            try check(await server.send("DELETE", "/v1/files/\(id)"), "DELETE", "/v1/files/{id}")
        }
    }
}
