import ArgumentParser

@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "A durable, batch-first LLM gateway.",
        subcommands: [
            ServeCommand.self, MockProviderCommand.self, RunCommand.self, SubmitCommand.self, BatchesCommand.self,
            UsageCommand.self, KeysCommand.self, TenantsCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
