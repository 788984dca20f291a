import Foundation

/// The operator's routes in `/openapi.json`: the dashboard page and its snapshot, the tenant list, and listing and
/// revoking API keys.
extension OpenAPIDocument {
    static let operatorPaths = #"""
        {
          "/": {
            "get": {
              "operationId": "getDashboardPage",
              "tags": ["service"],
              "summary": "The operator's dashboard page",
              "description": "One self-contained HTML page (inline CSS, JavaScript and SVG; it loads nothing from elsewhere). It holds no data: it asks for the admin key (kept in the tab's session storage, or taken once from the URL fragment `#key=…`) and reads `GET /v1/admin/dashboard` every few seconds.",
              "security": [],
              "parameters": [{"$ref": "#/components/parameters/RequestID"}],
              "responses": {
                "200": {
                  "description": "The page.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"text/html": {"schema": {"type": "string"}}}
                }
              }
            }
          },
          "/v1/admin/dashboard": {
            "get": {
              "operationId": "getDashboard",
              "tags": ["admin"],
              "summary": "What the dashboard shows",
              "description": "Admin key only. Lanes with their configured and learned limits and what they run, the queue and its history over the last hour, spend by model and by tenant since `spend_since`, the most recent failed jobs (error code and message only) and the batches still in progress.",
              "parameters": [
                {
                  "name": "spend_hours",
                  "in": "query",
                  "required": false,
                  "description": "Spend covers the ledger rows of this many hours back.",
                  "schema": {"type": "integer", "minimum": 1, "maximum": 8784, "default": 24}
                },
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The snapshot.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dashboard"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/admin/tenants/{id}/keys/{key_id}": {
            "delete": {
              "operationId": "revokeAPIKey",
              "tags": ["admin"],
              "summary": "Revoke an API key",
              "description": "Admin key only. From the commit on, the key is refused (401). Revoking a revoked key keeps its first `revoked_at`.",
              "parameters": [
                {"$ref": "#/components/parameters/TenantID"},
                {
                  "name": "key_id",
                  "in": "path",
                  "required": true,
                  "description": "The key's id, `key_<n>`, from the key list.",
                  "schema": {"type": "string", "pattern": "^key_[1-9][0-9]{0,17}$", "examples": ["key_1"]}
                },
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The key, revoked.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/APIKeyRecord"}}}
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          }
        }
        """#

    /// The core paths fragment with the operator's `GET`s added to the two path items it shares with them
    /// (`/v1/admin/tenants` and `/v1/admin/tenants/{id}/keys`, whose `POST`s the core describes).
    static func withOperatorOperations(_ core: String) -> String {
        var text = core
        for (path, operation) in [
            ("/v1/admin/tenants", listTenantsOperation), ("/v1/admin/tenants/{id}/keys", listAPIKeysOperation),
        ] {
            let opening = "\"\(path)\": {"
            precondition(text.components(separatedBy: opening).count == 2, "the core paths must hold \(path) once")
            text = text.replacingOccurrences(of: opening, with: opening + operation + ",")
        }
        return text
    }

    /// `GET /v1/admin/tenants`: spliced into the core fragment's path item (which holds the `POST`), since fragments
    /// must not share a path.
    static let listTenantsOperation = #"""
                "get": {
                  "operationId": "listTenants",
                  "tags": ["admin"],
                  "summary": "List every tenant",
                  "description": "Admin key only. Sorted by id; one page.",
                  "parameters": [{"$ref": "#/components/parameters/RequestID"}],
                  "responses": {
                    "200": {
                      "description": "The tenants.",
                      "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TenantList"}}}
                    },
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "403": {"$ref": "#/components/responses/Forbidden"},
                    "500": {"$ref": "#/components/responses/ServerError"}
                  }
                }
        """#

    /// `GET /v1/admin/tenants/{id}/keys`, spliced like `listTenantsOperation`.
    static let listAPIKeysOperation = #"""
                "get": {
                  "operationId": "listAPIKeys",
                  "tags": ["admin"],
                  "summary": "List a tenant's API keys",
                  "description": "Admin key only. Oldest first, revoked ones included; ids and prefixes, never the keys.",
                  "parameters": [
                    {"$ref": "#/components/parameters/TenantID"},
                    {"$ref": "#/components/parameters/RequestID"}
                  ],
                  "responses": {
                    "200": {
                      "description": "The keys.",
                      "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/APIKeyList"}}}
                    },
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "403": {"$ref": "#/components/responses/Forbidden"},
                    "404": {"$ref": "#/components/responses/NotFound"},
                    "500": {"$ref": "#/components/responses/ServerError"}
                  }
                }
        """#

    static let operatorSchemas = #"""
        {
          "TenantList": {
            "type": "object",
            "required": ["object", "data", "first_id", "last_id", "has_more"],
            "properties": {
              "object": {"type": "string", "const": "list"},
              "data": {"type": "array", "items": {"$ref": "#/components/schemas/Tenant"}},
              "first_id": {"type": ["string", "null"]},
              "last_id": {"type": ["string", "null"]},
              "has_more": {"type": "boolean"}
            }
          },
          "APIKeyRecord": {
            "type": "object",
            "required": ["object", "id", "tenant", "prefix", "created_at", "revoked_at"],
            "properties": {
              "object": {"type": "string", "const": "api_key"},
              "id": {"type": "string", "description": "`key_<n>`."},
              "tenant": {"$ref": "#/components/schemas/TenantID"},
              "prefix": {"type": "string", "description": "The key's non-secret label: `sk-sluice-` and its first 8 hex."},
              "created_at": {"type": "integer"},
              "revoked_at": {"type": ["integer", "null"]}
            }
          },
          "APIKeyList": {
            "type": "object",
            "required": ["object", "data", "first_id", "last_id", "has_more"],
            "properties": {
              "object": {"type": "string", "const": "list"},
              "data": {"type": "array", "items": {"$ref": "#/components/schemas/APIKeyRecord"}},
              "first_id": {"type": ["string", "null"]},
              "last_id": {"type": ["string", "null"]},
              "has_more": {"type": "boolean"}
            }
          },
          "DashboardLane": {
            "type": "object",
            "required": [
              "provider", "kind", "rpm", "tpm", "max_concurrency", "running", "queued", "learned", "adaptive_window",
              "paused", "paused_ms"
            ],
            "properties": {
              "provider": {"type": "string"},
              "kind": {"type": ["string", "null"], "description": "The provider's wire format (openai, …)."},
              "rpm": {"type": ["integer", "null"], "description": "Configured requests per minute."},
              "tpm": {"type": ["integer", "null"], "description": "Configured tokens per minute."},
              "max_concurrency": {"type": "integer"},
              "running": {"type": "integer", "description": "Calls the lane runs now."},
              "queued": {"type": "integer", "description": "Jobs queued for the provider."},
              "learned": {
                "type": "array",
                "description": "Per-model limits the provider stated in its rate-limit headers.",
                "items": {
                  "type": "object",
                  "required": ["model", "rpm", "tpm"],
                  "properties": {
                    "model": {"type": "string"},
                    "rpm": {"type": ["integer", "null"]},
                    "tpm": {"type": ["integer", "null"]}
                  }
                }
              },
              "adaptive_window": {
                "type": ["integer", "null"],
                "description": "Calls allowed in flight while no limit is known; null once one is."
              },
              "paused": {"type": "boolean", "description": "Paused after a 429."},
              "paused_ms": {"type": ["integer", "null"], "description": "How long the pause still lasts."}
            }
          },
          "DashboardSample": {
            "type": "object",
            "required": ["time", "queued", "running", "finished", "interval_seconds"],
            "properties": {
              "time": {"type": "integer"},
              "queued": {"type": "integer"},
              "running": {"type": "integer"},
              "finished": {"type": "integer", "description": "Jobs that became final in the interval ending at `time`."},
              "interval_seconds": {"type": "integer"}
            }
          },
          "DashboardFailure": {
            "type": "object",
            "required": [
              "id", "tenant", "batch_id", "custom_id", "provider", "model", "attempts", "finished_at", "status_code",
              "code", "message"
            ],
            "properties": {
              "id": {"type": "string"},
              "tenant": {"type": "string"},
              "batch_id": {"type": ["string", "null"]},
              "custom_id": {"type": ["string", "null"]},
              "provider": {"type": "string"},
              "model": {"type": "string"},
              "attempts": {"type": "integer"},
              "finished_at": {"type": ["integer", "null"]},
              "status_code": {"type": ["integer", "null"], "description": "The provider's HTTP status, when it answered."},
              "code": {"type": ["string", "null"]},
              "message": {"type": ["string", "null"], "description": "The error message, at most 300 characters."}
            }
          },
          "DashboardBatch": {
            "type": "object",
            "required": [
              "id", "tenant", "status", "created_at", "expires_at", "total", "succeeded", "failed", "cancelled", "expired",
              "cost_micros", "cost_usd", "known_cost_micros", "unknown_cost_requests", "saved_micros"
            ],
            "properties": {
              "id": {"type": "string"},
              "tenant": {"type": "string"},
              "status": {"$ref": "#/components/schemas/BatchStatus"},
              "created_at": {"type": "integer"},
              "expires_at": {"type": "integer"},
              "total": {"type": "integer"},
              "succeeded": {"type": "integer"},
              "failed": {"type": "integer"},
              "cancelled": {"type": "integer"},
              "expired": {"type": "integer"},
              "cost_micros": {"$ref": "#/components/schemas/CostSummary/properties/cost_micros"},
              "cost_usd": {"$ref": "#/components/schemas/CostSummary/properties/cost_usd"},
              "known_cost_micros": {"$ref": "#/components/schemas/CostSummary/properties/known_cost_micros"},
              "unknown_cost_requests": {"$ref": "#/components/schemas/CostSummary/properties/unknown_cost_requests"},
              "saved_micros": {"$ref": "#/components/schemas/CostSummary/properties/saved_micros"}
            }
          },
          "Dashboard": {
            "type": "object",
            "required": [
              "object", "generated_at", "spend_since", "queue", "lanes", "history", "spend_by_model", "spend_by_tenant",
              "failures", "batches"
            ],
            "properties": {
              "object": {"type": "string", "const": "dashboard"},
              "generated_at": {"type": "integer"},
              "spend_since": {"type": "integer", "description": "Spend covers the ledger rows from this time on."},
              "queue": {
                "type": "object",
                "required": ["queued", "running"],
                "properties": {"queued": {"type": "integer"}, "running": {"type": "integer"}}
              },
              "lanes": {"type": "array", "items": {"$ref": "#/components/schemas/DashboardLane"}},
              "history": {
                "type": "array",
                "description": "One sample per minute of the last hour, oldest first, then one taken for this answer.",
                "items": {"$ref": "#/components/schemas/DashboardSample"}
              },
              "spend_by_model": {"type": "array", "items": {"$ref": "#/components/schemas/UsageRow"}},
              "spend_by_tenant": {"type": "array", "items": {"$ref": "#/components/schemas/UsageRow"}},
              "failures": {"type": "array", "items": {"$ref": "#/components/schemas/DashboardFailure"}},
              "batches": {"type": "array", "items": {"$ref": "#/components/schemas/DashboardBatch"}}
            }
          }
        }
        """#
}
