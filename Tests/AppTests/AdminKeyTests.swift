import Foundation
import Testing

@testable import App

@Suite struct AdminKeyTests {
    private func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-admin-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func loadOrCreate_onFirstStart_generatesAKeyStoredWithMode0600() throws {
        let directory = try temporaryDirectory()
        let first = try AdminKey.loadOrCreate(dataDirectory: directory, environment: [:])
        #expect(first.source == .generated)
        let shown = try #require(first.revealedOnce)
        #expect(shown.hasPrefix(AdminKey.prefix))
        let path = directory + "/" + AdminKey.fileName
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let second = try AdminKey.loadOrCreate(dataDirectory: directory, environment: [:])
        #expect(second.source == .file)
        #expect(second.revealedOnce == nil)
        #expect(second.hash == first.hash)
    }

    @Test func loadOrCreate_whenEnvironmentHasAKey_usesItAndWritesNothing() throws {
        let directory = try temporaryDirectory()
        let key = try AdminKey.loadOrCreate(dataDirectory: directory, environment: ["SLUICE_ADMIN_KEY": "sk-test"])
        #expect(key.source == .environment)
        #expect(key.revealedOnce == nil)
        #expect(!FileManager.default.fileExists(atPath: directory + "/" + AdminKey.fileName))
        #expect("\(key)".contains("sk-test") == false)
    }
}

@Suite struct DataDirectoryLockTests {
    @Test func lock_whenAnotherHolderHasTheDirectory_refusesWithAClearMessage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-lock-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var first: DataDirectoryLock? = try DataDirectoryLock(dataDirectory: directory)
        let error = try #require(throws: ConfigurationError.self) { try DataDirectoryLock(dataDirectory: directory) }
        #expect(error.message.contains("another sluice process"))
        withExtendedLifetime(first) {}
        first = nil
        // Released with its holder: the next server may start.
        _ = try DataDirectoryLock(dataDirectory: directory)
    }
}
