package import Foundation
package import Jobs
import NIOCore

/// OpenAI's batch output lines as bytes (no newline), for writers outside the HTTP API (`sluice run`'s output and
/// errors files). The same shape as `GET /v1/batches/{id}/results` (``WireFormat/resultLine(_:into:)``).
package enum BatchOutputLine {
    /// The output line of a final job: `{"id","custom_id","response","error"}`.
    package static func encode(_ job: Job) -> Data {
        var writer = JSONWriter(capacity: 512 + job.body.count / 2 + (job.response?.body.count ?? 0))
        WireFormat.resultLine(job, into: &writer)
        return Data(writer.buffer.readableBytesView)
    }

    /// The errors-file line of an input line that was not valid (skipped, never sent): `id` is `line_<n>`,
    /// `response` null, `error.code` `invalid_request`.
    package static func invalidLine(lineNumber: Int, customID: String?, message: String) -> Data {
        var writer = JSONWriter(capacity: 256)
        writer.object { o in
            o.field("id", "line_\(lineNumber)")
            o.field("custom_id", customID)
            o.key("response")
            o.null()
            o.key("error")
            o.object { e in
                e.field("code", "invalid_request")
                e.field("message", message)
            }
        }
        return Data(writer.buffer.readableBytesView)
    }
}
