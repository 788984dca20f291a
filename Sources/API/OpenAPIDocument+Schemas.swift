extension OpenAPIDocument {
    /// The `components.schemas` object: request bodies, the job and batch objects, lists, result lines, errors.
    static let coreSchemas = #"""
        {
          "Error": {
            "type": "object",
            "description": "OpenAI's error document.",
            "required": ["error"],
            "properties": {
              "error": {
                "type": "object",
                "required": ["message", "type", "param", "code"],
                "properties": {
                  "message": {"type": "string"},
                  "type": {
                    "type": "string",
                    "enum": [
                      "invalid_request_error",
                      "authentication_error",
                      "permission_error",
                      "not_found_error",
                      "rate_limit_error",
                      "quota_exceeded",
                      "server_error"
                    ]
                  },
                  "param": {"type": ["string", "null"]},
                  "code": {"type": ["string", "null"]}
                }
              }
            }
          },
          "Health": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"type": "string", "const": "ok"}}
          },
          "CompletionWindow": {
            "type": "string",
            "description": "A positive count and a unit, `m`, `h` or `d` (`30m`, `24h`, `7d`), from one minute to 30 days. Default `24h`.",
            "pattern": "^[1-9][0-9]{0,6}[mhd]$",
            "examples": ["24h"]
          },
          "Metadata": {
            "type": ["object", "null"],
            "description": "OpenAI's metadata rules: at most 16 string values, keys up to 64 and values up to 512 characters.",
            "maxProperties": 16,
            "propertyNames": {"maxLength": 64},
            "additionalProperties": {"type": "string", "maxLength": 512}
          },
          "CustomID": {
            "type": "string",
            "description": "The client's id for the line, 1 to 512 UTF-8 bytes; unique within a batch.",
            "minLength": 1,
            "maxLength": 512
          },
          "Priority": {
            "type": "integer",
            "description": "Higher runs first. Default 0.",
            "minimum": -1000000,
            "maximum": 1000000
          },
          "MaxAttempts": {
            "type": "integer",
            "description": "Upstream attempts before the job fails (429s and shutdown hand-backs do not count). Default: the server's `max_attempts`, 5.",
            "minimum": 1,
            "maximum": 100
          },
          "CacheControl": {
            "type": "string",
            "description": "How the job uses Sluice's response cache. Absent: embeddings and temperature-0 chat are answered from the cache when an identical request was answered before (per tenant, within the TTL) and share the call of an identical request in flight; sampled chat is not cached. `use`: cache whatever the sampling settings; `bypass`: never look up, store or share; `refresh`: skip the lookup but store the new answer. A cache hit costs nothing and records what it saved (`saved_micros`).",
            "enum": ["use", "bypass", "refresh"]
          },
          "Model": {
            "type": "string",
            "description": "A model served by a configured provider, or `provider/model` to pick one explicitly (the body is forwarded with the bare model name). An unknown model is a 400 `model_not_found`.",
            "minLength": 1,
            "examples": ["mock-chat"]
          },
          "ChatCompletionBody": {
            "type": "object",
            "description": "An OpenAI chat completions request, forwarded byte for byte (only a `provider/model` name is rewritten).",
            "required": ["model", "messages"],
            "properties": {
              "model": {"$ref": "#/components/schemas/Model"},
              "messages": {"type": "array", "minItems": 1, "items": {"type": "object"}}
            }
          },
          "EmbeddingBody": {
            "type": "object",
            "description": "An OpenAI embeddings request, forwarded byte for byte (only a `provider/model` name is rewritten).",
            "required": ["model", "input"],
            "properties": {
              "model": {"$ref": "#/components/schemas/Model"},
              "input": {"type": ["string", "array"], "description": "A string, or an array of strings or token arrays."}
            }
          },
          "ChatJobLine": {
            "type": "object",
            "required": ["url", "body"],
            "properties": {
              "custom_id": {"$ref": "#/components/schemas/CustomID"},
              "method": {"type": "string", "const": "POST"},
              "url": {"type": "string", "const": "/v1/chat/completions"},
              "body": {"$ref": "#/components/schemas/ChatCompletionBody"},
              "priority": {"$ref": "#/components/schemas/Priority"},
              "metadata": {"$ref": "#/components/schemas/Metadata"},
              "max_attempts": {"$ref": "#/components/schemas/MaxAttempts"},
              "cache": {"$ref": "#/components/schemas/CacheControl"}
            }
          },
          "EmbeddingJobLine": {
            "type": "object",
            "required": ["url", "body"],
            "properties": {
              "custom_id": {"$ref": "#/components/schemas/CustomID"},
              "method": {"type": "string", "const": "POST"},
              "url": {"type": "string", "const": "/v1/embeddings"},
              "body": {"$ref": "#/components/schemas/EmbeddingBody"},
              "priority": {"$ref": "#/components/schemas/Priority"},
              "metadata": {"$ref": "#/components/schemas/Metadata"},
              "max_attempts": {"$ref": "#/components/schemas/MaxAttempts"},
              "cache": {"$ref": "#/components/schemas/CacheControl"}
            }
          },
          "JobLine": {
            "description": "An OpenAI batch input line plus Sluice's options. Unknown members are ignored; `null` counts as absent.",
            "oneOf": [
              {"$ref": "#/components/schemas/ChatJobLine"},
              {"$ref": "#/components/schemas/EmbeddingJobLine"}
            ]
          },
          "JobRequest": {
            "description": "The body of `POST /v1/jobs`: a JobLine, plus an optional `completion_window` that sets the job's deadline and an optional one-off `webhook_url`.",
            "allOf": [
              {"$ref": "#/components/schemas/JobLine"},
              {
                "type": "object",
                "properties": {
                  "completion_window": {"$ref": "#/components/schemas/CompletionWindow"},
                  "webhook_url": {
                    "type": ["string", "null"],
                    "description": "A one-off webhook for this job: its `job.completed` or `job.failed` event is POSTed there, signed with the tenant's one-off secret (`GET /v1/webhooks/secret`). Checked like an endpoint URL (a refused URL is a 400 `invalid_webhook_url`)."
                  }
                }
              }
            ]
          },
          "InlineBatchRequest": {
            "type": "object",
            "description": "A batch as one JSON document.",
            "required": ["requests"],
            "properties": {
              "requests": {
                "type": "array",
                "description": "The lines; all with the same `url`, `custom_id`s unique. At most the server's `max_batch_requests` (50,000 by default).",
                "minItems": 1,
                "maxItems": 50000,
                "items": {"$ref": "#/components/schemas/JobLine"}
              },
              "endpoint": {
                "type": "string",
                "description": "When given, every line's `url` must equal it.",
                "enum": ["/v1/chat/completions", "/v1/embeddings"]
              },
              "metadata": {"$ref": "#/components/schemas/Metadata"},
              "completion_window": {"$ref": "#/components/schemas/CompletionWindow"}
            }
          },
          "JobStatus": {
            "type": "string",
            "description": "`queued` covers scheduled and waiting-to-retry; `running` is leased by a worker; the other four are final.",
            "enum": ["queued", "running", "succeeded", "failed", "cancelled", "expired"]
          },
          "UpstreamResponse": {
            "type": "object",
            "description": "The upstream answer kept with a job.",
            "required": ["status_code", "request_id", "body"],
            "properties": {
              "status_code": {"type": "integer"},
              "request_id": {"type": ["string", "null"], "description": "The provider's request id, when it sent one."},
              "body": {"description": "The upstream body: its JSON when it is JSON, else a string."}
            }
          },
          "Failure": {
            "type": "object",
            "description": "Why a job did not end with a 2xx answer.",
            "required": ["code", "message"],
            "properties": {
              "code": {"type": "string"},
              "message": {"type": "string"}
            }
          },
          "JobUsage": {
            "type": "object",
            "description": "Token usage of the upstream answer (OpenAI's names).",
            "required": ["prompt_tokens", "completion_tokens", "total_tokens"],
            "properties": {
              "prompt_tokens": {"type": "integer"},
              "completion_tokens": {"type": "integer"},
              "total_tokens": {"type": "integer"},
              "prompt_tokens_details": {
                "type": "object",
                "description": "Present when some prompt tokens were cached.",
                "required": ["cached_tokens"],
                "properties": {"cached_tokens": {"type": "integer"}}
              }
            }
          },
          "Job": {
            "type": "object",
            "description": "Sluice's job object, with what its billed attempts cost (see CostSummary).",
            "required": [
              "id", "object", "status", "custom_id", "batch_id", "model", "provider", "url", "priority", "metadata",
              "attempts", "max_attempts", "created_at", "started_at", "finished_at", "expires_at", "response", "error",
              "usage", "cost_micros", "cost_usd", "known_cost_micros", "unknown_cost_requests", "saved_micros"
            ],
            "properties": {
              "id": {"type": "string", "examples": ["job_1"]},
              "object": {"type": "string", "const": "job"},
              "status": {"$ref": "#/components/schemas/JobStatus"},
              "custom_id": {"type": ["string", "null"]},
              "batch_id": {"type": ["string", "null"]},
              "model": {"type": "string", "description": "The model sent upstream (without a `provider/` prefix)."},
              "provider": {"type": "string", "description": "The configured provider the job is routed to."},
              "url": {"type": "string", "enum": ["/v1/chat/completions", "/v1/embeddings"]},
              "priority": {"type": "integer"},
              "metadata": {"$ref": "#/components/schemas/Metadata"},
              "attempts": {"type": "integer", "description": "Upstream attempts started so far."},
              "max_attempts": {"type": "integer"},
              "created_at": {"type": "integer"},
              "started_at": {"type": ["integer", "null"]},
              "finished_at": {"type": ["integer", "null"]},
              "expires_at": {"type": ["integer", "null"], "description": "The deadline: a batch's or a job's window."},
              "response": {"oneOf": [{"$ref": "#/components/schemas/UpstreamResponse"}, {"type": "null"}]},
              "error": {"oneOf": [{"$ref": "#/components/schemas/Failure"}, {"type": "null"}]},
              "usage": {"oneOf": [{"$ref": "#/components/schemas/JobUsage"}, {"type": "null"}]},
              "cost_micros": {"$ref": "#/components/schemas/CostSummary/properties/cost_micros"},
              "cost_usd": {"$ref": "#/components/schemas/CostSummary/properties/cost_usd"},
              "known_cost_micros": {"$ref": "#/components/schemas/CostSummary/properties/known_cost_micros"},
              "unknown_cost_requests": {"$ref": "#/components/schemas/CostSummary/properties/unknown_cost_requests"},
              "saved_micros": {"$ref": "#/components/schemas/CostSummary/properties/saved_micros"}
            }
          },
          "JobList": {
            "type": "object",
            "required": ["object", "data", "first_id", "last_id", "has_more"],
            "properties": {
              "object": {"type": "string", "const": "list"},
              "data": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}},
              "first_id": {"type": ["string", "null"]},
              "last_id": {"type": ["string", "null"]},
              "has_more": {"type": "boolean"}
            }
          },
          "BatchStatus": {
            "type": "string",
            "description": "OpenAI's batch statuses; `completed`, `failed`, `expired` and `cancelled` are final.",
            "enum": ["validating", "failed", "in_progress", "finalizing", "completed", "expired", "cancelling", "cancelled"]
          },
          "BatchUsage": {
            "type": "object",
            "description": "Token totals of the batch's answers, in OpenAI's batch usage shape.",
            "required": ["input_tokens", "input_tokens_details", "output_tokens", "output_tokens_details", "total_tokens"],
            "properties": {
              "input_tokens": {"type": "integer"},
              "input_tokens_details": {
                "type": "object",
                "required": ["cached_tokens"],
                "properties": {"cached_tokens": {"type": "integer"}}
              },
              "output_tokens": {"type": "integer"},
              "output_tokens_details": {
                "type": "object",
                "required": ["reasoning_tokens"],
                "properties": {"reasoning_tokens": {"type": "integer"}}
              },
              "total_tokens": {"type": "integer"}
            }
          },
          "Batch": {
            "type": "object",
            "description": "OpenAI's batch object, plus `results_url`, `retry_of` and what its jobs cost (see CostSummary). A batch made from an uploaded file (`input_file_id`) starts `validating`; every batch passes `finalizing` (its output and error files are written) before its final status.",
            "required": [
              "id", "object", "endpoint", "errors", "input_file_id", "completion_window", "status", "output_file_id",
              "error_file_id", "created_at", "in_progress_at", "expires_at", "finalizing_at", "completed_at",
              "failed_at", "expired_at", "cancelling_at", "cancelled_at", "request_counts", "metadata", "usage",
              "results_url", "retry_of", "cost_micros", "cost_usd", "known_cost_micros", "unknown_cost_requests",
              "saved_micros"
            ],
            "properties": {
              "id": {"type": "string", "examples": ["batch_1"]},
              "object": {"type": "string", "const": "batch"},
              "endpoint": {"type": "string", "enum": ["/v1/chat/completions", "/v1/embeddings"]},
              "errors": {"oneOf": [{"$ref": "#/components/schemas/BatchErrors"}, {"type": "null"}]},
              "input_file_id": {"type": ["string", "null"], "description": "The uploaded input file (`file-<n>`); null for a batch submitted inline or as a JSONL body."},
              "completion_window": {"type": "string", "description": "As the client wrote it, e.g. `24h`."},
              "status": {"$ref": "#/components/schemas/BatchStatus"},
              "output_file_id": {"type": ["string", "null"], "description": "Set when the batch is final: the successes' lines (purpose `batch_output`); null when there were none."},
              "error_file_id": {"type": ["string", "null"], "description": "Set when the batch is final: the failed, expired and cancelled lines (purpose `batch_output`); null when there were none."},
              "created_at": {"type": "integer"},
              "in_progress_at": {"type": ["integer", "null"]},
              "expires_at": {"type": "integer"},
              "finalizing_at": {"type": ["integer", "null"]},
              "completed_at": {"type": ["integer", "null"]},
              "failed_at": {"type": ["integer", "null"]},
              "expired_at": {"type": ["integer", "null"]},
              "cancelling_at": {"type": ["integer", "null"]},
              "cancelled_at": {"type": ["integer", "null"]},
              "request_counts": {
                "type": "object",
                "description": "`failed` counts failed, expired and cancelled jobs.",
                "required": ["total", "completed", "failed"],
                "properties": {
                  "total": {"type": "integer"},
                  "completed": {"type": "integer"},
                  "failed": {"type": "integer"}
                }
              },
              "metadata": {"$ref": "#/components/schemas/Metadata"},
              "usage": {"oneOf": [{"$ref": "#/components/schemas/BatchUsage"}, {"type": "null"}]},
              "results_url": {"type": "string", "description": "Where the results stream: `/v1/batches/{id}/results`."},
              "retry_of": {"type": ["string", "null"], "description": "Sluice extension: the batch whose failed and expired lines this one re-runs (`POST /v1/batches/{id}/retry`)."},
              "cost_micros": {"$ref": "#/components/schemas/CostSummary/properties/cost_micros"},
              "cost_usd": {"$ref": "#/components/schemas/CostSummary/properties/cost_usd"},
              "known_cost_micros": {"$ref": "#/components/schemas/CostSummary/properties/known_cost_micros"},
              "unknown_cost_requests": {"$ref": "#/components/schemas/CostSummary/properties/unknown_cost_requests"},
              "saved_micros": {"$ref": "#/components/schemas/CostSummary/properties/saved_micros"}
            }
          },
          "BatchErrors": {
            "type": "object",
            "description": "OpenAI's `errors` of a batch whose input file failed validation (status `failed`): up to 100 line errors.",
            "required": ["object", "data"],
            "properties": {
              "object": {"type": "string", "const": "list"},
              "data": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": ["code", "message", "param", "line"],
                  "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "param": {"type": ["string", "null"], "description": "The line's field at fault, when one is."},
                    "line": {"type": ["integer", "null"], "description": "1-based line number in the input file."}
                  }
                }
              }
            }
          },
          "FileBatchRequest": {
            "type": "object",
            "description": "OpenAI's batch create request: the lines are in an uploaded file (purpose `batch`).",
            "required": ["input_file_id", "endpoint"],
            "properties": {
              "input_file_id": {"type": "string", "examples": ["file-1"]},
              "endpoint": {"type": "string", "enum": ["/v1/chat/completions", "/v1/embeddings"]},
              "completion_window": {"type": "string", "description": "`24h` by default; Sluice also takes e.g. `30m`, `7d`."},
              "metadata": {"$ref": "#/components/schemas/Metadata"}
            }
          },
          "BatchList": {
            "type": "object",
            "required": ["object", "data", "first_id", "last_id", "has_more"],
            "properties": {
              "object": {"type": "string", "const": "list"},
              "data": {"type": "array", "items": {"$ref": "#/components/schemas/Batch"}},
              "first_id": {"type": ["string", "null"]},
              "last_id": {"type": ["string", "null"]},
              "has_more": {"type": "boolean"}
            }
          },
          "ResultLine": {
            "type": "object",
            "description": "One line of OpenAI's batch output format. Jobs cancelled or expired before they ran have `response: null` and `error.code` `batch_cancelled` or `batch_expired`.",
            "required": ["id", "custom_id", "response", "error"],
            "properties": {
              "id": {"type": "string", "description": "`batch_req_<job id>`."},
              "custom_id": {"type": ["string", "null"]},
              "response": {"oneOf": [{"$ref": "#/components/schemas/UpstreamResponse"}, {"type": "null"}]},
              "error": {"oneOf": [{"$ref": "#/components/schemas/Failure"}, {"type": "null"}]}
            }
          },
          "TenantID": {
            "type": "string",
            "description": "1 to 64 characters of a-z, 0-9, `_` and `-`.",
            "pattern": "^[a-z0-9_-]{1,64}$"
          },
          "CreateTenantRequest": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"$ref": "#/components/schemas/TenantID"}}
          },
          "Tenant": {
            "type": "object",
            "required": ["object", "id"],
            "properties": {
              "object": {"type": "string", "const": "tenant"},
              "id": {"$ref": "#/components/schemas/TenantID"}
            }
          },
          "CostSummary": {
            "type": "object",
            "description": "What the billed upstream answers cost, in integer micro-dollars (never floating point). When any answer's price was unknown, `cost_micros` and `cost_usd` are null, `unknown_cost_requests` counts those answers and `known_cost_micros` sums the rest. Jobs and batches carry these fields; so does each row of `GET /v1/usage`.",
            "required": ["cost_micros", "cost_usd", "known_cost_micros", "unknown_cost_requests", "saved_micros"],
            "properties": {
              "cost_micros": {"type": ["integer", "null"], "description": "Total cost; null when a price was unknown."},
              "cost_usd": {
                "type": ["string", "null"],
                "description": "`cost_micros` as an exact decimal string with six decimals, e.g. `0.000019`.",
                "pattern": "^[0-9]+[.][0-9]{6}$"
              },
              "known_cost_micros": {"type": "integer", "description": "The sum of the known costs."},
              "unknown_cost_requests": {"type": "integer", "description": "Billed answers whose price was unknown."},
              "saved_micros": {"type": "integer", "description": "What cache hits saved."}
            }
          },
          "UsageRow": {
            "type": "object",
            "description": "One group of the cost ledger: the keys grouped by (only those), then the sums and the cost fields.",
            "required": [
              "requests", "cache_hits", "prompt_tokens", "cached_tokens", "completion_tokens", "cost_micros", "cost_usd",
              "known_cost_micros", "unknown_cost_requests", "saved_micros"
            ],
            "properties": {
              "tenant": {"type": ["string", "null"]},
              "provider": {"type": ["string", "null"]},
              "model": {"type": ["string", "null"]},
              "day": {"type": ["string", "null"], "description": "`YYYY-MM-DD`, UTC."},
              "batch_id": {"type": ["string", "null"], "description": "Null for jobs submitted alone."},
              "requests": {"type": "integer", "description": "Billed upstream answers plus cache hits."},
              "cache_hits": {"type": "integer"},
              "prompt_tokens": {"type": "integer"},
              "cached_tokens": {"type": "integer"},
              "completion_tokens": {"type": "integer"},
              "cost_micros": {"$ref": "#/components/schemas/CostSummary/properties/cost_micros"},
              "cost_usd": {"$ref": "#/components/schemas/CostSummary/properties/cost_usd"},
              "known_cost_micros": {"$ref": "#/components/schemas/CostSummary/properties/known_cost_micros"},
              "unknown_cost_requests": {"$ref": "#/components/schemas/CostSummary/properties/unknown_cost_requests"},
              "saved_micros": {"$ref": "#/components/schemas/CostSummary/properties/saved_micros"}
            }
          },
          "UsageList": {
            "type": "object",
            "required": ["object", "data"],
            "properties": {
              "object": {"type": "string", "const": "list"},
              "data": {"type": "array", "items": {"$ref": "#/components/schemas/UsageRow"}}
            }
          },
          "TenantQuotasUpdate": {
            "type": "object",
            "description": "Quotas to set (a value) or remove (`null`); quotas not named stay as they are. Windows are UTC calendar minutes, days and months. Requests and tokens count upstream calls the provider billed (cache hits excluded) and their prompt plus completion tokens; dollars their known cost.",
            "additionalProperties": false,
            "properties": {
              "requests_per_minute": {"$ref": "#/components/schemas/QuotaCount"},
              "requests_per_day": {"$ref": "#/components/schemas/QuotaCount"},
              "requests_per_month": {"$ref": "#/components/schemas/QuotaCount"},
              "tokens_per_minute": {"$ref": "#/components/schemas/QuotaCount"},
              "tokens_per_day": {"$ref": "#/components/schemas/QuotaCount"},
              "tokens_per_month": {"$ref": "#/components/schemas/QuotaCount"},
              "usd_per_minute": {"$ref": "#/components/schemas/QuotaDollarsInput"},
              "usd_per_day": {"$ref": "#/components/schemas/QuotaDollarsInput"},
              "usd_per_month": {"$ref": "#/components/schemas/QuotaDollarsInput"}
            }
          },
          "QuotaCount": {
            "type": ["integer", "null"],
            "minimum": 0,
            "maximum": 9223372036854775807,
            "description": "A whole number ≥ 0; null: no limit."
          },
          "QuotaDollarsInput": {
            "type": ["string", "number", "null"],
            "description": "US dollars ≥ 0 with at most six decimals (`\"12.50\"`), parsed exactly into micro-dollars; null: no limit.",
            "pattern": "^[0-9]*[.]?[0-9]*$",
            "minimum": 0
          },
          "QuotaDollars": {
            "type": ["string", "null"],
            "description": "US dollars as an exact decimal string with six decimals; null: no limit.",
            "pattern": "^[0-9]+[.][0-9]{6}$"
          },
          "TenantQuotas": {
            "type": "object",
            "description": "A tenant's quotas and where each stands in its current window.",
            "required": ["object", "tenant", "revision", "quotas", "usage"],
            "properties": {
              "object": {"type": "string", "const": "tenant.quotas"},
              "tenant": {"$ref": "#/components/schemas/TenantID"},
              "revision": {"type": "integer", "minimum": 0, "description": "Grows with every update; 0 when never set."},
              "quotas": {
                "type": "object",
                "required": [
                  "requests_per_minute", "requests_per_day", "requests_per_month", "tokens_per_minute",
                  "tokens_per_day", "tokens_per_month", "usd_per_minute", "usd_per_day", "usd_per_month"
                ],
                "properties": {
                  "requests_per_minute": {"$ref": "#/components/schemas/QuotaCount"},
                  "requests_per_day": {"$ref": "#/components/schemas/QuotaCount"},
                  "requests_per_month": {"$ref": "#/components/schemas/QuotaCount"},
                  "tokens_per_minute": {"$ref": "#/components/schemas/QuotaCount"},
                  "tokens_per_day": {"$ref": "#/components/schemas/QuotaCount"},
                  "tokens_per_month": {"$ref": "#/components/schemas/QuotaCount"},
                  "usd_per_minute": {"$ref": "#/components/schemas/QuotaDollars"},
                  "usd_per_day": {"$ref": "#/components/schemas/QuotaDollars"},
                  "usd_per_month": {"$ref": "#/components/schemas/QuotaDollars"}
                }
              },
              "usage": {"type": "array", "items": {"$ref": "#/components/schemas/QuotaUsage"}}
            }
          },
          "QuotaUsage": {
            "type": "object",
            "description": "One quota in its current window. Amounts are in `unit` (micro-dollars for dollar quotas).",
            "required": ["quota", "unit", "limit", "used", "reserved", "remaining", "window_start", "resets_at"],
            "properties": {
              "quota": {
                "type": "string",
                "enum": [
                  "requests_per_minute", "requests_per_day", "requests_per_month", "tokens_per_minute",
                  "tokens_per_day", "tokens_per_month", "usd_per_minute", "usd_per_day", "usd_per_month"
                ]
              },
              "unit": {"type": "string", "enum": ["requests", "tokens", "micro_usd"]},
              "limit": {"type": ["integer", "null"], "description": "Null: no limit."},
              "used": {"type": "integer", "description": "Recorded in this window (settled calls)."},
              "reserved": {"type": "integer", "description": "Reserved by calls in flight (their estimates)."},
              "remaining": {"type": ["integer", "null"], "description": "limit − used − reserved, at least 0; null without a limit."},
              "window_start": {"type": "integer", "description": "Unix seconds."},
              "resets_at": {"type": "integer", "description": "Unix seconds: when the next window starts."}
            }
          },
          "APIKey": {
            "type": "object",
            "required": ["object", "tenant", "key", "prefix"],
            "properties": {
              "object": {"type": "string", "const": "api_key"},
              "tenant": {"$ref": "#/components/schemas/TenantID"},
              "key": {"type": "string", "description": "`sk-sluice-` and 48 hex characters; shown only here."},
              "prefix": {"type": "string", "description": "The key's non-secret label: `sk-sluice-` and its first 8 hex."}
            }
          }
        }
        """#
}
