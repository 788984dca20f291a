import API

extension SluiceConfiguration {
    /// OpenAI's Files API (`files:` section).
    package struct Files: Sendable, Equatable {
        /// Largest `POST /v1/files` body, streamed to disk (default 512 MiB); other routes keep their own limit.
        package var maxUploadBytes: Int

        package init(maxUploadBytes: Int = APIConfiguration.defaultMaxFileBytes) {
            self.maxUploadBytes = maxUploadBytes
        }
    }
}
