import Foundation
import Jobs

/// The JSON shapes the API answers with. Timestamps are Unix seconds; stored bodies are embedded as raw JSON.
///
/// Job object (Sluice's own):
/// ```json
/// {"id":"job_1","object":"job","status":"queued","custom_id":"a","batch_id":null,"model":"mock-chat",
///  "provider":"mock","url":"/v1/chat/completions","priority":0,"metadata":null,"attempts":0,"max_attempts":5,
///  "created_at":1700000000,"started_at":null,"finished_at":null,"expires_at":null,
///  "response":{"status_code":200,"request_id":"…","body":{…}}|null,"error":{"code","message"}|null,
///  "usage":{"prompt_tokens","completion_tokens","total_tokens"}|null,
///  "cost_micros":19|null,"cost_usd":"0.000019"|null,"known_cost_micros":19,"unknown_cost_requests":0,
///  "saved_micros":0}
/// ```
/// Batch object: OpenAI's (`object: "batch"`), plus `results_url`, `retry_of` (the batch it re-runs the failed and
/// expired lines of) and the same cost fields (see `WireFormat+Cost.swift`).
/// Result line: OpenAI's batch output line.
enum WireFormat {
    // MARK: Jobs

    static func job(_ job: Job, into w: inout JSONWriter) {
        w.object { o in
            o.field("id", job.id.description)
            o.field("object", "job")
            o.field("status", job.state.rawValue)
            o.field("custom_id", job.customID)
            o.field("batch_id", job.batchID?.description)
            o.field("model", job.model)
            o.field("provider", job.provider)
            o.field("url", job.endpoint)
            o.field("priority", job.priority)
            o.key("metadata")
            rawOrNull(job.metadata, into: &o)
            o.field("attempts", job.attempt)
            o.field("max_attempts", job.maxAttempts)
            o.field("created_at", seconds(job.createdAt))
            o.field("started_at", job.startedAt.map(seconds))
            o.field("finished_at", job.finishedAt.map(seconds))
            o.field("expires_at", job.deadline.map(seconds))
            o.key("response")
            response(job.response, into: &o)
            o.key("error")
            if let error = job.error {
                failure(code: error.code, message: error.message, into: &o)
            } else {
                o.null()
            }
            o.key("usage")
            if let usage = job.response?.usage {
                o.object { u in
                    u.field("prompt_tokens", usage.promptTokens)
                    u.field("completion_tokens", usage.completionTokens)
                    u.field("total_tokens", usage.totalTokens)
                    if usage.cachedTokens > 0 {
                        u.key("prompt_tokens_details")
                        u.object { d in d.field("cached_tokens", usage.cachedTokens) }
                    }
                }
            } else {
                o.null()
            }
            costFields(job.cost, into: &o)
        }
    }

    // MARK: Batches

    static func batch(_ batch: Batch, into w: inout JSONWriter) {
        w.object { o in
            o.field("id", batch.id.description)
            o.field("object", "batch")
            o.field("endpoint", batch.endpoint)
            o.key("errors")
            rawOrNull(batch.errors, into: &o)
            o.field("input_file_id", batch.inputFileID?.description)
            o.field("completion_window", batch.completionWindow)
            o.field("status", batch.status.rawValue)
            o.field("output_file_id", batch.outputFileID?.description)
            o.field("error_file_id", batch.errorFileID?.description)
            o.field("created_at", seconds(batch.createdAt))
            o.field("in_progress_at", batch.inProgressAt.map(seconds))
            o.field("expires_at", seconds(batch.expiresAt))
            o.field("finalizing_at", batch.finalizingAt.map(seconds))
            o.field("completed_at", batch.completedAt.map(seconds))
            o.field("failed_at", batch.failedAt.map(seconds))
            o.field("expired_at", batch.expiredAt.map(seconds))
            o.field("cancelling_at", batch.cancellingAt.map(seconds))
            o.field("cancelled_at", batch.cancelledAt.map(seconds))
            o.key("request_counts")
            o.object { c in
                c.field("total", batch.counts.total)
                c.field("completed", batch.counts.succeeded)
                c.field("failed", batch.counts.failed + batch.counts.expired + batch.counts.cancelled)
            }
            o.key("metadata")
            rawOrNull(batch.metadata, into: &o)
            o.key("usage")
            let usage = batch.usage
            if usage.totalTokens > 0 {
                o.object { u in
                    u.field("input_tokens", usage.promptTokens)
                    u.key("input_tokens_details")
                    u.object { d in d.field("cached_tokens", usage.cachedTokens) }
                    u.field("output_tokens", usage.completionTokens)
                    u.key("output_tokens_details")
                    u.object { d in d.field("reasoning_tokens", 0) }
                    u.field("total_tokens", usage.totalTokens)
                }
            } else {
                o.null()
            }
            o.field("results_url", "/v1/batches/\(batch.id)/results")
            o.field("retry_of", batch.retryOf?.description)
            costFields(batch.cost, into: &o)
        }
    }

