import App
import ArgumentParser
import Foundation

/// `sluice tenants create|list` (admin key).
struct TenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants",
        abstract: "Create and list tenants (admin key).",
        discussion: """
            A tenant owns API keys, jobs, batches, usage and quotas.

            Examples:
              sluice tenants create acme
              sluice tenants list
            """,
        subcommands: [Create.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant (nothing changes if it exists).")

        @Argument(help: ArgumentHelp("1 to 64 of a-z, 0-9, '_' and '-'.", valueName: "tenant"))
        var tenant: String

        @OptionGroup var connection: ClientOptions

        func run() async throws {
            _ = try await connection.client().object("POST", "/v1/admin/tenants", json: ["id": tenant])
            print("tenant \(tenant) ready; create a key with: sluice keys create --tenant \(tenant)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every tenant.")

        @OptionGroup var connection: ClientOptions

        func run() async throws {
            for tenant in try await connection.client().list("/v1/admin/tenants") {
                print(tenant["id"] as? String ?? "?")
            }
        }
    }
}
