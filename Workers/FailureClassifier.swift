package import Jobs

package import struct Foundation.Date

/// What an upstream attempt amounts to, as `FailureClassifier` judges it.
package enum Verdict: Sendable, Equatable {
    /// A well-formed 2xx: record the answer.
    case success
    /// Worth another try later; the attempt counts. `retryAfter` is what the provider asked for, if anything.
    case retryable(JobFailure, retryAfter: Duration?)
    /// The provider is rate limiting us (429): try again after `retryAfter` (or a backoff) without burning an attempt.
    case rateLimited(JobFailure, retryAfter: Duration?)
    /// Trying again would give the same answer: the job fails now.
    case permanent(JobFailure)
}

/// Sorts upstream outcomes into success, retryable, rate limited and permanent. Pure: no I/O, no clock of its own.
///
/// - Retryable: 408, 409 (OpenAI's and Anthropic's SDKs retry it: lock conflicts), 5xx including 529 (overloaded),
///   a 2xx whose body is not JSON, and transport timeouts, connection failures and resets.
/// - Rate limited: 429, except OpenAI's `insufficient_quota` (billing; waiting does not help), which is permanent.
/// - Permanent: every other 4xx (400, 401, 403, 404, 413, 422, context too long…), 1xx and 3xx (redirects are not
///   followed), and requests that could not be built.
/// - `x-should-retry: true|false` from the provider overrides the status rules for non-2xx answers, as the
///   OpenAI and Anthropic SDKs do.
///
/// Failure messages name the status and the provider's error code, never a body.
///
/// ```swift
/// switch FailureClassifier.classify(adapter.parse(response), now: Date()) {
/// case .success: …
/// case .retryable(let failure, let retryAfter): …
/// }
/// ```
package enum FailureClassifier {
    /// Codes of `JobFailure` the workers produce.
    package enum FailureCode {
        /// The provider answered with an error status.
        package static let upstreamError = "upstream_error"
        /// The provider answered 429.
        package static let rateLimited = "rate_limited"
        /// A 2xx whose body was not the expected JSON.
        package static let malformedResponse = "malformed_response"
        /// The connect or total timeout passed.
        package static let timeout = "timeout"
        /// The connection failed or broke.
        package static let connectionError = "connection_error"
        /// The job could not be turned into an upstream request.
        package static let invalidRequest = "invalid_request"
    }

    /// Judges an HTTP answer.
    /// - Parameters:
    ///   - answer: the answer as the adapter read it.
    ///   - now: the current time, to read a `Retry-After` HTTP-date.
    package static func classify(_ answer: ProviderAnswer, now: Date) -> Verdict {
        let status = answer.response.statusCode
        if (200..<300).contains(status) {
            if answer.isWellFormed { return .success }
            return .retryable(
                JobFailure(
                    code: FailureCode.malformedResponse,
                    message: "upstream answered HTTP \(status) with a body that is not the expected JSON"
                ),
                retryAfter: nil
            )
        }
        let retryAfter = RetryAfter.parse(headers: answer.headers, now: now)
        var message = "upstream answered HTTP \(status)"
        if let code = answer.errorCode { message += " (\(code))" }

        if status == 429, answer.errorCode != "insufficient_quota" {
            if shouldRetryHeader(answer) == false {
                return .permanent(JobFailure(code: FailureCode.rateLimited, message: message))
            }
            return .rateLimited(JobFailure(code: FailureCode.rateLimited, message: message), retryAfter: retryAfter)
        }
        let failure = JobFailure(code: FailureCode.upstreamError, message: message)
        if let shouldRetry = shouldRetryHeader(answer) {
            return shouldRetry ? .retryable(failure, retryAfter: retryAfter) : .permanent(failure)
        }
        switch status {
        case 408, 409, 500...599:
            return .retryable(failure, retryAfter: retryAfter)
        default:
            return .permanent(failure)
        }
    }

    /// Judges a transfer that produced no HTTP answer.
    package static func classify(_ error: TransportError) -> Verdict {
        let detail = "\(error.code): \(error.message)"
        switch error.code {
        case .timeout:
            return .retryable(
                JobFailure(code: FailureCode.timeout, message: "upstream call timed out (\(detail))"),
                retryAfter: nil
            )
        case .malformed:
            return .permanent(
                JobFailure(code: FailureCode.invalidRequest, message: "upstream request could not be built (\(detail))")
            )
        default:
            return .retryable(
                JobFailure(code: FailureCode.connectionError, message: "upstream connection failed (\(detail))"),
                retryAfter: nil
            )
        }
    }

    private static func shouldRetryHeader(_ answer: ProviderAnswer) -> Bool? {
        guard let value = answer.headers.first(where: { $0.name.lowercased() == "x-should-retry" })?.value else {
            return nil
        }
        switch value.trimmingWhitespace().lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }
}
