import Jobs
import Workers
import Yams

/// Reads the YAML configuration file strictly: an unknown key, a value of the wrong type or a provider
/// without models stops start-up with a message naming the line.
///
/// ```yaml
/// listen: {host: 127.0.0.1, port: 8080}
/// data_dir: ./sluice-data
/// providers:
///   - name: local
///     kind: openai
///     base_url: http://127.0.0.1:9000/v1
///     api_key_env: LOCAL_API_KEY
///     models: [mock-chat, mock-embed]
///     limits: {rpm: 6000, tpm: 1000000, max_concurrency: 256}
/// prices:                      # US dollars per 1M tokens; replaces the built-in entry of that name
///   gpt-4o-mini: {input: 0.15, cached_input: 0.075, output: 0.60, batch_input: 0.075, batch_output: 0.30}
///   local/llama-3.1-8b: {input: 0, output: 0}   # provider/model wins over model
/// cache: {enabled: true, scope: tenant, ttl_seconds: 86400}   # scope: tenant (default) or global
/// files: {max_upload_bytes: 536870912}   # largest POST /v1/files body (streamed to disk)
/// webhooks: {allow: [loopback], retry_schedule_seconds: [0, 5, 300], max_concurrency: 16, timeout_seconds: 15}
/// ```
package enum ConfigurationLoader {
    /// The largest `max_concurrency` accepted: each running call holds a connection and a file descriptor.
    package static let maxConcurrencyCeiling = 10_000

    /// Parses a configuration file's text. The in-process mock provider is on only when the file enables it.
    package static func parse(yaml text: String) throws -> SluiceConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(line: line(of: error), "not valid YAML (\(summary(of: error)))")
        }
        var configuration = SluiceConfiguration(mock: .init(enabled: false))
        guard let root else { return configuration }
        let top = try Fields(root, context: "the configuration")
        for (key, value) in top.entries {
            switch key {
            case "listen":
                let listen = try Fields(value, context: "listen")
                for (key, value) in listen.entries {
                    switch key {
                    case "host": configuration.listen.host = try string(value, "listen.host")
                    case "port": configuration.listen.port = try port(value, "listen.port")
                    default: throw listen.unknown(key, value, allowed: ["host", "port"])
                    }
                }
            case "data_dir":
                configuration.dataDirectory = try string(value, "data_dir")
            case "providers":
                configuration.providers = try providers(value)
            case "mock":
                let mock = try Fields(value, context: "mock")
                for (key, value) in mock.entries {
                    switch key {
                    case "enabled": configuration.mock.enabled = try bool(value, "mock.enabled")
                    case "latency_ms":
                        configuration.mock.latencyMilliseconds = try int(value, "mock.latency_ms", min: 0)
                    default: throw mock.unknown(key, value, allowed: ["enabled", "latency_ms"])
                    }
                }
            case "queue":
                configuration.queue = try queue(value)
            case "prices":
                configuration.prices = try prices(value)
            case "cache":
                configuration.cache = try cache(value)
            case "webhooks":
                configuration.webhooks = try webhooks(value)
            case "files":
                let files = try Fields(value, context: "files")
                for (key, value) in files.entries {
                    switch key {
                    case "max_upload_bytes":
                        configuration.files.maxUploadBytes = try int(value, "files.max_upload_bytes", min: 1)
                    default: throw files.unknown(key, value, allowed: ["max_upload_bytes"])
                    }
                }
            default:
                throw top.unknown(
                    key,
                    value,
                    allowed: [
                        "listen", "data_dir", "providers", "mock", "queue", "prices", "cache", "files", "webhooks",
                    ]
                )
            }
        }
        return configuration
    }

    /// Applies `SLUICE_HOST`, `SLUICE_PORT` and `SLUICE_DATA_DIR` from the environment.
    package static func applyEnvironment(
        _ environment: [String: String],
        to configuration: inout SluiceConfiguration
    )
        throws
    {
        if let host = environment["SLUICE_HOST"], !host.isEmpty { configuration.listen.host = host }
        if let text = environment["SLUICE_PORT"], !text.isEmpty {
            guard let port = Int(text), (0...65535).contains(port) else {
                throw ConfigurationError(line: nil, "SLUICE_PORT must be a port number between 0 and 65535")
            }
            configuration.listen.port = port
        }
        if let directory = environment["SLUICE_DATA_DIR"], !directory.isEmpty {
            configuration.dataDirectory = directory
        }
    }

    /// Checks what no single key can: at least one provider, unique names, the mock's name not taken twice.
    package static func validate(_ configuration: SluiceConfiguration) throws {
        var names: Set<String> = []
        if configuration.mock.enabled { names.insert(SluiceConfiguration.mockProviderName) }
        for provider in configuration.providers {
            guard names.insert(provider.name).inserted else {
                throw ConfigurationError(line: nil, "provider name '\(provider.name)' is used twice")
            }
        }
        if names.isEmpty {
            throw ConfigurationError(line: nil, "no providers: add one under 'providers' or enable 'mock'")
        }
    }

    // MARK: Sections

    private static func providers(_ node: Node) throws -> [ProviderConfiguration] {
        guard case .sequence(let sequence) = node else {
            throw ConfigurationError(line: node.mark?.line, "'providers' must be a list")
        }
        return try sequence.map(provider)
    }

    private static func provider(_ node: Node) throws -> ProviderConfiguration {
        let fields = try Fields(node, context: "a provider")
        var name: String?
        var kind: ProviderConfiguration.Kind?
        var baseURL: String?
        var apiKeyEnv: String?
        var apiKeyFile: String?
        var models: [String]?
        var limits = ProviderConfiguration.Limits()
        for (key, value) in fields.entries {
            switch key {
            case "name":
                let text = try string(value, "name")
                guard !text.isEmpty, !text.contains("/") else {
                    throw ConfigurationError(line: value.mark?.line, "provider 'name' must be non-empty, without '/'")
                }
                name = text
            case "kind":
                let text = try string(value, "kind")
                guard let parsed = ProviderConfiguration.Kind(rawValue: text) else {
                    let kinds = ProviderConfiguration.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ConfigurationError(
                        line: value.mark?.line,
                        "unknown provider kind '\(text)' (one of: \(kinds))"
                    )
                }
                kind = parsed
            case "base_url":
                let text = try string(value, "base_url")
                guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
                    throw ConfigurationError(line: value.mark?.line, "'base_url' must start with http:// or https://")
                }
                baseURL = text.hasSuffix("/") ? String(text.dropLast()) : text
            case "api_key_env": apiKeyEnv = try string(value, "api_key_env")
            case "api_key_file": apiKeyFile = try string(value, "api_key_file")
            case "models":
                guard case .sequence(let sequence) = value else {
                    throw ConfigurationError(line: value.mark?.line, "'models' must be a list of model names")
                }
                models = try sequence.map { try string($0, "a model name") }
            case "limits":
                limits = try self.limits(value)
            default:
                throw fields.unknown(
                    key,
                    value,
                    allowed: ["name", "kind", "base_url", "api_key_env", "api_key_file", "models", "limits"]
                )
            }
        }
        let line = node.mark?.line
        guard let name else { throw ConfigurationError(line: line, "a provider needs a 'name'") }
        guard let baseURL else { throw ConfigurationError(line: line, "provider '\(name)' needs a 'base_url'") }
        guard let models, !models.isEmpty else {
            throw ConfigurationError(line: line, "provider '\(name)' lists no 'models'")
        }
        return ProviderConfiguration(
            name: name,
            kind: kind ?? .openai,
            baseURL: baseURL,
            apiKeyEnv: apiKeyEnv,
            apiKeyFile: apiKeyFile,
            models: models,
            limits: limits
        )
    }

    private static func limits(_ node: Node) throws -> ProviderConfiguration.Limits {
        let fields = try Fields(node, context: "limits")
        var limits = ProviderConfiguration.Limits()
        for (key, value) in fields.entries {
            switch key {
            case "rpm": limits.rpm = try int(value, "limits.rpm", min: 1)
            case "tpm": limits.tpm = try int(value, "limits.tpm", min: 1)
            case "max_concurrency":
                limits.maxConcurrency = try int(value, "limits.max_concurrency", min: 1)
                guard limits.maxConcurrency <= maxConcurrencyCeiling else {
                    throw ConfigurationError(
                        line: value.mark?.line,
                        "'limits.max_concurrency' must be at most \(maxConcurrencyCeiling)"
                    )
                }
            default: throw fields.unknown(key, value, allowed: ["rpm", "tpm", "max_concurrency"])
            }
        }
        return limits
    }

    private static func queue(_ node: Node) throws -> SluiceConfiguration.Queue {
        let fields = try Fields(node, context: "queue")
        var queue = SluiceConfiguration.Queue()
        for (key, value) in fields.entries {
            switch key {
            case "synchronous":
                let text = try string(value, "queue.synchronous").uppercased()
                guard let parsed = JobStore.Configuration.Synchronous(rawValue: text) else {
                    throw ConfigurationError(line: value.mark?.line, "'queue.synchronous' must be full or normal")
                }
                queue.synchronous = parsed
            case "max_attempts": queue.maxAttempts = try int(value, "queue.max_attempts", min: 1)
            case "lease_seconds": queue.leaseSeconds = try int(value, "queue.lease_seconds", min: 1)
            case "shutdown_timeout_seconds":
                queue.shutdownTimeoutSeconds = try int(value, "queue.shutdown_timeout_seconds", min: 0)
            default:
                throw fields.unknown(
                    key,
                    value,
                    allowed: ["synchronous", "max_attempts", "lease_seconds", "shutdown_timeout_seconds"]
                )
            }
        }
        return queue
    }

    /// `cache:` — `enabled`, `scope` (`tenant` or `global`) and `ttl_seconds`.
    private static func cache(_ node: Node) throws -> SluiceConfiguration.Cache {
        let fields = try Fields(node, context: "cache")
        var cache = SluiceConfiguration.Cache()
        for (key, value) in fields.entries {
            switch key {
            case "enabled": cache.enabled = try bool(value, "cache.enabled")
            case "scope":
                let text = try string(value, "cache.scope")
                guard let scope = SluiceConfiguration.Cache.Scope(rawValue: text) else {
                    throw ConfigurationError(line: value.mark?.line, "'cache.scope' must be tenant or global")
                }
                cache.scope = scope
            case "ttl_seconds": cache.ttlSeconds = try int(value, "cache.ttl_seconds", min: 1)
            default: throw fields.unknown(key, value, allowed: ["enabled", "scope", "ttl_seconds"])
            }
        }
        return cache
    }

    /// `webhooks:` — `allow` (address classes), `retry_schedule_seconds`, `max_concurrency`, `timeout_seconds`.
    private static func webhooks(_ node: Node) throws -> SluiceConfiguration.Webhooks {
        typealias Webhooks = SluiceConfiguration.Webhooks
        let fields = try Fields(node, context: "webhooks")
        var webhooks = Webhooks()
        for (key, value) in fields.entries {
            switch key {
            case "allow":
                let allowable = OutboundAddressClass.allowable.map(\.rawValue).sorted()
                let message = "'webhooks.allow' must be a list of: \(allowable.joined(separator: ", "))"
                guard case .sequence(let items) = value else {
                    throw ConfigurationError(line: value.mark?.line, message)
                }
                webhooks.allow = try Set(
                    items.map { item in
                        guard case .scalar(let scalar) = item,
                            let addressClass = OutboundAddressClass(rawValue: scalar.string),
                            OutboundAddressClass.allowable.contains(addressClass)
                        else { throw ConfigurationError(line: item.mark?.line, message) }
                        return addressClass
                    }
                )
            case "retry_schedule_seconds":
                let message =
                    "'webhooks.retry_schedule_seconds' must be a list of 1 to \(Webhooks.maxScheduleEntries) delays in "
                    + "seconds (0 to \(Webhooks.maxDelaySeconds), decimals allowed)"
                guard case .sequence(let items) = value, (1...Webhooks.maxScheduleEntries).contains(items.count) else {
                    throw ConfigurationError(line: value.mark?.line, message)
                }
                webhooks.retrySchedule = try items.map { item in
                    guard case .scalar(let scalar) = item, let seconds = Double(scalar.string), seconds.isFinite,
                        (0...Double(Webhooks.maxDelaySeconds)).contains(seconds)
                    else { throw ConfigurationError(line: item.mark?.line, message) }
                    return .milliseconds(Int64((seconds * 1000).rounded()))
                }
            case "max_concurrency":
                webhooks.maxConcurrency = try int(value, "webhooks.max_concurrency", min: 1)
                guard webhooks.maxConcurrency <= Webhooks.maxConcurrencyCeiling else {
                    throw ConfigurationError(
                        line: value.mark?.line,
                        "'webhooks.max_concurrency' must be at most \(Webhooks.maxConcurrencyCeiling)"
                    )
                }
            case "timeout_seconds":
                webhooks.timeoutSeconds = try int(value, "webhooks.timeout_seconds", min: 1)
                guard webhooks.timeoutSeconds <= Webhooks.maxTimeoutSeconds else {
                    throw ConfigurationError(
                        line: value.mark?.line,
                        "'webhooks.timeout_seconds' must be at most \(Webhooks.maxTimeoutSeconds)"
                    )
                }
            default:
                throw fields.unknown(
                    key,
                    value,
                    allowed: ["allow", "retry_schedule_seconds", "max_concurrency", "timeout_seconds"]
                )
            }
        }
        return webhooks
    }

    /// `prices:` — model name (or `provider/model`) → rates in US dollars per 1M tokens, read from the YAML text
    /// as decimals (never through a floating-point value) and converted exactly to micro-dollars.
    private static func prices(_ node: Node) throws -> [String: ModelPrice] {
        let fields = try Fields(node, context: "prices")
        var prices: [String: ModelPrice] = [:]
        for (name, value) in fields.entries {
            guard !name.isEmpty, !name.hasPrefix("/"), !name.hasSuffix("/") else {
                throw ConfigurationError(
                    line: fields.keyLines[name] ?? value.mark?.line,
                    "a price needs a model name or provider/model"
                )
            }
            let rates = try Fields(value, context: "prices.\(name)")
            var found: [String: Int64] = [:]
            let allowed = ["input", "cached_input", "output", "batch_input", "batch_output"]
            for (key, rate) in rates.entries {
                guard allowed.contains(key) else { throw rates.unknown(key, rate, allowed: allowed) }
                found[key] = try dollars(rate, "prices.\(name).\(key)")
            }
            let line = fields.keyLines[name] ?? value.mark?.line
            guard let input = found["input"], let output = found["output"] else {
                throw ConfigurationError(line: line, "the price of '\(name)' needs 'input' and 'output'")
            }
            guard (found["batch_input"] == nil) == (found["batch_output"] == nil) else {
                throw ConfigurationError(
                    line: line,
                    "the price of '\(name)' needs both 'batch_input' and 'batch_output'"
                )
            }
            prices[name] = ModelPrice(
                input: input,
                cachedInput: found["cached_input"],
                output: output,
                batchInput: found["batch_input"],
                batchOutput: found["batch_output"]
            )
        }
        return prices
    }

    // MARK: Scalars

    /// A non-negative amount of US dollars with at most six decimals, as micro-dollars (exact).
    private static func dollars(_ node: Node, _ name: String) throws -> Int64 {
        guard case .scalar(let scalar) = node, let micros = MicroDollars.parse(dollars: scalar.string) else {
            throw ConfigurationError(
                line: node.mark?.line,
                "'\(name)' must be a US dollar amount per 1M tokens like 0.15 (at most 6 decimals, not negative)"
            )
        }
        return micros
    }

    private static func string(_ node: Node, _ name: String) throws -> String {
        guard case .scalar(let scalar) = node else {
            throw ConfigurationError(line: node.mark?.line, "'\(name)' must be a string")
        }
        return scalar.string
    }

    private static func int(_ node: Node, _ name: String, min: Int) throws -> Int {
        guard case .scalar = node, let value = node.int else {
            throw ConfigurationError(line: node.mark?.line, "'\(name)' must be an integer")
        }
        guard value >= min else {
            throw ConfigurationError(line: node.mark?.line, "'\(name)' must be at least \(min)")
        }
        return value
    }

    private static func port(_ node: Node, _ name: String) throws -> Int {
        let value = try int(node, name, min: 0)
        guard value <= 65535 else { throw ConfigurationError(line: node.mark?.line, "'\(name)' must be at most 65535") }
        return value
    }

    private static func bool(_ node: Node, _ name: String) throws -> Bool {
        guard case .scalar = node, let value = node.bool else {
            throw ConfigurationError(line: node.mark?.line, "'\(name)' must be true or false")
        }
        return value
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    private static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return "unreadable"
        }
    }
}

/// The entries of a YAML mapping, with string keys, in file order.
private struct Fields {
    var entries: [(String, Node)]
    /// The line of each key, for messages about the key itself.
    var keyLines: [String: Int] = [:]

    init(_ node: Node, context: String) throws {
        guard case .mapping(let mapping) = node else {
            throw ConfigurationError(line: node.mark?.line, "\(context) must be a mapping of keys to values")
        }
        entries = try mapping.map { key, value in
            guard case .scalar(let scalar) = key else {
                throw ConfigurationError(line: key.mark?.line, "keys in \(context) must be plain names")
            }
            return (scalar.string, value)
        }
        for (key, _) in mapping {
            guard case .scalar(let scalar) = key else { continue }
            if keyLines[scalar.string] != nil {
                throw ConfigurationError(line: key.mark?.line, "'\(scalar.string)' appears twice in \(context)")
            }
            keyLines[scalar.string] = key.mark?.line
        }
    }

    func unknown(_ key: String, _ value: Node, allowed: [String]) -> ConfigurationError {
        ConfigurationError(
            line: keyLines[key] ?? value.mark?.line,
            "unknown key '\(key)' (expected one of: \(allowed.joined(separator: ", ")))"
        )
    }
}
