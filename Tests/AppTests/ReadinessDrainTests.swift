import API
import Logging
import ServiceLifecycle
import Testing

@testable import App

/// `/readyz` turns not-ready at the start of a graceful shutdown, before the services before it stop.
@Suite struct ReadinessDrainTests {
    @Test(.timeLimit(.minutes(1))) func run_onGracefulShutdown_marksNotReady() async throws {
        let readiness = Readiness(storeOpen: true)
        #expect(readiness.isReady)
        let drain = ReadinessDrain(readiness: readiness, delay: .zero, logger: Logger(label: "readiness-tests"))
        let group = ServiceGroup(configuration: .init(services: [.init(service: drain)], logger: Logger(label: "t")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(readiness.isReady)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(!readiness.isReady)
        #expect(readiness.notReadyReason == "The server is shutting down.")
    }

    @Test func readiness_isReadyOnlyWhileTheStoreIsOpenAndNotDraining() {
        let readiness = Readiness()
        #expect(!readiness.isReady)
        #expect(readiness.notReadyReason == "The store is not open.")
        readiness.storeOpened()
        #expect(readiness.isReady)
        #expect(readiness.notReadyReason == nil)
        readiness.storeClosed()
        #expect(!readiness.isReady)
        readiness.storeOpened()
        readiness.beginDraining()
        #expect(!readiness.isReady)
    }

    @Test func drainDelay_readsSecondsFromTheEnvironment() throws {
        #expect(try SluiceServer.drainDelay(environment: [:]) == .zero)
        #expect(try SluiceServer.drainDelay(environment: ["SLUICE_DRAIN_SECONDS": "2.5"]) == .milliseconds(2500))
        #expect(throws: ConfigurationError.self) {
            try SluiceServer.drainDelay(environment: ["SLUICE_DRAIN_SECONDS": "-1"])
        }
    }
}