    /// One line of OpenAI's batch output format for a final job of a batch.
    ///
    /// Jobs cancelled or expired before they ran get `response: null` and `error.code` `batch_cancelled` or
    /// `batch_expired`, as OpenAI writes them.
    static func resultLine(_ job: Job, into w: inout JSONWriter) {
        w.object { o in
            o.field("id", "batch_req_\(job.id)")
            o.field("custom_id", job.customID)
            o.key("response")
            response(job.response, into: &o)
            o.key("error")
            switch job.state {
            case .cancelled where job.response == nil:
                failure(
                    code: "batch_cancelled",
                    message: job.error?.message ?? "The batch was cancelled before this request ran.",
                    into: &o
                )
            case .expired where job.response == nil:
                failure(
                    code: "batch_expired",
                    message: job.error?.message ?? "The request did not run before the batch expired.",
                    into: &o
                )
            default:
                if let error = job.error {
                    failure(code: error.code, message: error.message, into: &o)
                } else if job.state != .succeeded && job.response == nil {
                    failure(
                        code: job.state.rawValue,
                        message: "The request ended \(job.state.rawValue) without an answer.",
                        into: &o
                    )
                } else {
                    o.null()
                }
            }
        }
    }

    // MARK: Lists

    /// OpenAI's list shape; `has_more` is always present (the SDK pages until it is false).
    static func list<Item>(
        _ items: [Item],
        hasMore: Bool,
        id: (Item) -> String,
        item: (Item, inout JSONWriter) -> Void
    ) -> JSONWriter {
        var w = JSONWriter(capacity: 256 + items.count * 512)
        w.object { o in
            o.field("object", "list")
            o.key("data")
            o.array { a in
                for element in items { item(element, &a) }
            }
            o.field("first_id", items.first.map(id))
            o.field("last_id", items.last.map(id))
            o.field("has_more", hasMore)
        }
        return w
    }

    // MARK: Parts

    static func seconds(_ date: Date) -> Int {
        Int(date.timeIntervalSince1970.rounded(.down))
    }

    private static func response(_ response: JobResponse?, into o: inout JSONWriter) {
        guard let response else {
            o.null()
            return
        }
        o.object { r in
            r.field("status_code", response.statusCode)
            r.field("request_id", response.requestID)
            r.key("body")
            embed(response.body, into: &r)
        }
    }

    private static func failure(code: String, message: String, into o: inout JSONWriter) {
        o.object { e in
            e.field("code", code)
            e.field("message", message)
        }
    }

    private static func rawOrNull(_ data: Data?, into o: inout JSONWriter) {
        if let data { embed(data, into: &o) } else { o.null() }
    }

    /// Embeds stored bytes as JSON when they are valid JSON, else as a string (an upstream may answer HTML).
    private static func embed(_ data: Data, into o: inout JSONWriter) {
        let valid = data.withUnsafeBytes { raw in JSONScanner.isValid(raw.assumingMemoryBound(to: UInt8.self)) }
        if valid {
            o.rawJSON(data)
        } else {
            o.string(String(decoding: data, as: UTF8.self))
        }
    }
}
