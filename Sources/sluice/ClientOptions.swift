import App
import ArgumentParser
import Foundation

/// `--server` and `--key`, shared by the commands that talk to a running server.
///
/// ```swift
/// @OptionGroup var connection: ClientOptions
/// func run() async throws { let client = try connection.client() … }
/// ```
struct ClientOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The Sluice server (default $SLUICE_SERVER, else \(ClientSettings.defaultServer)).",
            valueName: "url"
        )
    )
    var server: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "API key (default $SLUICE_API_KEY, else $SLUICE_ADMIN_KEY, else ./sluice-data/admin.key).",
            valueName: "key"
        )
    )
    var key: String?

    /// The client, or a `ClientError` naming what is missing (printed as `Error: …`).
    func client() throws -> SluiceClient {
        let settings = try ClientSettings.resolve(
            server: server,
            key: key,
            environment: ProcessInfo.processInfo.environment,
            admin: true
        )
        return try SluiceClient(settings: settings)
    }
}

/// Prints a JSON object as indented text (for `get` commands' `--json`).
func printJSON(_ object: Any) {
    let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if let data = try? JSONSerialization.data(withJSONObject: object, options: options) {
        print(String(decoding: data, as: UTF8.self))
    }
}

/// A Unix time as `2026-11-29 12:15 UTC`, or `-`.
func formatTime(_ value: Any?) -> String {
    guard let seconds = (value as? Int) ?? (value as? NSNumber)?.intValue, seconds > 0 else { return "-" }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
    return formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
}

/// An integer field of a decoded JSON object, 0 when absent.
func intField(_ value: Any?) -> Int { (value as? Int) ?? (value as? NSNumber)?.intValue ?? 0 }
