import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything libcurl, driven by the transport's one dedicated thread.
///
/// The multi handle, every easy handle and the table of running requests are touched only by `run()` and
/// what it calls, on the thread that runs it (checked with `preconditionOnLoopThread()`). Other threads
/// reach the loop only through `CurlMailbox`.
///
/// Each iteration: take commands from the mailbox (cancels, new requests, shutdown) → `curl_multi_perform`
/// → read finished transfers with `curl_multi_info_read` and resume their callers → `curl_multi_poll`
/// until socket activity, a libcurl timer, or `curl_multi_wakeup` from a caller.
final class CurlLoop {
    /// Upper bound on one `curl_multi_poll` wait; new work interrupts it through `curl_multi_wakeup`, and
    /// libcurl shortens it for its own timers, so this only bounds an idle wait.
    private static let pollTimeoutMilliseconds: Int32 = 1000

    private let multi: CurlMultiHandle
    private let mailbox: CurlMailbox
    private let maxIdleHandles: Int
    private var idleHandles: [CurlEasyHandle] = []
    private var active: [UInt64: (handle: CurlEasyHandle, pending: CurlPendingRequest)] = [:]
    /// Requests resumed during this iteration, reported to the mailbox in one lock.
    private var finishedIDs: [UInt64] = []
    private var owner: pthread_t?

    init(multi: CurlMultiHandle, mailbox: CurlMailbox, maxIdleHandles: Int) {
        self.multi = multi
        self.mailbox = mailbox
        self.maxIdleHandles = maxIdleHandles
    }

    /// Runs until shutdown is requested (or the multi handle fails), then fails every running request with
    /// `.cancelled`, stops the mailbox and returns. Call once, on the dedicated thread.
    func run() {
        precondition(owner == nil, "CurlLoop.run() called twice")
        owner = pthread_self()
        while true {
            let commands = mailbox.takeCommands()
            for id in commands.cancels {
                abort(id, with: .requestCancelled)
            }
            if commands.stopping {
                for start in commands.starts {
                    start.pending.fail(.transportShutDown)
                }
                for id in Array(active.keys) {
                    abort(id, with: .transportShutDown)
                }
                break
            }
            for start in commands.starts {
                begin(start.id, start.pending)
            }
            do {
                try multi.perform()
                drainCompletions()
                flushFinished()
                try multi.poll(timeoutMilliseconds: Self.pollTimeoutMilliseconds)
            } catch {
                // The multi handle itself failed (only on misuse or out of memory): nothing can run any more.
                let failure = error as? TransportError ?? TransportError(.other, message: "curl multi failure")
                mailbox.shutdown()
                for id in Array(active.keys) {
                    abort(id, with: failure)
                }
                break
            }
        }
        mailbox.markStopped()
        // Easy handles are out of the multi handle now; they are freed first, the multi handle with `self`.
        idleHandles.removeAll()
    }

    /// Configures an easy handle for the request and adds it to the multi handle; fails the request at once
    /// when that is impossible.
    private func begin(_ id: UInt64, _ pending: CurlPendingRequest) {
        preconditionOnLoopThread()
        let handle: CurlEasyHandle
        do {
            handle = try idleHandles.popLast() ?? CurlEasyHandle()
        } catch {
            pending.fail(Self.transportError(error))
            finishedIDs.append(id)
            return
        }
        do {
            try handle.prepare(for: pending.request, id: id)
            try multi.add(handle)
        } catch {
            recycle(handle)
            pending.fail(Self.transportError(error))
            finishedIDs.append(id)
            return
        }
        active[id] = (handle, pending)
    }

    /// Resumes the callers of every transfer libcurl reports as done.
    private func drainCompletions() {
        preconditionOnLoopThread()
        while let done = multi.nextDone() {
            let handle =
                (try? CurlEasyHandle.owner(of: done.easy))
                ?? active.values.first { $0.handle.raw == done.easy }?.handle
            guard let handle, let id = handle.transferID, let entry = active.removeValue(forKey: id) else {
                continue
            }
            let result: Result<HTTPResponse, TransportError>
            if done.result == CURLE_OK {
                do {
                    result = .success(handle.takeResponse(status: try handle.responseCode()))
                } catch {
                    result = .failure(Self.transportError(error))
                }
            } else {
                result = .failure(TransportError(curl: done.result, context: "transfer"))
            }
            recycle(handle)
            finishedIDs.append(id)
            switch result {
            case .success(let response): entry.pending.succeed(response)
            case .failure(let error): entry.pending.fail(error)
            }
        }
    }

    /// Aborts a running request (removing its handle from the multi handle ends the transfer) and fails it.
    private func abort(_ id: UInt64, with error: TransportError) {
        preconditionOnLoopThread()
        guard let entry = active.removeValue(forKey: id) else {
            return  // finished already; the cancel arrived late
        }
        recycle(entry.handle)
        finishedIDs.append(id)
        entry.pending.fail(error)
    }

    /// Removes the handle from the multi handle, resets it and keeps it for reuse (up to `maxIdleHandles`).
    private func recycle(_ handle: CurlEasyHandle) {
        do {
            try multi.remove(handle)
        } catch {
            return  // do not reuse a handle in an unknown state; deinit cleans it up
        }
        handle.reset()
        if idleHandles.count < maxIdleHandles {
            idleHandles.append(handle)
        }
    }

    private func flushFinished() {
        mailbox.finished(finishedIDs)
        finishedIDs.removeAll(keepingCapacity: true)
    }

    /// The confinement check behind `CurlTransport`'s thread handoff: libcurl state is only touched here.
    private func preconditionOnLoopThread() {
        precondition(
            owner.map { pthread_equal($0, pthread_self()) != 0 } ?? false,
            "libcurl state used off its loop thread"
        )
    }

    private static func transportError(_ error: any Error) -> TransportError {
        error as? TransportError ?? TransportError(.other, message: "unexpected error")
    }
}

@available(*, unavailable)
extension CurlLoop: Sendable {}
