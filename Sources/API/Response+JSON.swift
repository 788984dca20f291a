import HTTPTypes
import Hummingbird

extension Response {
    /// A JSON response from a finished writer.
    static func json(_ writer: JSONWriter, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: writer.buffer)
        )
    }
}
