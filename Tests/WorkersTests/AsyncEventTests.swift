import Testing

@testable import Workers

@Suite struct AsyncEventTests {
    @Test(.timeLimit(.minutes(1))) func wait_whenSetBefore_returnsAtOnceAndAutoResetConsumesIt() async {
        let event = AsyncEvent(.autoReset)
        event.set()
        #expect(await event.wait())
        #expect(!event.isSet)
        #expect(await event.wait(timeout: .milliseconds(1)) == false)
    }

    @Test(.timeLimit(.minutes(1))) func wait_whenManualReset_staysSetForEveryWaiter() async {
        let event = AsyncEvent(.manualReset)
        event.set()
        #expect(await event.wait())
        #expect(await event.wait())
        #expect(event.isSet)
    }

    @Test(.timeLimit(.minutes(1))) func set_wakesASuspendedWaiter() async {
        let event = AsyncEvent(.autoReset)
        let started = AsyncEvent(.manualReset)
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                started.set()
                return await event.wait()
            }
            await started.wait()
            // The waiter may or may not be suspended yet; either way the signal reaches it exactly once.
            event.set()
            #expect(await group.next() == true)
        }
    }

    @Test(.timeLimit(.minutes(1))) func wait_whenTaskCancelled_returnsFalse() async {
        let event = AsyncEvent(.autoReset)
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await event.wait() }
            group.cancelAll()
            #expect(await group.next() == false)
        }
        #expect(!event.isSet)
    }

    @Test(.timeLimit(.minutes(1))) func waitWithTimeout_whenSignalled_returnsTrue() async {
        let event = AsyncEvent(.autoReset)
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await event.wait(timeout: .seconds(30)) }
            event.set()
            #expect(await group.next() == true)
        }
    }
}
