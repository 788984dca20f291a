import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The production `HTTPTransport`: libcurl's multi interface driven by one dedicated thread.
///
/// One thread owns the `CURLM` handle and every easy handle. Callers hand requests over through a
/// mutex-protected mailbox plus `curl_multi_wakeup`; the thread loops on `curl_multi_poll` /
/// `curl_multi_perform` / `curl_multi_info_read` and resumes each caller's continuation. Easy handles are
/// reset and reused, and the multi handle's connection cache keeps connections alive between requests.
///
/// ```swift
/// let transport = try CurlTransport(configuration: .init(maxHostConnections: 64))
/// let request = HTTPRequest(
///     url: "http://127.0.0.1:9000/v1/chat/completions", headers: [("content-type", "application/json")], body: body
/// )
/// let response = try await transport.send(request)
/// transport.shutdown()
/// ```
///
/// - Cancelling the calling task aborts the transfer and throws `TransportError` with code `.cancelled`.
/// - `shutdown()` fails every queued and running request with `.cancelled` and stops the thread; so does
///   dropping the last reference. It is also a `Service` whose `run()` shuts down on graceful shutdown.
///
/// Concurrency: the class holds only `Sendable` state (the mailbox and the configuration). The C state lives
/// in a `CurlLoop` that is created here and then handed to the thread, which alone touches it afterwards;
/// that handoff is the one `@unchecked Sendable` (`LoopHandoff`), and `CurlLoop` checks it at run time.
package final class CurlTransport: HTTPTransport {
    package let configuration: Configuration
    private let mailbox: CurlMailbox

    /// Starts the loop thread.
    /// - Parameter configuration: connection limits and pooling; see `Configuration`.
    /// - Throws: `TransportError(.other)` when libcurl cannot be initialised or a multi option is rejected.
    package init(configuration: Configuration = Configuration()) throws {
        // A peer closing a socket must not kill the process: libcurl with CURLOPT_NOSIGNAL does not block
        // SIGPIPE for every write (TLS). https://curl.se/libcurl/c/CURLOPT_NOSIGNAL.html
        signal(SIGPIPE, SIG_IGN)
        try CurlGlobal.ensureInitialized()

        let multi = try CurlMultiHandle()
        try multi.setMaxConnects(configuration.maxConnections)
        try multi.setMaxHostConnections(configuration.maxHostConnections)
        try multi.setMaxTotalConnections(configuration.maxTotalConnections)

        self.configuration = configuration
        self.mailbox = CurlMailbox(wakeup: multi.wakeup)
        let handoff = LoopHandoff(
            loop: CurlLoop(multi: multi, mailbox: mailbox, maxIdleHandles: configuration.maxIdleHandles)
        )
        let thread = Thread { handoff.loop.run() }
        thread.name = "sluice-curl"
        thread.start()
    }

    deinit {
        mailbox.shutdown()
    }

    /// Sends one request and returns the response, whatever its status.
    ///
    /// - Parameter request: method, URL, headers, body and the two timeouts.
    /// - Throws: `TransportError`: `.timeout`, `.connect`, `.reset`, `.malformed`, `.other` from libcurl;
    ///   `.cancelled` when the calling task is cancelled or the transport shuts down.
    package func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard let id = mailbox.register() else {
            throw TransportError.transportShutDown
        }
        let mailbox = self.mailbox
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                mailbox.enqueue(id, CurlPendingRequest(request: request, continuation: continuation))
            }
        } onCancel: {
            mailbox.cancel(id)
        }
    }

    /// Fails every queued and running request with `.cancelled` and stops the loop thread, which then frees
    /// every libcurl handle. Later sends fail with `.cancelled`. Idempotent; does not block.
    package func shutdown() {
        mailbox.shutdown()
    }
}

/// Moves the loop, with its non-Sendable libcurl state, to the thread that runs it.
///
/// `@unchecked Sendable` invariant: `CurlTransport.init` creates the loop, wraps it here and passes it to the
/// new thread's closure, and never touches it again; from then on only that thread uses it (checked by
/// `CurlLoop.preconditionOnLoopThread()`).
private struct LoopHandoff: @unchecked Sendable {
    let loop: CurlLoop
}
