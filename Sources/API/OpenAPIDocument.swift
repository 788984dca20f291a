import Foundation
import Hummingbird
import NIOCore

/// `GET /openapi.json`: the OpenAPI 3.1 description of every route the API serves, without authentication.
///
/// The document is JSON in raw string literals kept next to the routes it describes: this file holds the frame,
/// parameters and responses; `OpenAPIDocument+Paths.swift` the core operations; `OpenAPIDocument+Schemas.swift`
/// the core schemas; each further area (`OpenAPIDocument+Files.swift`, …) its own fragments, merged by `paths` and
/// `schemas`. `OpenAPIDocumentTests` fails when a route the router registers has no operation here (or an operation
/// has no route), when a `$ref` does not resolve, and when a job, batch, list, result line or error the server
/// answers has a field the schema does not list. Add a route or a field here in the same commit.
///
/// ```swift
/// router.get("openapi.json", use: OpenAPIDocument.respond)
/// ```
enum OpenAPIDocument {
    /// The document's bytes, built once.
    static let buffer = ByteBuffer(string: json)

    /// Answers with the document (`application/json`).
    @Sendable static func respond(_ request: Request, context: APIRequestContext) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }

    /// The `paths` object: one operation per route the router registers. Each area keeps its operations in its
    /// own fragment (a JSON object) and adds it here.
    static let paths = merge([
        withOperatorOperations(corePaths), webhookPaths, operationsPaths, filesPaths, operatorPaths,
    ])

    /// The `components.schemas` object, merged from each area's fragment like `paths`.
    static let schemas = merge([coreSchemas, webhookSchemas, operationsSchemas, filesSchemas, operatorSchemas])

    /// Joins JSON object texts into one object (their members in order). Fragments must not share a key: a
    /// duplicate would silently replace the first.
    static func merge(_ objects: [String]) -> String {
        let members = objects.map { object in
            let text = object.trimmingCharacters(in: .whitespacesAndNewlines)
            precondition(text.first == "{" && text.last == "}", "an OpenAPI fragment must be one JSON object")
            return String(text.dropFirst().dropLast())
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// The whole document.
    static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Sluice API",
            "version": "0.1.0",
            "summary": "A durable, batch-first LLM gateway: submit jobs and batches, poll, long-poll, read results.",
            "description": "Every route under `/v1` needs `Authorization: Bearer <key>` (a tenant key, or the admin key, which acts as tenant `default`). Errors use OpenAI's shape `{error: {message, type, param, code}}`. Every response carries `x-request-id`: the client's own when it sends a sane one (1 to 128 of `A-Z a-z 0-9 . _ : -`), else a generated `req_<32 hex>`. A 2xx on a create means the rows are committed. Timestamps are Unix seconds. An empty query parameter counts as absent."
          },
          "servers": [{"url": "/"}],
          "security": [{"bearerAuth": []}],
          "tags": [
            {"name": "jobs", "description": "One request each, Sluice's own job object."},
            {"name": "batches", "description": "OpenAI's batch object and batch output lines."},
            {"name": "files", "description": "OpenAI's Files API: batch input files in, output and error files out."},
            {"name": "usage", "description": "What the cost ledger recorded: tokens and money."},
            {"name": "webhooks", "description": "Webhook endpoints, their delivery log, and the secret of one-off job webhooks."},
            {"name": "admin", "description": "Tenants, API keys and quotas; admin key only."},
            {"name": "service", "description": "Liveness and this document; no key needed."}
          ],
          "paths": \#(paths),
          "components": {
            "securitySchemes": {
              "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "A tenant key (`sk-sluice-…`, from `POST /v1/admin/tenants/{id}/keys`) or the admin key."
              }
            },
            "headers": {
              "RequestID": {
                "description": "The request's id: the client's `x-request-id` when sane, else `req_<32 hex>`.",
                "required": true,
                "schema": {"type": "string", "minLength": 1, "maxLength": 128}
              }
            },
            "parameters": {
              "RequestID": {
                "name": "x-request-id",
                "in": "header",
                "required": false,
                "description": "Echoed back when it is 1 to 128 of `A-Z a-z 0-9 . _ : -`; otherwise replaced by a generated id.",
                "schema": {"type": "string"}
              },
              "IdempotencyKey": {
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "1 to 255 printable ASCII characters. A repeat of a create with the same key and the same request, by the same tenant, returns the original object (with the original's status) instead of creating another; the same key with a different request is a 422 `idempotency_key_reused`.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}
              },
              "JobID": {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "A job id, `job_<n>`. An id the caller cannot see, or a malformed one, is a 404.",
                "schema": {"type": "string", "pattern": "^job_[1-9][0-9]{0,17}$", "examples": ["job_1"]}
              },
              "BatchID": {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "A batch id, `batch_<n>`. An id the caller cannot see, or a malformed one, is a 404.",
                "schema": {"type": "string", "pattern": "^batch_[1-9][0-9]{0,17}$", "examples": ["batch_1"]}
              },
              "WebhookEndpointID": {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "A webhook endpoint id, `whep_<n>`. An id the caller cannot see, or a malformed one, is a 404.",
                "schema": {"type": "string", "pattern": "^whep_[1-9][0-9]{0,17}$", "examples": ["whep_1"]}
              },
              "TenantID": {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "A tenant id. An unknown tenant is a 404.",
                "schema": {"$ref": "#/components/schemas/TenantID"}
              },
              "Limit": {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "Page size.",
                "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
              },
              "AfterJob": {
                "name": "after",
                "in": "query",
                "required": false,
                "description": "Cursor: the jobs older than this one (the `id` of the last item of the previous page). Empty is absent.",
                "schema": {"type": "string", "pattern": "^(job_[1-9][0-9]{0,17})?$"}
              },
              "AfterBatch": {
                "name": "after",
                "in": "query",
                "required": false,
                "description": "Cursor: the batches older than this one (the `id` of the last item of the previous page). Empty is absent.",
                "schema": {"type": "string", "pattern": "^(batch_[1-9][0-9]{0,17})?$"}
              },
              "JobStatus": {
                "name": "status",
                "in": "query",
                "required": false,
                "description": "Only jobs in this state.",
                "schema": {"$ref": "#/components/schemas/JobStatus"}
              },
              "BatchIDQuery": {
                "name": "batch_id",
                "in": "query",
                "required": false,
                "description": "Only the jobs of this batch. Empty is absent.",
                "schema": {"type": "string", "pattern": "^(batch_[1-9][0-9]{0,17})?$"}
              },
              "Wait": {
                "name": "wait",
                "in": "query",
                "required": false,
                "description": "Long-poll: seconds to wait for the job or batch to become final (fractions allowed; capped by the server's `max_wait_seconds`, 60 by default; 0 answers at once).",
                "schema": {"type": "number", "minimum": 0}
              },
              "CompletionWindowQuery": {
                "name": "completion_window",
                "in": "query",
                "required": false,
                "description": "The batch's window when the body names none (a JSONL body cannot).",
                "schema": {"$ref": "#/components/schemas/CompletionWindow"}
              },
              "StartTime": {
                "name": "start_time",
                "in": "query",
                "required": false,
                "description": "Only ledger rows recorded at or after this Unix time (seconds).",
                "schema": {"type": "integer", "minimum": 0, "maximum": 99999999999}
              },
              "EndTime": {
                "name": "end_time",
                "in": "query",
                "required": false,
                "description": "Only ledger rows recorded before this Unix time (seconds).",
                "schema": {"type": "integer", "minimum": 0, "maximum": 99999999999}
              },
              "GroupBy": {
                "name": "group_by",
                "in": "query",
                "required": false,
                "description": "Group keys, repeated (`group_by=model&group_by=day`), comma-separated (`group_by=model,day`) or as `group_by[]`; rows carry the keys in the order given.",
                "style": "form",
                "explode": true,
                "schema": {
                  "type": "array",
                  "items": {"type": "string", "enum": ["provider", "model", "day", "batch", "tenant"]}
                }
              },
              "UsageTenant": {
                "name": "tenant",
                "in": "query",
                "required": false,
                "description": "Admin key: only this tenant. A tenant key may name only its own tenant (another is a 403).",
                "schema": {"type": "string"}
              }
            },
            "responses": {
              "BadRequest": {
                "description": "`invalid_request_error`: a malformed body, line, parameter or header, or a state that forbids the call. `param` names the field (`line 3`, `requests[2].body.model`, `limit`, ...).",
                "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
              },
              "Unauthorized": {
                "description": "`authentication_error`: no key (`missing_api_key`) or an unknown key (`invalid_api_key`).",
                "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
              },
              "Forbidden": {
                "description": "`permission_error` (`admin_required`): a tenant key on an admin route.",
                "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
              },
              "NotFound": {
                "description": "`not_found_error`: an id the caller cannot see, or a malformed one.",
                "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
              },
              "ContentTooLarge": {
                "description": "`invalid_request_error` (`request_too_large`): the body is over the server's limit (100 MiB by default).",
                "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
              },
              "QuotaExceeded": {
                "description": "`quota_exceeded` (type and code): the tenant's quota is used up — its window recorded the whole limit, or the next call does not fit in what is left. The message names the quota, its figures and when it resets (RFC 3339, UTC). Jobs accepted earlier wait in the queue for the window.",
                "headers": {
                  "x-request-id": {"$ref": "#/components/headers/RequestID"},
                  "retry-after": {
                    "description": "Whole seconds until the quota resets; sent only when that is at most 120 s.",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 120}
                  },
                  "x-should-retry": {
                    "description": "`false` when the reset is more than 120 s away: retrying sooner will not help.",
                    "schema": {"type": "string", "const": "false"}
                  }
                },
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
              },
              "IdempotencyKeyReused": {
                "description": "`invalid_request_error` (`idempotency_key_reused`): the `Idempotency-Key` was already used by this tenant with a different request. The message never echoes either request. Sent with `x-should-retry: false`.",
                "headers": {
                  "x-request-id": {"$ref": "#/components/headers/RequestID"},
                  "x-should-retry": {"schema": {"type": "string", "const": "false"}}
                },
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
              },
              "ServerError": {
                "description": "`server_error`: the server failed; details are only logged.",
                "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
              }
            },
            "schemas": \#(schemas)
          }
        }
        """#
}
