/// How many jobs of one provider wait in the queue and how many run, read from the store's partial indexes.
package struct QueueDepth: Sendable, Equatable {
    /// The provider (lane) name.
    package var provider: String
    /// Jobs in `queued`: runnable now, scheduled, or waiting to be retried.
    package var queued: Int
    /// Jobs in `running` (leased by a worker).
    package var running: Int

    package init(provider: String, queued: Int = 0, running: Int = 0) {
        self.provider = provider
        self.queued = queued
        self.running = running
    }
}
