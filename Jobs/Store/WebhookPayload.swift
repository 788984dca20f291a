import struct Foundation.Data

/// The bytes of a webhook event, in OpenAI's event shape (minified JSON, as Standard Webhooks recommends):
/// `{"id":"evt_…","object":"event","type":"batch.completed","created_at":1719168000,"data":{"id":"batch_1"}}`.
/// OpenAI's SDK (`client.webhooks.unwrap`) parses the batch events of this shape.
enum WebhookPayload {
    /// - Parameters:
    ///   - id: the event id (`evt_` + hex digits; needs no escaping).
    ///   - createdAt: milliseconds since 1970; the payload carries whole seconds.
    ///   - subject: the job or batch id (`job_1`, `batch_2`; needs no escaping).
    static func event(id: String, type: WebhookEventType, createdAt: Int64, subject: String) -> Data {
        let seconds = createdAt / 1000
        let json =
            #"{"id":"\#(id)","object":"event","type":"\#(type.rawValue)","created_at":\#(seconds),"#
            + #""data":{"id":"\#(subject)"}}"#
        return Data(json.utf8)
    }
}
