extension OpenAPIDocument {
    /// `/v1/webhooks/…`: endpoints, their delivery log and the one-off secret (see `WebhookRoutes`).
    static let webhookPaths = #"""
        {
          "/v1/webhooks/endpoints": {
            "post": {
              "operationId": "createWebhookEndpoint",
              "tags": ["webhooks"],
              "summary": "Register a webhook endpoint",
              "description": "Sluice POSTs the tenant's events to `url`, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the endpoint's `whsec_` secret, in OpenAI's event shape `{id, object: \"event\", type, created_at, data: {id}}`: `job.completed` and `job.failed` for jobs outside batches, `batch.completed`, `batch.failed`, `batch.expired`, `batch.cancelled`. The answer carries the `secret`, shown only here and on rotate. The URL must pass the server's outbound URL check (no loopback, private, link-local or metadata address unless the operator allows it): a refused URL is a 400 `invalid_webhook_url`. A repeat with the same `Idempotency-Key` returns the original endpoint; the same key with another body is a 422.",
              "parameters": [
                {"$ref": "#/components/parameters/IdempotencyKey"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "requestBody": {
                "required": true,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEndpointRequest"}}}
              },
              "responses": {
                "200": {
                  "description": "The endpoint, committed, with its secret.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEndpointWithSecret"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "413": {"$ref": "#/components/responses/ContentTooLarge"},
                "422": {
                  "description": "`invalid_request_error` (`idempotency_key_reused`): the `Idempotency-Key` was used with another request. Sent with `x-should-retry: false`.",
                  "headers": {
                    "x-request-id": {"$ref": "#/components/headers/RequestID"},
                    "x-should-retry": {"schema": {"type": "string", "const": "false"}}
                  },
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
                },
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            },
            "get": {
              "operationId": "listWebhookEndpoints",
              "tags": ["webhooks"],
              "summary": "List webhook endpoints",
              "description": "The caller's endpoints (without secrets), newest first, in OpenAI's list shape.",
              "parameters": [
                {
                  "name": "after",
                  "in": "query",
                  "required": false,
                  "description": "Cursor: the endpoints older than this one. Empty is absent.",
                  "schema": {"type": "string", "pattern": "^(whep_[1-9][0-9]{0,17})?$"}
                },
                {"$ref": "#/components/parameters/Limit"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "A page of endpoints.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEndpointList"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/webhooks/endpoints/{id}": {
            "get": {
              "operationId": "getWebhookEndpoint",
              "tags": ["webhooks"],
              "summary": "Read a webhook endpoint",
              "description": "The endpoint without its secret. `status` is `disabled` once a receiver answered 410 Gone.",
              "parameters": [
                {"$ref": "#/components/parameters/WebhookEndpointID"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The endpoint.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEndpoint"}}}
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            },
            "delete": {
              "operationId": "deleteWebhookEndpoint",
              "tags": ["webhooks"],
              "summary": "Delete a webhook endpoint",
              "description": "Any or no body. The endpoint stops receiving events; its pending deliveries are dropped.",
              "parameters": [
                {"$ref": "#/components/parameters/WebhookEndpointID"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "Deleted.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEndpointDeleted"}}}
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/webhooks/endpoints/{id}/rotate_secret": {
            "post": {
              "operationId": "rotateWebhookEndpointSecret",
              "tags": ["webhooks"],
              "summary": "Rotate an endpoint's secret",
              "description": "Any or no body. A new `whsec_` secret signs from now on; for 24 hours (`previous_secret_expires_at`) every delivery also carries a signature with the previous secret, so receivers can switch without losing events.",
              "parameters": [
                {"$ref": "#/components/parameters/WebhookEndpointID"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The endpoint with its new secret.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEndpointWithSecret"}}}
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/webhooks/endpoints/{id}/deliveries": {
            "get": {
              "operationId": "listWebhookDeliveries",
              "tags": ["webhooks"],
              "summary": "The endpoint's delivery log",
              "description": "One entry per event sent (or to be sent) to the endpoint, newest first: its state, attempts, last status and next attempt. Response bodies are never stored; `last_error` is a short description.",
              "parameters": [
                {"$ref": "#/components/parameters/WebhookEndpointID"},
                {
                  "name": "after",
                  "in": "query",
                  "required": false,
                  "description": "Cursor: the deliveries older than this one. Empty is absent.",
                  "schema": {"type": "string", "pattern": "^(whdel_[1-9][0-9]{0,17})?$"}
                },
                {"$ref": "#/components/parameters/Limit"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "A page of deliveries.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookDeliveryList"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/webhooks/secret": {
            "get": {
              "operationId": "getOneOffWebhookSecret",
              "tags": ["webhooks"],
              "summary": "The secret of one-off job webhooks",
              "description": "The tenant's `whsec_` secret that signs deliveries to the `webhook_url` a job names on `POST /v1/jobs` (created on first use).",
              "parameters": [{"$ref": "#/components/parameters/RequestID"}],
              "responses": {
                "200": {
                  "description": "The secret.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookSecret"}}}
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/webhooks/secret/rotate": {
            "post": {
              "operationId": "rotateOneOffWebhookSecret",
              "tags": ["webhooks"],
              "summary": "Rotate the secret of one-off job webhooks",
              "description": "Any or no body. The previous secret keeps signing (as a second signature) for 24 hours.",
              "parameters": [{"$ref": "#/components/parameters/RequestID"}],
              "responses": {
                "200": {
                  "description": "The new secret.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookSecret"}}}
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          }
        }
        """#

    /// The webhook objects.
    static let webhookSchemas = #"""
        {
          "WebhookEventType": {
            "type": "string",
            "enum": ["job.completed", "job.failed", "batch.completed", "batch.failed", "batch.expired", "batch.cancelled"]
          },
          "WebhookEndpointRequest": {
            "type": "object",
            "required": ["url"],
            "properties": {
              "url": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#@ ]+",
                "description": "An absolute http or https URL with a host and no credentials; it must pass the server's outbound URL check."
              },
              "events": {
                "type": ["array", "null"],
                "description": "The event types to send; absent or null for every type.",
                "minItems": 1,
                "items": {"$ref": "#/components/schemas/WebhookEventType"}
              },
              "description": {"type": ["string", "null"], "maxLength": 512}
            },
            "additionalProperties": true
          },
          "WebhookEndpoint": {
            "type": "object",
            "required": ["id", "object", "url", "events", "description", "status", "disabled_reason", "created_at",
              "disabled_at", "previous_secret_expires_at"],
            "properties": {
              "id": {"type": "string", "pattern": "^whep_[1-9][0-9]*$"},
              "object": {"type": "string", "const": "webhook_endpoint"},
              "url": {"type": "string"},
              "events": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/WebhookEventType"}},
              "description": {"type": ["string", "null"]},
              "status": {"type": "string", "enum": ["enabled", "disabled"]},
              "disabled_reason": {"type": ["string", "null"], "description": "`gone`: a receiver answered 410."},
              "created_at": {"type": "integer"},
              "disabled_at": {"type": ["integer", "null"]},
              "previous_secret_expires_at": {
                "type": ["integer", "null"],
                "description": "Until when the rotated-out secret still signs (as a second signature)."
              }
            }
          },
          "WebhookEndpointWithSecret": {
            "type": "object",
            "required": ["id", "object", "url", "events", "description", "status", "disabled_reason", "created_at",
              "disabled_at", "previous_secret_expires_at", "secret"],
            "properties": {
              "id": {"type": "string", "pattern": "^whep_[1-9][0-9]*$"},
              "object": {"type": "string", "const": "webhook_endpoint"},
              "url": {"type": "string"},
              "events": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/WebhookEventType"}},
              "description": {"type": ["string", "null"]},
              "status": {"type": "string", "enum": ["enabled", "disabled"]},
              "disabled_reason": {"type": ["string", "null"]},
              "created_at": {"type": "integer"},
              "disabled_at": {"type": ["integer", "null"]},
              "previous_secret_expires_at": {"type": ["integer", "null"]},
              "secret": {
                "type": "string",
                "pattern": "^whsec_[A-Za-z0-9+/=]+$",
                "description": "`whsec_` + base64 of 32 random bytes; verify with `standardwebhooks` or OpenAI's `client.webhooks.unwrap`."
              }
            }
          },
          "WebhookEndpointList": {
            "type": "object",
            "required": ["object", "data", "first_id", "last_id", "has_more"],
            "properties": {
              "object": {"type": "string", "const": "list"},
              "data": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookEndpoint"}},
              "first_id": {"type": ["string", "null"]},
              "last_id": {"type": ["string", "null"]},
              "has_more": {"type": "boolean"}
            }
          },
          "WebhookEndpointDeleted": {
            "type": "object",
            "required": ["id", "object", "deleted"],
            "properties": {
              "id": {"type": "string"},
              "object": {"type": "string", "const": "webhook_endpoint.deleted"},
              "deleted": {"type": "boolean", "const": true}
            }
          },
          "WebhookDelivery": {
            "type": "object",
            "required": ["id", "object", "event_id", "event_type", "subject", "status", "attempts", "last_status_code",
              "last_error", "next_attempt_at", "delivered_at", "created_at"],
            "properties": {
              "id": {"type": "string", "pattern": "^whdel_[1-9][0-9]*$"},
              "object": {"type": "string", "const": "webhook_delivery"},
              "event_id": {"type": "string", "description": "The event's id, sent as `webhook-id` (stable across retries)."},
              "event_type": {"$ref": "#/components/schemas/WebhookEventType"},
              "subject": {"type": "string", "description": "The job or batch the event is about (`data.id`)."},
              "status": {"type": "string", "enum": ["pending", "delivering", "delivered", "failed"]},
              "attempts": {"type": "integer", "minimum": 0},
              "last_status_code": {"type": ["integer", "null"]},
              "last_error": {"type": ["string", "null"]},
              "next_attempt_at": {"type": ["integer", "null"], "description": "When a pending delivery is tried next."},
              "delivered_at": {"type": ["integer", "null"]},
              "created_at": {"type": "integer"}
            }
          },
          "WebhookDeliveryList": {
            "type": "object",
            "required": ["object", "data", "first_id", "last_id", "has_more"],
            "properties": {
              "object": {"type": "string", "const": "list"},
              "data": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookDelivery"}},
              "first_id": {"type": ["string", "null"]},
              "last_id": {"type": ["string", "null"]},
              "has_more": {"type": "boolean"}
            }
          },
          "WebhookSecret": {
            "type": "object",
            "required": ["object", "secret"],
            "properties": {
              "object": {"type": "string", "const": "webhook_secret"},
              "secret": {"type": "string", "pattern": "^whsec_[A-Za-z0-9+/=]+$"}
            }
          }
        }
        """#
}
