import App
import Foundation
import Jobs
import Logging
import MockProvider
import Testing

/// Cost exactness: what the ledger recorded equals what the mock provider billed, token for token, and each row's
/// cost equals its tokens × the price, to the micro-dollar.
@Suite(.serialized) struct CostEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func ledger_matchesTheProvidersBilledTokens_andPricesEachAnswerExactly() async throws {
        let harness = try await EndToEndHarness()
        let chatLines = 300
        let embedLines = 60
        let batches = try await harness.withServer { client -> [BatchCost] in
            let chat = try await client.post(
                "/v1/batches",
                body: chatBatch(lines: chatLines),
                contentType: "application/jsonl"
            )
            let embed = try await client.post(
                "/v1/batches",
                body: embeddingBatch(lines: embedLines),
                contentType: "application/jsonl"
            )
            #expect(chat.status == 202 && embed.status == 202)
            let chatID = try #require(chat.json["id"] as? String)
            let embedID = try #require(embed.json["id"] as? String)
            let chatBatch = try await client.waitForBatch(chatID)
            let embedBatch = try await client.waitForBatch(embedID)
            #expect(chatBatch["status"] as? String == "completed")
            #expect(embedBatch["status"] as? String == "completed")

            // The API's view: /v1/usage by model equals the provider's billed tokens.
            let mock = harness.mock.stats.snapshot.models
            let (status, usage) = try await client.get("/v1/usage?group_by=model")
            #expect(status == 200)
            let rows = try #require(usage["data"] as? [[String: Any]])
            #expect(rows.map { $0["model"] as? String } == ["mock-chat", "mock-embed"])
            for row in rows {
                let model = try #require(row["model"] as? String)
                let billed = try #require(mock[model])
                #expect(row["requests"] as? Int == billed.requests, "\(model)")
                #expect(row["prompt_tokens"] as? Int == billed.promptTokens, "\(model)")
                #expect(row["completion_tokens"] as? Int == billed.completionTokens, "\(model)")
                #expect(row["unknown_cost_requests"] as? Int == 0)
            }
            #expect(mock["mock-chat"]?.requests == chatLines)
            #expect(mock["mock-embed"]?.requests == embedLines)

            // The batch objects carry the sum of their rows' costs (checked against the ledger below).
            return [BatchCost(chatBatch, model: "mock-chat"), BatchCost(embedBatch, model: "mock-embed")]
        }

        // The ledger's view, row by row, from the database the server wrote.
        let store = try JobStore(
            configuration: .init(path: harness.dataDirectory + "/" + SluiceServer.databaseFileName),
            logger: Logger(label: "e2e.ledger")
        )
        defer { store.close() }
        let prices = PriceTable.builtin
        let mock = harness.mock.stats.snapshot.models
        for batch in batches {
            let model = batch.model
            let id = try #require(BatchID(batch.id))
            let entries = try await store.ledgerEntries(batch: id)
            let price = try #require(prices.price(provider: "e2e", model: model))
            #expect(entries.count == mock[model]?.requests)
            #expect(entries.reduce(0) { $0 + $1.usage.promptTokens } == mock[model]?.promptTokens)
            #expect(entries.reduce(0) { $0 + $1.usage.completionTokens } == mock[model]?.completionTokens)
            #expect(Set(entries.map(\.jobID)).count == entries.count)  // one billed answer per job, no retries here
            var total: Int64 = 0
            var roundedUp = 0
            for entry in entries {
                // tokens × price per 1M, rounded half up, computed here independently of ModelPrice.
                let exact =
                    Int64(entry.usage.promptTokens - entry.usage.cachedTokens) * price.input
                    + Int64(entry.usage.cachedTokens) * (price.cachedInput ?? price.input)
                    + Int64(entry.usage.completionTokens) * price.output
                let expected = (2 * exact + 1_000_000) / 2_000_000
                if exact % 1_000_000 >= 500_000 { roundedUp += 1 }
                #expect(entry.costMicros == expected, "job \(entry.jobID): \(entry.usage)")
                #expect(entry.priceVersion == prices.version)
                #expect(entry.model == model && entry.provider == "e2e" && entry.tenant == "default")
                total += expected
            }
            #expect(batch.costMicros == Int(total))
            #expect(batch.costUSD == MicroDollars.format(total))
            if model == "mock-chat" {
                #expect(total > 0)
                #expect(roundedUp > 0, "the run should exercise the half-up rounding")
            }
        }
        try await harness.shutdown()
    }

    @Test(.timeLimit(.minutes(3)))
    func ledger_withRetriedServerErrors_billsOnlyTheAnswersTheProviderBilled() async throws {
        let harness = try await EndToEndHarness(faults: .init(fail5xx: 0.15))
        let lines = 150
        try await harness.withServer { client in
            let (status, created) = try await client.post(
                "/v1/batches",
                body: chatBatch(lines: lines),
                contentType: "application/jsonl"
            )
            #expect(status == 202)
            let id = try #require(created["id"] as? String)
            let batch = try await client.waitForBatch(id)
            #expect(batch["status"] as? String == "completed")

            let snapshot = harness.mock.stats.snapshot
            #expect(snapshot.faults > 0, "the run should have retried some server errors")
            let billed = try #require(snapshot.models["mock-chat"])
            #expect(billed.requests == lines)
            let (_, usage) = try await client.get("/v1/usage?group_by=model,batch")
            let rows = try #require(usage["data"] as? [[String: Any]])
            #expect(rows.count == 1)
            #expect(rows.first?["batch_id"] as? String == id)
            #expect(rows.first?["requests"] as? Int == billed.requests)
            #expect(rows.first?["prompt_tokens"] as? Int == billed.promptTokens)
            #expect(rows.first?["completion_tokens"] as? Int == billed.completionTokens)
            #expect(rows.first?["cost_micros"] as? Int == batch["cost_micros"] as? Int)
        }
        try await harness.shutdown()
    }
}

/// The cost fields of a batch object, with its id and the model its lines use.
struct BatchCost: Sendable {
    var id: String
    var model: String
    var costMicros: Int?
    var costUSD: String?

    init(_ object: [String: Any], model: String) {
        id = object["id"] as? String ?? ""
        self.model = model
        costMicros = object["cost_micros"] as? Int
        costUSD = object["cost_usd"] as? String
    }
}

/// A JSONL batch of embedding lines `prefix-0 … prefix-(n-1)`.
func embeddingBatch(lines: Int, prefix: String = "embed") -> Data {
    var text = ""
    for i in 0..<lines {
        let input = String(repeating: "word ", count: 1 + i % 7) + "\(i)"
        text +=
            #"{"custom_id":"\#(prefix)-\#(i)","method":"POST","url":"/v1/embeddings","body":{"model":"mock-embed","input":"\#(input)"}}"#
        text += "\n"
    }
    return Data(text.utf8)
}
