/// A request on its way to the loop thread, with the continuation its caller awaits. Resumed exactly once,
/// by whoever owns it at the time (see `CurlRequestRegistry`).
struct CurlPendingRequest: Sendable {
    let request: HTTPRequest
    let continuation: CheckedContinuation<HTTPResponse, any Error>

    func succeed(_ response: HTTPResponse) {
        continuation.resume(returning: response)
    }

    func fail(_ error: TransportError) {
        continuation.resume(throwing: error)
    }
}

extension TransportError {
    /// The calling task was cancelled.
    static var requestCancelled: TransportError {
        TransportError(.cancelled, message: "request cancelled")
    }

    /// The transport shut down before or while the request ran.
    static var transportShutDown: TransportError {
        TransportError(.cancelled, message: "transport shut down")
    }
}
