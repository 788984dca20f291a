import Hummingbird
import NIOCore

/// The request context of the mock: Hummingbird's basics plus the connection's channel, which the `drop` and
/// `hang` faults close to end a request without an answer.
struct MockRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
