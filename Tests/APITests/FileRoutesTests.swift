import Foundation
import Testing
import Workers

@testable import API
@testable import Jobs

/// A multipart/form-data body as the openai SDK sends it (`purpose` first, then `file`).
func multipartUpload(
    purpose: String? = "batch",
    content: Data,
    filename: String = "batch_input.jsonl",
    boundary: String = "0123456789abcdef0123456789abcdef",
    extraFields: [(String, String)] = []
) -> (headers: [(name: String, value: String)], body: Data) {
    var body = Data()
    func field(_ name: String, _ value: String) {
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
    }
    if let purpose { field("purpose", purpose) }
    for (name, value) in extraFields { field(name, value) }
    body.append(
        Data(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").utf8
        )
    )
    body.append(content)
    body.append(Data("\r\n--\(boundary)--\r\n".utf8))
    return ([("content-type", "multipart/form-data; boundary=\(boundary)")], body)
}

/// `n` chat request lines, newline-terminated.
func batchInput(_ n: Int, prefix: String = "r") -> Data {
    Data((0..<n).map { chatLine("\(prefix)\($0)") + "\n" }.joined().utf8)
}

extension APITestServer {
    func upload(
        purpose: String? = "batch",
        content: Data,
        filename: String = "batch_input.jsonl",
        key: String = testAdminKey,
        headers: [(name: String, value: String)] = [],
        extraFields: [(String, String)] = []
    ) async throws -> Workers.HTTPResponse {
        let form = multipartUpload(purpose: purpose, content: content, filename: filename, extraFields: extraFields)
        return try await send("POST", "/v1/files", key: key, headers: form.headers + headers, body: form.body)
    }

    /// The committed files of the store's directory (`file-<n>.jsonl`), staged leftovers included when asked.
    func filesOnDisk(staged: Bool = false) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: store.filesDirectory.path)) ?? []
        return names.filter { $0.hasPrefix("file-") || (staged && $0.hasPrefix("staged-")) }.sorted()
    }
}

