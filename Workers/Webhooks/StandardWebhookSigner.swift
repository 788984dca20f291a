package import Crypto

package import struct Foundation.Data

/// Signs webhook payloads per Standard Webhooks v1: `webhook-signature: v1,<base64(HMAC-SHA256(key,
/// "{msg_id}.{timestamp}.{payload}"))>`, where the key is the base64-decoded part of a `whsec_` secret.
///
/// During a secret rotation a delivery is signed with every valid secret, the entries separated by spaces, so a
/// receiver holding either secret can verify it. Pure: no I/O, no clock.
///
/// ```swift
/// let header = try StandardWebhookSigner.signatureHeader(
///     secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], messageID: "msg_p5jXN8AQM9LWM0D4loKWxJek",
///     timestamp: 1_614_265_330, payload: Data(#"{"test": 2432232314}"#.utf8)
/// )  // "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
/// ```
package enum StandardWebhookSigner {
    /// The prefix of a Standard Webhooks symmetric secret.
    package static let secretPrefix = "whsec_"

    /// The `webhook-signature` header value: one `v1,<signature>` entry per secret, space-separated.
    /// - Parameters:
    ///   - secrets: `whsec_<base64>` secrets, current first.
    ///   - messageID: the `webhook-id` header (must not contain `.`).
    ///   - timestamp: the `webhook-timestamp` header, Unix seconds of this attempt.
    ///   - payload: the exact body bytes sent.
    /// - Throws: `WorkersError(.invalidWebhookSecret)` when no secret is given or one is not `whsec_<base64>`;
    ///   the message never contains the secret.
    package static func signatureHeader(
        secrets: [String],
        messageID: String,
        timestamp: Int64,
        payload: Data
    ) throws -> String {
        guard !secrets.isEmpty else {
            throw WorkersError(.invalidWebhookSecret, message: "no webhook secret to sign with")
        }
        return try secrets.map { secret in
            try signature(key: key(from: secret), messageID: messageID, timestamp: timestamp, payload: payload)
        }.joined(separator: " ")
    }

    /// One `v1,<base64 HMAC-SHA256>` entry.
    /// - SeeAlso: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
    package static func signature(key: SymmetricKey, messageID: String, timestamp: Int64, payload: Data) -> String {
        var content = Data("\(messageID).\(timestamp).".utf8)
        content.append(payload)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The HMAC key of a `whsec_<base64>` secret: the base64-decoded bytes.
    /// - Throws: `WorkersError(.invalidWebhookSecret)` when the prefix is missing or the rest is not base64.
    package static func key(from secret: String) throws -> SymmetricKey {
        guard secret.hasPrefix(secretPrefix),
            let bytes = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))), !bytes.isEmpty
        else {
            throw WorkersError(.invalidWebhookSecret, message: "a webhook secret is not whsec_<base64>")
        }
        return SymmetricKey(data: bytes)
    }
}
