import App
import ArgumentParser
import Foundation

/// `sluice keys create|list|revoke`: a tenant's API keys (admin key).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke tenants' API keys (admin key).",
        discussion: """
            Keys are shown once, when created; the server keeps only their SHA-256. A listing shows each key's \
            id and prefix, which is what revoke takes.

            Examples:
              sluice keys create --tenant acme
              sluice keys list --tenant acme
              sluice keys revoke --tenant acme key_3
            """,
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key for a tenant (created too if new) and print it.",
            discussion: """
                The key alone goes to standard output, so it can be captured:
                  KEY=$(sluice keys create --tenant acme)
                """
        )

        @Option(name: .long, help: "The tenant: 1 to 64 of a-z, 0-9, '_' and '-'.")
        var tenant: String

        @OptionGroup var connection: ClientOptions

        func run() async throws {
            let client = try connection.client()
            _ = try await client.object("POST", "/v1/admin/tenants", json: ["id": tenant])
            let key = try await client.object("POST", "/v1/admin/tenants/\(tenant)/keys")
            guard let text = key["key"] as? String else {
                throw ClientError(.protocolError, "The server's answer has no key.")
            }
            FileHandle.standardError.write(
                Data("API key for tenant \(tenant) (shown once; prefix \(key["prefix"] as? String ?? "?")):\n".utf8)
            )
            print(text)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a tenant's keys (ids and prefixes, never the keys)."
        )

        @Option(name: .long, help: "The tenant.")
        var tenant: String

        @OptionGroup var connection: ClientOptions

        func run() async throws {
            let keys = try await connection.client().list("/v1/admin/tenants/\(tenant)/keys")
            var table = TextTable(columns: [.init("ID"), .init("PREFIX"), .init("CREATED"), .init("REVOKED")])
            for key in keys {
                table.append([
                    key["id"] as? String ?? "?", key["prefix"] as? String ?? "?", formatTime(key["created_at"]),
                    formatTime(key["revoked_at"]),
                ])
            }
            print(table.render(), terminator: "")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key: from now on it is refused (401).",
            discussion: "Take the id from `sluice keys list --tenant T`."
        )

        @Option(name: .long, help: "The tenant the key belongs to.")
        var tenant: String

        @Argument(help: ArgumentHelp("The key's id, key_<n>.", valueName: "key-id"))
        var id: String

        @OptionGroup var connection: ClientOptions

        func validate() throws {
            guard id.hasPrefix("key_"), Int(id.dropFirst(4)) != nil else {
                throw ValidationError("A key id looks like key_3 (see sluice keys list --tenant \(tenant)).")
            }
        }

        func run() async throws {
            let key = try await connection.client().object("DELETE", "/v1/admin/tenants/\(tenant)/keys/\(id)")
            print(
                "\(key["id"] as? String ?? id) (\(key["prefix"] as? String ?? "?")) revoked at \(formatTime(key["revoked_at"]))."
            )
        }
    }
}
