import Crypto
import Foundation
import Testing

@testable import Workers

struct StandardWebhookSignerTests {
    /// The Standard Webhooks / Svix test vector (wire-formats.md §5).
    private let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    private let messageID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    private let timestamp: Int64 = 1_614_265_330
    private let payload = Data(#"{"test": 2432232314}"#.utf8)

    @Test
    func signatureHeader_whenSpecTestVector_matchesExactly() throws {
        let header = try StandardWebhookSigner.signatureHeader(
            secrets: [secret],
            messageID: messageID,
            timestamp: timestamp,
            payload: payload
        )
        #expect(header == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test
    func signatureHeader_whenTwoSecrets_listsOneEntryPerSecretSpaceSeparated() throws {
        let rotated = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
        let header = try StandardWebhookSigner.signatureHeader(
            secrets: [rotated, secret],
            messageID: messageID,
            timestamp: timestamp,
            payload: payload
        )
        let entries = header.split(separator: " ").map(String.init)
        #expect(entries.count == 2)
        #expect(entries[1] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(entries[0].hasPrefix("v1,") && entries[0] != entries[1])
        // The first entry verifies with the rotated key, computed independently.
        let key = SymmetricKey(data: Data(repeating: 7, count: 32))
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(messageID).\(timestamp).".utf8) + payload,
            using: key
        )
        #expect(entries[0] == "v1," + Data(mac).base64EncodedString())
    }

    @Test
    func signatureHeader_whenTimestampOrBodyChanges_signatureChanges() throws {
        let base = try StandardWebhookSigner.signatureHeader(
            secrets: [secret],
            messageID: messageID,
            timestamp: timestamp,
            payload: payload
        )
        let later = try StandardWebhookSigner.signatureHeader(
            secrets: [secret],
            messageID: messageID,
            timestamp: timestamp + 1,
            payload: payload
        )
        let otherBody = try StandardWebhookSigner.signatureHeader(
            secrets: [secret],
            messageID: messageID,
            timestamp: timestamp,
            payload: Data(#"{"test": 2432232315}"#.utf8)
        )
        #expect(Set([base, later, otherBody]).count == 3)
    }

    @Test(arguments: ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_not base64!", "whsk_MfKQ9r8GKYqrTwjU"])
    func key_whenSecretMalformed_throwsWithoutTheSecret(bad: String) {
        #expect {
            _ = try StandardWebhookSigner.key(from: bad)
        } throws: { error in
            guard let error = error as? WorkersError else { return false }
            return error.code == .invalidWebhookSecret && !error.description.contains("MfKQ9r8G")
        }
    }

    @Test
    func signatureHeader_whenNoSecret_throws() {
        #expect(throws: WorkersError.self) {
            _ = try StandardWebhookSigner.signatureHeader(
                secrets: [],
                messageID: messageID,
                timestamp: timestamp,
                payload: payload
            )
        }
    }
}
