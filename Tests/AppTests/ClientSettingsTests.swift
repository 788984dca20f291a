import Foundation
import Testing

@testable import App

@Suite struct ClientSettingsTests {
    @Test func resolve_flagsWinOverEnvironment() throws {
        let settings = try ClientSettings.resolve(
            server: "http://10.0.0.2:9000/",
            key: "sk-flag",
            environment: ["SLUICE_SERVER": "http://other:1", "SLUICE_API_KEY": "sk-env"]
        )
        #expect(settings == ClientSettings(server: "http://10.0.0.2:9000", key: "sk-flag"))
    }

    @Test func resolve_withoutFlags_usesEnvironmentThenDefaultServer() throws {
        let settings = try ClientSettings.resolve(server: nil, key: nil, environment: ["SLUICE_API_KEY": "sk-env"])
        #expect(settings == ClientSettings(server: ClientSettings.defaultServer, key: "sk-env"))
    }

    @Test func resolve_admin_fallsBackToAdminKeyVariableThenDataDirectoryFile() throws {
        let fromVariable = try ClientSettings.resolve(
            server: nil,
            key: nil,
            environment: ["SLUICE_ADMIN_KEY": "sk-admin"],
            admin: true
        )
        #expect(fromVariable.key == "sk-admin")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-cs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "sk-sluice-admin-file\n".write(
            to: directory.appendingPathComponent("admin.key"),
            atomically: true,
            encoding: .utf8
        )
        let fromFile = try ClientSettings.resolve(
            server: nil,
            key: nil,
            environment: [:],
            admin: true,
            dataDirectory: directory.path
        )
        #expect(fromFile.key == "sk-sluice-admin-file")
    }

    @Test func resolve_withoutAnyKey_throwsUsageErrorNamingTheSources() {
        #expect {
            try ClientSettings.resolve(server: nil, key: "", environment: ["SLUICE_API_KEY": ""])
        } throws: { error in
            let error = error as? ClientError
            return error?.code == .usage && error?.message.contains("SLUICE_API_KEY") == true
        }
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"), ("https://sluice.example/v1", "https://sluice.example"),
        ("http://h:1/base/v1/", "http://h:1/base"),
    ])
    func normalizedServer_dropsTrailingSlashAndV1(text: String, expected: String) throws {
        #expect(try ClientSettings.normalizedServer(text) == expected)
    }

    @Test(arguments: ["127.0.0.1:8080", "ftp://h", "http://", "http://h/?x=1", ""])
    func normalizedServer_whenNotHTTP_throws(text: String) {
        #expect(throws: ClientError.self) { try ClientSettings.normalizedServer(text) }
    }
}