@Suite struct FileRoutesTests {
    @Test(.timeLimit(.minutes(1))) func upload_thenGetListContentDelete_roundTrips() async throws {
        try await APITestServer.with { server in
            let content = batchInput(3)
            let created = try await server.upload(content: content)
            #expect(created.status == 200)
            let file = try created.json()
            let id = try #require(file["id"] as? String)
            #expect(id.hasPrefix("file-"))
            #expect(file["object"] as? String == "file")
            #expect(file["bytes"] as? Int == content.count)
            #expect(file["filename"] as? String == "batch_input.jsonl")
            #expect(file["purpose"] as? String == "batch")
            #expect(file["status"] as? String == "processed")
            #expect(file["status_details"] is NSNull)
            let createdAt = try #require(file["created_at"] as? Int)
            #expect(file["expires_at"] as? Int == createdAt + 30 * 86_400)

            let got = try await server.send("GET", "/v1/files/\(id)")
            #expect(got.status == 200)
            #expect(try got.json()["id"] as? String == id)

            let bytes = try await server.send(
                "GET",
                "/v1/files/\(id)/content",
                headers: [("accept", "application/binary")]
            )
            #expect(bytes.status == 200)
            #expect(bytes.body == content)

            let listed = try await server.send("GET", "/v1/files")
            let list = try listed.json()
            #expect(list["object"] as? String == "list")
            #expect((list["data"] as? [[String: Any]])?.count == 1)
            #expect(list["has_more"] as? Bool == false)

            let deleted = try await server.send(
                "DELETE",
                "/v1/files/\(id)",
                headers: [("content-type", "application/json")]
            )
            #expect(deleted.status == 200)
            let deletion = try deleted.json()
            #expect(deletion["id"] as? String == id)
            #expect(deletion["object"] as? String == "file")
            #expect(deletion["deleted"] as? Bool == true)
            #expect(try await server.send("GET", "/v1/files/\(id)").status == 404)
            #expect(try await server.send("GET", "/v1/files/\(id)/content").status == 404)
            #expect(try await server.send("DELETE", "/v1/files/\(id)").status == 404)
            #expect(server.filesOnDisk(staged: true).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1))) func list_pagesWithAfterOrderAndPurpose() async throws {
        try await APITestServer.with { server in
            var ids: [String] = []
            for index in 0..<4 {
                let purpose = index == 2 ? "user_data" : "batch"
                let response = try await server.upload(purpose: purpose, content: batchInput(1, prefix: "\(index)-"))
                ids.append(try #require(try response.json()["id"] as? String))
            }
            func page(_ query: String) async throws -> (ids: [String], hasMore: Bool) {
                let list = try await server.send("GET", "/v1/files\(query)").json()
                let data = try #require(list["data"] as? [[String: Any]])
                return (data.compactMap { $0["id"] as? String }, try #require(list["has_more"] as? Bool))
            }
            let first = try await page("?limit=2")
            #expect(first.ids == [ids[3], ids[2]])
            #expect(first.hasMore)
            let second = try await page("?limit=2&after=\(ids[2])")
            #expect(second.ids == [ids[1], ids[0]])
            #expect(!second.hasMore)
            #expect(try await page("?order=asc&limit=3").ids == [ids[0], ids[1], ids[2]])
            #expect(try await page("?order=asc&after=\(ids[1])").ids == [ids[2], ids[3]])
            #expect(try await page("?purpose=user_data").ids == [ids[2]])
            #expect(try await server.send("GET", "/v1/files?order=up").status == 400)
            #expect(try await server.send("GET", "/v1/files?limit=0").status == 400)
            #expect(try await server.send("GET", "/v1/files?purpose=nope").status == 400)
            // Another tenant sees none of them.
            let other = try await server.makeTenantKey("other")
            let otherList = try await server.send("GET", "/v1/files", key: other).json()
            #expect((otherList["data"] as? [Any])?.isEmpty == true)
            #expect(try await server.send("GET", "/v1/files/\(ids[0])", key: other).status == 404)
        }
    }

    @Test(.timeLimit(.minutes(1))) func upload_batchFileWithBadLine_is400NamingTheLineAndStoresNothing() async throws {
        try await APITestServer.with { server in
            var content = batchInput(2)
            content.append(Data("{\"custom_id\":\"x\",\"method\":\"POST\"}\n".utf8))
            let response = try await server.upload(content: content)
            #expect(response.status == 400)
            let error = try response.errorObject()
            #expect((error["message"] as? String)?.contains("Line 3") == true)
            #expect(error["code"] as? String == "invalid_file_line")
            #expect(server.filesOnDisk(staged: true).isEmpty)
            let list = try await server.send("GET", "/v1/files").json()
            #expect((list["data"] as? [Any])?.isEmpty == true)
            // The same bytes as user data are fine: lines are only checked for batch inputs.
            #expect(try await server.upload(purpose: "user_data", content: content).status == 200)
        }
    }

    @Test(.timeLimit(.minutes(1))) func upload_badForms_are400() async throws {
        try await APITestServer.with { server in
            let content = batchInput(1)
            #expect(try await server.upload(purpose: nil, content: content).status == 400)
            #expect(try await server.upload(purpose: "batch_output", content: content).status == 400)
            #expect(try await server.upload(purpose: "fine-tune", content: content).status == 400)
            #expect(try await server.upload(content: Data()).status == 400)
            let json = try await server.send("POST", "/v1/files", json: "{}")
            #expect(json.status == 400)
            // A body cut before the closing boundary.
            let form = multipartUpload(content: content)
            let cut = try await server.send(
                "POST",
                "/v1/files",
                headers: form.headers,
                body: form.body.prefix(form.body.count - 10)
            )
            #expect(cut.status == 400)
            #expect(try cut.errorObject()["code"] as? String == "invalid_multipart")
            let expiring = try await server.upload(
                content: content,
                extraFields: [("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "3600")]
            )
            #expect(expiring.status == 200)
            let object = try expiring.json()
            #expect(object["expires_at"] as? Int == (object["created_at"] as? Int).map { $0 + 3600 })
            let tooShort = try await server.upload(
                content: content,
                extraFields: [("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "60")]
            )
            #expect(tooShort.status == 400)
            #expect(server.filesOnDisk(staged: true).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func upload_overTheFileLimit_is413_whileOtherRoutesKeepTheirs() async throws {
        try await APITestServer.with(maxFileBytes: 4096) { server in
            let response = try await server.upload(content: batchInput(100))
            #expect(response.status == 413)
            #expect(try response.errorObject()["type"] as? String == "invalid_request_error")
            #expect(server.filesOnDisk(staged: true).isEmpty)
            #expect(try await server.upload(content: batchInput(2)).status == 200)
        }
    }

    @Test(.timeLimit(.minutes(1))) func upload_withIdempotencyKey_repeatsOrRefuses() async throws {
        try await APITestServer.with { server in
            let key = [("idempotency-key", "upload-1")]
            let first = try await server.upload(content: batchInput(2), headers: key)
            #expect(first.status == 200)
            let again = try await server.upload(content: batchInput(2), headers: key)
            #expect(again.status == 200)
            #expect(try again.json()["id"] as? String == (try first.json()["id"] as? String))
            let other = try await server.upload(content: batchInput(3), headers: key)
            #expect(other.status == 422)
            #expect(other.headers.first { $0.name.lowercased() == "x-should-retry" }?.value == "false")
            let error = try other.errorObject()
            #expect(error["code"] as? String == "idempotency_key_reused")
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(server.filesOnDisk(staged: true).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func upload_concurrentWithSameKey_storesOneFile() async throws {
        try await APITestServer.with { server in
            let ids = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let response = try await server.upload(
                            content: batchInput(5),
                            headers: [("idempotency-key", "same")]
                        )
                        return try response.json()["id"] as? String
                    }
                }
                var ids: Set<String?> = []
                for try await id in group { ids.insert(id) }
                return ids
            }
            #expect(ids.count == 1)
            #expect(ids.first! != nil)
            #expect(server.filesOnDisk(staged: true).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1))) func createJobAndBatch_withUsedKeyAndOtherBody_are422() async throws {
        try await APITestServer.with { server in
            let key = [("idempotency-key", "k-job")]
            let job = try await server.send("POST", "/v1/jobs", json: chatLine(nil), headers: key)
            #expect(job.status == 202)
            let sameJob = try await server.send("POST", "/v1/jobs", json: chatLine(nil), headers: key)
            #expect(sameJob.status == 202)
            #expect(try sameJob.json()["id"] as? String == (try job.json()["id"] as? String))
            let otherJob = try await server.send("POST", "/v1/jobs", json: chatLine("c"), headers: key)
            #expect(otherJob.status == 422)
            #expect(try otherJob.errorObject()["code"] as? String == "idempotency_key_reused")

            let batchKey = [("content-type", "application/jsonl"), ("idempotency-key", "k-batch")]
            let lines = Data((chatLine("a") + "\n" + chatLine("b") + "\n").utf8)
            let batch = try await server.send("POST", "/v1/batches", headers: batchKey, body: lines)
            #expect(batch.status == 202)
            let sameBatch = try await server.send("POST", "/v1/batches", headers: batchKey, body: lines)
            #expect(sameBatch.status == 202)
            #expect(try sameBatch.json()["id"] as? String == (try batch.json()["id"] as? String))
            let otherLines = Data((chatLine("a") + "\n").utf8)
            let otherBatch = try await server.send("POST", "/v1/batches", headers: batchKey, body: otherLines)
            #expect(otherBatch.status == 422)
            let message = try #require(try otherBatch.errorObject()["message"] as? String)
            #expect(!message.contains("mock-chat"))
        }
    }
}
