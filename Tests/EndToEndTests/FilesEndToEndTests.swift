import Foundation
import Testing
import Workers

/// Files through the real server: multipart uploads of several megabytes stream to disk and come back byte for
/// byte.
@Suite struct FilesEndToEndTests {
    /// A batch input of `lines` chat lines, each padded to about `lineBytes`.
    static func batchFile(lines: Int, lineBytes: Int = 400) -> Data {
        var data = Data()
        data.reserveCapacity(lines * (lineBytes + 1))
        for index in 0..<lines {
            let head =
                #"{"custom_id":"doc-\#(index)","method":"POST","url":"/v1/chat/completions","body":{"model":"mock-chat","messages":[{"role":"user","content":""#
            let tail = #""}]}}"#
            let padding = String(repeating: "x", count: max(0, lineBytes - head.utf8.count - tail.utf8.count))
            data.append(Data((head + padding + tail + "\n").utf8))
        }
        return data
    }

    /// The multipart body the openai SDK sends for `files.create(file=open(path, "rb"), purpose=…)`.
    static func form(purpose: String, filename: String, content: Data) -> (contentType: String, body: Data) {
        let boundary = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n\(purpose)\r\n".utf8)
        body.append(
            Data(
                ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").utf8
            )
        )
        body.append(content)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    @Test(.timeLimit(.minutes(2))) func upload_multiMegabyteBatchFile_roundTripsByteForByte() async throws {
        let harness = try await EndToEndHarness()
        do {
            try await harness.withServer { client in
                let content = Self.batchFile(lines: 20_000)
                #expect(content.count > 7_000_000)
                let form = Self.form(purpose: "batch", filename: "documents.jsonl", content: content)
                let created = try await client.post("/v1/files", body: form.body, contentType: form.contentType)
                #expect(created.status == 200)
                let id = try #require(created.json["id"] as? String)
                #expect(created.json["bytes"] as? Int == content.count)
                #expect(created.json["filename"] as? String == "documents.jsonl")
                #expect(created.json["purpose"] as? String == "batch")

                let stored = URL(fileURLWithPath: harness.dataDirectory).appendingPathComponent("files/\(id).jsonl")
                #expect(try Data(contentsOf: stored) == content)
                let downloaded = try await client.getRaw("/v1/files/\(id)/content")
                #expect(downloaded.status == 200)
                #expect(downloaded.body.count == content.count)
                #expect(downloaded.body == content)

                let listed = try await client.get("/v1/files?purpose=batch")
                #expect((listed.json["data"] as? [[String: Any]])?.first?["id"] as? String == id)
            }
            try await harness.shutdown()
        } catch {
            try? await harness.shutdown()
            throw error
        }
    }

    @Test(.timeLimit(.minutes(1))) func serve_atStartUp_removesUploadsAPreviousRunLeftUnfinished() async throws {
        let harness = try await EndToEndHarness()
        do {
            let files = URL(fileURLWithPath: harness.dataDirectory).appendingPathComponent("files")
            try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
            let leftover = files.appendingPathComponent("staged-\(UUID().uuidString).part")
            try Data("half an upload".utf8).write(to: leftover)
            try await harness.withServer { client in
                #expect(!FileManager.default.fileExists(atPath: leftover.path))
                let form = Self.form(purpose: "batch", filename: "a.jsonl", content: Self.batchFile(lines: 2))
                let created = try await client.post("/v1/files", body: form.body, contentType: form.contentType)
                #expect(created.status == 200)
            }
            try await harness.shutdown()
        } catch {
            try? await harness.shutdown()
            throw error
        }
    }

    /// A 48 MiB upload streams to disk and is stored whole; the peak resident memory growth during it is printed.
    @Test(.timeLimit(.minutes(2))) func upload_largeFile_isNotHeldInMemory() async throws {
        let harness = try await EndToEndHarness()
        do {
            try await harness.withServer { client in
                let content = Data(repeating: UInt8(ascii: "a"), count: 48 * 1024 * 1024)
                let form = Self.form(purpose: "user_data", filename: "blob.bin", content: content)
                let peakReset = ProcessMemory.resetPeak()
                let before = ProcessMemory.residentBytes()
                let created = try await client.post("/v1/files", body: form.body, contentType: form.contentType)
                let peak = ProcessMemory.peakResidentBytes()
                #expect(created.status == 200)
                #expect(created.json["bytes"] as? Int == content.count)
                if peakReset, let before, let peak {
                    // A figure, not an assertion: other tests run in this process at the same time. Measured alone:
                    // libcurl's copy of the body (one file's worth) plus about 25 MiB for 48 MiB and 7 MiB for
                    // 144 MiB, where a server that collected the body would add another file's worth.
                    print(
                        "files e2e: peak RSS growth during a \(content.count >> 20) MiB upload: \(ProcessMemory.growth(before, peak))"
                    )
                }
                let id = try #require(created.json["id"] as? String)
                let stored = URL(fileURLWithPath: harness.dataDirectory).appendingPathComponent("files/\(id).jsonl")
                let attributes = try FileManager.default.attributesOfItem(atPath: stored.path)
                #expect((attributes[.size] as? Int) == content.count)
            }
            try await harness.shutdown()
        } catch {
            try? await harness.shutdown()
            throw error
        }
    }
}

/// This process's resident memory from `/proc/self/status` (Linux).
enum ProcessMemory {
    /// `peak - before` in MiB, as text.
    static func growth(_ before: Int, _ peak: Int) -> String { "\((peak - before) >> 20) MiB" }

    /// Resets the peak (`VmHWM`) to the current resident size: "5" to `/proc/self/clear_refs` (Linux 4.0+,
    /// https://man7.org/linux/man-pages/man5/proc_pid_clear_refs.5.html). Returns whether it worked.
    static func resetPeak() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    static func residentBytes() -> Int? { field("VmRSS:") }
    static func peakResidentBytes() -> Int? { field("VmHWM:") }

    private static func field(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let kilobytes = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
                .flatMap { Int($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }
}
