import Testing

@testable import Workers

/// `CurlRequestRegistry` decides who resumes each continuation; these cover every race without I/O.
@Suite struct CurlTransportRegistryTests {
    typealias Registry = CurlRequestRegistry<Int>

    @Test func enqueue_whenSeveralRequests_wakesLoopOnceUntilCommandsTaken() {
        var registry = Registry()
        let first = registry.register()!
        let second = registry.register()!
        #expect(isWake(registry.enqueue(first, 1)))
        #expect(isNone(registry.enqueue(second, 2)))
        let commands = registry.takeCommands()
        #expect(commands.starts.map(\.pending) == [1, 2])
        #expect(!commands.stopping)
        let third = registry.register()!
        #expect(isWake(registry.enqueue(third, 3)))
    }

    @Test func cancel_whenRegisteredButNotEnqueued_failsAtEnqueue() {
        var registry = Registry()
        let id = registry.register()!
        #expect(isNone(registry.cancel(id)))
        guard case .fail(let pending, let reason) = registry.enqueue(id, 7) else {
            Issue.record("expected fail")
            return
        }
        #expect(pending == 7)
        #expect(reason == .cancelled)
        #expect(registry.count == 0)
        #expect(registry.takeCommands().starts.isEmpty)
    }

    @Test func cancel_whenQueued_returnsPendingAndLoopNeverStartsIt() {
        var registry = Registry()
        let id = registry.register()!
        _ = registry.enqueue(id, 7)
        guard case .fail(let pending) = registry.cancel(id) else {
            Issue.record("expected fail")
            return
        }
        #expect(pending == 7)
        let commands = registry.takeCommands()
        #expect(commands.starts.isEmpty)
        #expect(commands.cancels.isEmpty)
        #expect(registry.count == 0)
    }

    @Test func cancel_whenRunning_sendsCancelCommandToLoop() {
        var registry = Registry()
        let id = registry.register()!
        _ = registry.enqueue(id, 7)
        _ = registry.takeCommands()
        #expect(isWake(registry.cancel(id)))
        #expect(registry.takeCommands().cancels == [id])
        registry.finished([id])
        #expect(registry.count == 0)
    }

    @Test func cancel_whenAlreadyFinished_doesNothing() {
        var registry = Registry()
        let id = registry.register()!
        _ = registry.enqueue(id, 7)
        _ = registry.takeCommands()
        registry.finished([id])
        #expect(isNone(registry.cancel(id)))
        #expect(registry.takeCommands().cancels.isEmpty)
        #expect(registry.count == 0)
    }

    @Test func shutdown_whenRequestsQueued_returnsThemAndRejectsNewOnes() {
        var registry = Registry()
        let queued = registry.register()!
        _ = registry.enqueue(queued, 1)
        let registeredOnly = registry.register()!
        let running = registry.register()!
        _ = registry.takeCommands()
        _ = registry.enqueue(running, 3)
        _ = registry.takeCommands()  // `running` is now the loop's
        let again = registry.register()!
        _ = registry.enqueue(again, 4)

        #expect(registry.shutdown() == [4])
        #expect(registry.shutdown() == nil)
        #expect(registry.register() == nil)
        guard case .fail(2, .shutdown) = registry.enqueue(registeredOnly, 2) else {
            Issue.record("expected shutdown failure")
            return
        }
        #expect(isNone(registry.cancel(running)))  // the loop fails it while stopping
        let commands = registry.takeCommands()
        #expect(commands.stopping)
        #expect(commands.starts.isEmpty)
        registry.markStopped()
        #expect(registry.phase == .stopped)
        #expect(registry.count == 0)
    }

    private func isWake(_ action: Registry.EnqueueAction) -> Bool {
        if case .wakeLoop = action { return true }
        return false
    }

    private func isNone(_ action: Registry.EnqueueAction) -> Bool {
        if case .none = action { return true }
        return false
    }

    private func isWake(_ action: Registry.CancelAction) -> Bool {
        if case .wakeLoop = action { return true }
        return false
    }

    private func isNone(_ action: Registry.CancelAction) -> Bool {
        if case .none = action { return true }
        return false
    }
}
