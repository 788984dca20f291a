import Jobs

extension WireFormat {
    /// OpenAI's File object: `{"id":"file-1","object":"file","bytes","created_at","filename","purpose",
    /// "status":"processed","expires_at","status_details":null}`.
    static func file(_ file: StoredFile, into w: inout JSONWriter) {
        w.object { o in
            o.field("id", file.id.description)
            o.field("object", "file")
            o.field("bytes", Int(file.bytes))
            o.field("created_at", seconds(file.createdAt))
            o.field("filename", file.filename)
            o.field("purpose", file.purpose.rawValue)
            o.field("status", "processed")
            o.field("expires_at", file.expiresAt.map(seconds))
            o.key("status_details")
            o.null()
        }
    }
}
