import struct Foundation.Data

/// Webhook signing secrets in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes.
///
/// Both verifiers that matter base64-decode what follows `whsec_` (the reference `standardwebhooks` library and
/// the OpenAI SDK's `webhooks.unwrap`), so the key is the 32 random bytes.
package enum WebhookSecret {
    /// The prefix every secret carries.
    package static let prefix = "whsec_"

    /// How long a rotated-out secret keeps signing (24 hours), so receivers can switch without losing events.
    package static let rotationOverlap: Duration = .seconds(24 * 3600)

    /// A fresh secret from the system's cryptographically secure generator (`getrandom` on Linux).
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + Data(bytes).base64EncodedString()
    }

    /// A fresh event id: `evt_` + 24 random hexadecimal digits (no `.`, as Standard Webhooks requires).
    package static func eventID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = UInt64.random(in: .min ... .max, using: &generator)
        let low = UInt32.random(in: .min ... .max, using: &generator)
        return "evt_" + hex(high, width: 16) + hex(UInt64(low), width: 8)
    }

    private static func hex(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: width - digits.count) + digits
    }
}
