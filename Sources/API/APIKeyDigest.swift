import Crypto

package import struct Foundation.Data

/// The one way an API key becomes what is stored and compared: its SHA-256 digest. The admin key (hashed by the app
/// at start-up), the keys the admin API creates and every key a request presents all go through here, so they can
/// never disagree.
package enum APIKeyDigest {
    /// SHA-256 of the key's UTF-8 bytes (32 bytes).
    package static func of(_ key: String) -> Data {
        Data(SHA256.hash(data: Data(key.utf8)))
    }
}
