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

    /// The deliverer of the webhook outbox, on the shared transport, checking each URL again before sending.
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
