extension OpenAPIDocument {
    /// The `paths` of the service, job, batch, usage and admin routes (merged into the document by `paths`).
    static let corePaths = #"""
        {
          "/healthz": {
            "get": {
              "operationId": "getHealth",
              "tags": ["service"],
              "summary": "Liveness",
              "security": [],
              "parameters": [{"$ref": "#/components/parameters/RequestID"}],
              "responses": {
                "200": {
                  "description": "The server is up.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
                }
              }
            }
          },
          "/openapi.json": {
            "get": {
              "operationId": "getOpenAPIDocument",
              "tags": ["service"],
              "summary": "This document",
              "security": [],
              "parameters": [{"$ref": "#/components/parameters/RequestID"}],
              "responses": {
                "200": {
                  "description": "The OpenAPI 3.1 description of every route the server serves.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"type": "object", "required": ["openapi", "paths"]}}}
                }
              }
            }
          },
          "/v1/jobs": {
            "post": {
              "operationId": "createJob",
              "tags": ["jobs"],
              "summary": "Submit one job",
              "description": "One OpenAI batch input line plus Sluice's options (`priority`, `metadata`, `max_attempts`, `cache`) and an optional `completion_window`, which sets the job's deadline. The line is validated, then committed; the 202 is sent after the commit. A repeat with the same `Idempotency-Key` returns the original job.",
              "parameters": [
                {"$ref": "#/components/parameters/IdempotencyKey"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "requestBody": {
                "required": true,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobRequest"}}}
              },
              "responses": {
                "202": {
                  "description": "The job, committed and queued.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "413": {"$ref": "#/components/responses/ContentTooLarge"},
                "422": {"$ref": "#/components/responses/IdempotencyKeyReused"},
                "429": {"$ref": "#/components/responses/QuotaExceeded"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            },
            "get": {
              "operationId": "listJobs",
              "tags": ["jobs"],
              "summary": "List jobs",
              "description": "The caller's jobs, newest first, in OpenAI's list shape. The next page is `after=<id of the last item>`; `has_more` is always present.",
              "parameters": [
                {"$ref": "#/components/parameters/JobStatus"},
                {"$ref": "#/components/parameters/BatchIDQuery"},
                {"$ref": "#/components/parameters/AfterJob"},
                {"$ref": "#/components/parameters/Limit"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "A page of jobs.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobList"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/jobs/{id}": {
            "get": {
              "operationId": "getJob",
              "tags": ["jobs"],
              "summary": "Read a job, optionally long-polling",
              "description": "With `wait`, the answer comes when the job is final or when the wait ends, whichever is first.",
              "parameters": [
                {"$ref": "#/components/parameters/JobID"},
                {"$ref": "#/components/parameters/Wait"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The job.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/jobs/{id}/cancel": {
            "post": {
              "operationId": "cancelJob",
              "tags": ["jobs"],
              "summary": "Cancel a job",
              "description": "Any or no body. A queued job is cancelled at once; a running one is asked to abort its upstream call. Cancelling a final job is a 400 `job_not_cancellable`.",
              "parameters": [
                {"$ref": "#/components/parameters/JobID"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The job after the cancel request.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/batches": {
            "post": {
              "operationId": "createBatch",
              "tags": ["batches"],
              "summary": "Submit a batch",
              "description": "Three forms. OpenAI's (`application/json` with `input_file_id`, the id of an uploaded file of purpose `batch`): the batch is stored `validating` and answered with 200; the server then reads the file and either starts the batch (`in_progress`) or fails it (`failed`, every bad line in `errors`). Or an inline JSON document (`application/json` with `requests`) or a JSONL body with one request line per line (`application/jsonl` or `application/x-ndjson`; a body sent under another content type is read as JSONL when its first line is a request line): every line is validated before anything is stored, one bad line rejects the whole request with a 400 naming the line, and the 202 is sent after the batch and all its jobs are committed. All lines must use the same `url` (the batch's `endpoint`), and `custom_id`s must be unique. A repeat with the same `Idempotency-Key` returns the original batch; the same key with a different body is a 422.",
              "parameters": [
                {"$ref": "#/components/parameters/CompletionWindowQuery"},
                {"$ref": "#/components/parameters/IdempotencyKey"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "requestBody": {
                "required": true,
                "content": {
                  "application/json": {
                    "schema": {
                      "oneOf": [
                        {"$ref": "#/components/schemas/FileBatchRequest"},
                        {"$ref": "#/components/schemas/InlineBatchRequest"}
                      ]
                    }
                  },
                  "application/jsonl": {
                    "schema": {"type": "string", "description": "One JobLine per line; blank lines are skipped."},
                    "x-line-schema": {"$ref": "#/components/schemas/JobLine"}
                  },
                  "application/x-ndjson": {
                    "schema": {"type": "string", "description": "One JobLine per line; blank lines are skipped."},
                    "x-line-schema": {"$ref": "#/components/schemas/JobLine"}
                  }
                }
              },
              "responses": {
                "200": {
                  "description": "OpenAI's form: the batch, committed, `validating`.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}}
                },
                "202": {
                  "description": "Inline or JSONL: the batch and all its jobs, committed, in OpenAI's batch shape.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "413": {"$ref": "#/components/responses/ContentTooLarge"},
                "422": {"$ref": "#/components/responses/IdempotencyKeyReused"},
                "429": {"$ref": "#/components/responses/QuotaExceeded"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            },
            "get": {
              "operationId": "listBatches",
              "tags": ["batches"],
              "summary": "List batches",
              "description": "The caller's batches, newest first, in OpenAI's list shape. The next page is `after=<id of the last item>`; `has_more` is always present.",
              "parameters": [
                {"$ref": "#/components/parameters/AfterBatch"},
                {"$ref": "#/components/parameters/Limit"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "A page of batches.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchList"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/batches/{id}": {
            "get": {
              "operationId": "getBatch",
              "tags": ["batches"],
              "summary": "Read a batch",
              "description": "With `wait`, a long-poll: answers as soon as the batch is final (`completed`, `failed`, `expired`, `cancelled`) or when the wait ends, with the batch as it is then.",
              "parameters": [
                {"$ref": "#/components/parameters/BatchID"},
                {"$ref": "#/components/parameters/Wait"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The batch.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/batches/{id}/cancel": {
            "post": {
              "operationId": "cancelBatch",
              "tags": ["batches"],
              "summary": "Cancel a batch",
              "description": "Any or no body. A `validating` batch is cancelled at once. Otherwise queued jobs are cancelled at once, running ones are asked to stop, and the batch is `cancelling` until they settle; it then gets its output and error files (the cancelled lines are in the error file) and ends `cancelled`. Cancelling a final batch is a 400 `batch_not_cancellable` (never 409, which the OpenAI SDK retries).",
              "parameters": [
                {"$ref": "#/components/parameters/BatchID"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The batch after the cancel request.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/batches/{id}/retry": {
            "post": {
              "operationId": "retryBatch",
              "tags": ["batches"],
              "summary": "Re-run a batch's failed and expired lines",
              "description": "Any or no body. A new batch, linked to this one by `retry_of`, with a copy of each failed or expired line of this finished batch, queued afresh with this batch's completion window. 400 `batch_not_final` while the batch runs, 400 `nothing_to_retry` when no line failed or expired. A repeat with the same `Idempotency-Key` returns the batch made the first time.",
              "parameters": [
                {"$ref": "#/components/parameters/BatchID"},
                {"$ref": "#/components/parameters/IdempotencyKey"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The new batch, committed with its jobs.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "422": {"$ref": "#/components/responses/IdempotencyKeyReused"},
                "429": {"$ref": "#/components/responses/QuotaExceeded"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/batches/{id}/results": {
            "get": {
              "operationId": "getBatchResults",
              "tags": ["batches"],
              "summary": "Stream a batch's results",
              "description": "The final jobs so far, one OpenAI batch output line each (`ResultLine`), streamed; works while the batch runs (the lines finished so far). Lines are not in request order: match them by `custom_id`. Each `custom_id` appears once.",
              "parameters": [
                {"$ref": "#/components/parameters/BatchID"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "JSONL, one ResultLine per line, each ending with a newline.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {
                    "application/jsonl": {
                      "schema": {"type": "string"},
                      "x-line-schema": {"$ref": "#/components/schemas/ResultLine"}
                    }
                  }
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/usage": {
            "get": {
              "operationId": "getUsage",
              "tags": ["usage"],
              "summary": "Usage and cost, summed and grouped",
              "description": "What the cost ledger recorded (one row per billed upstream answer or cache hit), summed over the time range and grouped by `group_by`; no `group_by` gives one total row. A tenant key sees its own tenant; the admin key sees every tenant, or the one named by `tenant`.",
              "parameters": [
                {"$ref": "#/components/parameters/StartTime"},
                {"$ref": "#/components/parameters/EndTime"},
                {"$ref": "#/components/parameters/GroupBy"},
                {"$ref": "#/components/parameters/UsageTenant"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The groups.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UsageList"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/admin/tenants": {
            "post": {
              "operationId": "createTenant",
              "tags": ["admin"],
              "summary": "Create a tenant",
              "description": "Admin key only. 201 when created, 200 when the tenant already existed.",
              "parameters": [{"$ref": "#/components/parameters/RequestID"}],
              "requestBody": {
                "required": true,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateTenantRequest"}}}
              },
              "responses": {
                "200": {
                  "description": "The tenant already existed.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tenant"}}}
                },
                "201": {
                  "description": "The tenant was created.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tenant"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "413": {"$ref": "#/components/responses/ContentTooLarge"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/admin/tenants/{id}/quotas": {
            "get": {
              "operationId": "getTenantQuotas",
              "tags": ["admin"],
              "summary": "Read a tenant's quotas and usage",
              "description": "Admin key only. The limits and, per quota, what its current UTC window recorded, what calls in flight reserved, what remains and when it resets.",
              "parameters": [
                {"$ref": "#/components/parameters/TenantID"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "200": {
                  "description": "The tenant's quotas.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TenantQuotas"}}}
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            },
            "put": {
              "operationId": "updateTenantQuotas",
              "tags": ["admin"],
              "summary": "Set or remove a tenant's quotas",
              "description": "Admin key only. Sets the quotas named (`null` removes one); the others stay. Takes effect at once for new admissions and submissions; the tenant's jobs waiting for a quota window become runnable and are checked again. Unknown quota names (`unknown_quota`) and bad values (`invalid_quota`) are a 400 naming the key.",
              "parameters": [
                {"$ref": "#/components/parameters/TenantID"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "requestBody": {
                "required": true,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TenantQuotasUpdate"}}}
              },
              "responses": {
                "200": {
                  "description": "The tenant's quotas after the update.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TenantQuotas"}}}
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "413": {"$ref": "#/components/responses/ContentTooLarge"},
                "500": {"$ref": "#/components/responses/ServerError"}
              }
            }
          },
          "/v1/admin/tenants/{id}/keys": {
            "post": {
              "operationId": "createAPIKey",
              "tags": ["admin"],
              "summary": "Create an API key for a tenant",
              "description": "Admin key only; no body. The key is returned once; only its SHA-256 is stored.",
              "parameters": [
                {"$ref": "#/components/parameters/TenantID"},
                {"$ref": "#/components/parameters/RequestID"}
              ],
              "responses": {
                "201": {
                  "description": "The new key.",
                  "headers": {"x-request-id": {"$ref": "#/components/headers/RequestID"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/APIKey"}}}
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
}
