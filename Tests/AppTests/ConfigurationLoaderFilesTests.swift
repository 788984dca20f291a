import Testing

@testable import App

@Suite struct ConfigurationLoaderFilesTests {
    @Test func parse_withoutFiles_allows512MiBUploads() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "mock: {enabled: true}")
        #expect(configuration.files.maxUploadBytes == 512 * 1024 * 1024)
    }

    @Test func parse_files_readsTheUploadLimit() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "files: {max_upload_bytes: 1048576}")
        #expect(configuration.files.maxUploadBytes == 1_048_576)
    }

    @Test func parse_files_rejectsBadValues() {
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.parse(yaml: "files: {max_upload_bytes: 0}") }
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.parse(yaml: "files: {max_bytes: 10}") }
    }
}
