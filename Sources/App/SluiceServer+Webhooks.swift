import API
import Jobs
import Logging
import Workers

extension SluiceServer {
    /// The API's registration-time URL check: `OutboundURLPolicy` with the operator's `webhooks.allow`, answering
    /// the refusal's message (which names the rule, never a resolved address).
    static func webhookURLCheck(_ policy: OutboundURLPolicy) -> WebhookURLCheck {
        { url in
            do {
                _ = try await policy.check(url)
                return nil
            } catch let refusal as OutboundURLRefusal {
                return refusal.message
            } catch {
                return "the URL cannot be checked"
            }
        }
    }

    /// The deliverer of the webhook outbox, on its own transport, checking each URL again before sending.
    /// The webhook deliverer's own libcurl transport: a few connections (deliveries are bounded by the deliverer's
    /// `max_concurrency`, 16 by default).
    static let webhookTransportConfiguration = CurlTransport.Configuration(
        maxConnections: 64,
        maxHostConnections: 16,
        maxIdleHandles: 64
    )

    static func webhookDeliverer(
        settings: SluiceConfiguration.Webhooks,
        store: JobStore,
        transport: any HTTPTransport,
        logger: Logger
    ) -> WebhookDeliverer {
        WebhookDeliverer(
            source: store,
            transport: transport,
            policy: settings.policy,
            configuration: settings.delivererConfiguration,
            logger: logger
        )
    }
}
