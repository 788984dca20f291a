/// The pure state of requests travelling between callers and the transport's loop thread.
///
/// It decides who owns each request's `Pending` value (the request plus its continuation) at every moment,
/// so that a continuation is resumed exactly once whatever the order of send, cancel, pick-up, completion
/// and shutdown. It does no I/O; `CurlMailbox` holds it under a mutex and performs the returned actions.
///
/// ```
/// register ──► registered ──enqueue──► queued ──takeCommands──► running ──finished──► (gone)
///                  │                      │                        │
///               cancel                  cancel                  cancel: a cancel command for the loop
///                  ▼                      ▼
///              cancelled ──enqueue──►  (gone; the caller fails Pending with .cancelled)
/// ```
///
/// Ownership of `Pending`: the registry while `queued`; the loop from `takeCommands` on. A request that is
/// `running` is finished only by the loop (completion, cancel command or shutdown), which then resumes it.
struct CurlRequestRegistry<Pending: Sendable>: Sendable {
    typealias ID = UInt64

    enum Phase: Equatable, Sendable {
        /// Accepting requests.
        case running
        /// `shutdown()` was called; the loop has not stopped yet.
        case stopping
        /// The loop has stopped; nothing will be picked up again.
        case stopped
    }

    private enum Entry: Sendable {
        case registered
        case cancelled
        case queued(Pending)
        case running
    }

    /// Why a request was failed before it reached the loop.
    enum FailureReason: Equatable, Sendable {
        case cancelled
        case shutdown
    }

    enum EnqueueAction: Sendable {
        /// The loop must be woken to pick the request up.
        case wakeLoop
        /// The loop has a wake-up pending already; nothing to do.
        case none
        /// The request never reaches the loop; the caller resumes it with an error.
        case fail(Pending, FailureReason)
    }

    enum CancelAction: Sendable {
        /// Nothing to do (already finished, or the cancellation is recorded for `enqueue`).
        case none
        /// The request is running; the loop must be woken to abort it.
        case wakeLoop
        /// The request was still queued; the caller resumes it with `.cancelled`.
        case fail(Pending)
    }

    /// What the loop must do on this iteration.
    struct Commands: Sendable {
        /// Running requests to abort.
        var cancels: [ID] = []
        /// New requests to start, in arrival order; they are `running` from now on.
        var starts: [(id: ID, pending: Pending)] = []
        /// Shutdown was requested: fail everything still running and stop.
        var stopping = false
    }

    private(set) var phase = Phase.running
    private var nextID: ID = 0
    private var entries: [ID: Entry] = [:]
    private var startQueue: [ID] = []
    private var cancelQueue: [ID] = []
    private var wakeupPending = false

    init() {}

    /// Number of requests known (registered, queued or running). For tests and diagnostics.
    var count: Int { entries.count }

    /// Allocates an id for a new request, or `nil` when the transport no longer accepts requests.
    mutating func register() -> ID? {
        guard phase == .running else { return nil }
        nextID += 1
        entries[nextID] = .registered
        return nextID
    }

    /// Hands a registered request to the loop.
    mutating func enqueue(_ id: ID, _ pending: Pending) -> EnqueueAction {
        switch entries[id] {
        case .registered:
            guard phase == .running else {
                entries[id] = nil
                return .fail(pending, .shutdown)
            }
            entries[id] = .queued(pending)
            startQueue.append(id)
            return requestWakeup()
        case .cancelled:
            entries[id] = nil
            return .fail(pending, .cancelled)
        case .queued, .running:
            preconditionFailure("request \(id) enqueued twice")
        case nil:
            // Only a shutdown removes registered entries.
            return .fail(pending, .shutdown)
        }
    }

    /// Records the calling task's cancellation.
    mutating func cancel(_ id: ID) -> CancelAction {
        switch entries[id] {
        case .registered:
            entries[id] = .cancelled
            return .none
        case .queued(let pending):
            entries[id] = nil  // its id stays in startQueue and is skipped by takeCommands
            return .fail(pending)
        case .running:
            guard phase == .running else { return .none }  // the loop fails it on shutdown
            cancelQueue.append(id)
            return requestWakeup()
        case .cancelled, nil:
            return .none
        }
    }

    /// Called by the loop at the top of each iteration: takes the queued work and clears the pending wake-up.
    mutating func takeCommands() -> Commands {
        wakeupPending = false
        var commands = Commands()
        commands.stopping = phase != .running
        commands.cancels = cancelQueue
        cancelQueue.removeAll(keepingCapacity: true)
        for id in startQueue {
            if case .queued(let pending) = entries[id] {
                entries[id] = .running
                commands.starts.append((id, pending))
            }
        }
        startQueue.removeAll(keepingCapacity: true)
        return commands
    }

    /// Called by the loop after it resumed these requests.
    mutating func finished(_ ids: some Sequence<ID>) {
        for id in ids {
            entries[id] = nil
        }
    }

    /// Stops accepting requests. Returns the queued requests (the caller fails them with `.cancelled`) and
    /// whether the loop must be woken; `nil` when shutdown was already requested.
    mutating func shutdown() -> [Pending]? {
        guard phase == .running else { return nil }
        phase = .stopping
        var failed: [Pending] = []
        for id in startQueue {
            if case .queued(let pending) = entries[id] {
                failed.append(pending)
                entries[id] = nil
            }
        }
        startQueue.removeAll()
        cancelQueue.removeAll()
        // Registered (or cancelled-before-enqueue) requests fail in `enqueue`.
        for (id, entry) in entries {
            switch entry {
            case .registered, .cancelled: entries[id] = nil
            case .queued, .running: break
            }
        }
        return failed
    }

    /// Called by the loop once it has failed every running request and will not look at the queue again.
    mutating func markStopped() {
        phase = .stopped
        entries.removeAll()
    }

    private mutating func requestWakeup() -> EnqueueAction {
        if wakeupPending { return .none }
        wakeupPending = true
        return .wakeLoop
    }

    private mutating func requestWakeup() -> CancelAction {
        if wakeupPending { return .none }
        wakeupPending = true
        return .wakeLoop
    }
}
